// SPDX-License-Identifier: Apache-2.0
#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself on the top-level app.
// Handlers throw CliError (or any std::exception) for user-facing failures; main() prints one
// clear message and exits with status 2 (usage/config) or 1 (runtime failure).
#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

namespace ion::cli {

struct CliError : std::runtime_error {
  explicit CliError(const std::string& what, int exit_code = 1) : std::runtime_error(what), code(exit_code) {}
  int code;
};

void add_run_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_inspect_command(CLI::App& app);
// ION_COMMAND_DECLARATIONS (keep this marker: later commands are declared above it)

inline void add_all_commands(CLI::App& app) {
  add_run_command(app);
  add_validate_command(app);
  add_inspect_command(app);
  // ION_COMMAND_REGISTRATIONS (keep this marker: later commands are registered above it)
}

}  // namespace ion::cli
