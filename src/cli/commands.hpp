// SPDX-License-Identifier: Apache-2.0
#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself on the top-level app.
// Handlers throw CliError (or any std::exception) for user-facing failures; main() prints one
// clear message and exits with CliError::code (2 for usage/config errors, 1 for runtime failures).
#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

namespace ion::cli {

struct CliError : std::runtime_error {
  explicit CliError(const std::string& what, int exit_code = 1) : std::runtime_error(what), code(exit_code) {}
  int code;
};

// ION_COMMAND_DECLARATIONS (keep this marker: commands are declared above it, one line each)

inline void add_all_commands(CLI::App& app) {
  (void)app;
  // ION_COMMAND_REGISTRATIONS (keep this marker: commands are registered above it, one line each)
}

}  // namespace ion::cli
