// SPDX-License-Identifier: Apache-2.0
#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself on the top-level app.
// Handlers throw CliError (or any std::exception) for user-facing failures; main() prints one
// clear message and exits with CliError::code (the scheme of cli/exit_codes.hpp: 2 for usage/config
// errors, 1 for runtime failures).
#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

namespace ion::cli {

struct CliError : std::runtime_error {
  explicit CliError(const std::string& what, int exit_code = 1) : std::runtime_error(what), code(exit_code) {}
  int code;
};

void add_inspect_command(CLI::App& app);
void add_keygen_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_device_command(CLI::App& app);
void add_culture_command(CLI::App& app);
void add_detect_command(CLI::App& app);
void add_neuron_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_node_command(CLI::App& app);
void add_monitor_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_completion_command(CLI::App& app);
void add_help_command(CLI::App& app);
// `ion bench ...` (cmd_bench.cpp, only in builds with ION_BUILD_BENCHMARKS, which define ION_WITH_BENCH).
void add_bench_command(CLI::App& app);

inline void add_all_commands(CLI::App& app) {
  add_run_command(app);
  add_node_command(app);
  add_monitor_command(app);
  add_inspect_command(app);
  add_keygen_command(app);
  add_validate_command(app);
  add_device_command(app);
#ifdef ION_WITH_BENCH
  add_bench_command(app);  // here, where `ion --help` has always listed it
#endif
  add_culture_command(app);
  add_detect_command(app);
  add_neuron_command(app);
  add_report_command(app);
  add_export_command(app);
  add_completion_command(app);
  add_help_command(app);
}

}  // namespace ion::cli
