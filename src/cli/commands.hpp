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

void add_inspect_command(CLI::App& app);
void add_keygen_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_device_command(CLI::App& app);
void add_culture_command(CLI::App& app);
void add_detect_command(CLI::App& app);
void add_neuron_command(CLI::App& app);
void add_neuron_bench_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_node_command(CLI::App& app);
void add_bench_link_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_bench_hub_command(CLI::App& app);
// The shared `ion bench` group (created by the first benchmark that registers).
inline CLI::App* bench_group(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App* a) { return a->get_name() == "bench"; })) return sub;
  CLI::App* bench = app.add_subcommand("bench", "benchmarks (each measures its baseline in the same run)");
  bench->require_subcommand(1);
  return bench;
}

// ION_COMMAND_DECLARATIONS (keep this marker: commands are declared above it, one line each)

inline void add_all_commands(CLI::App& app) {
  (void)app;
  add_run_command(app);
  add_node_command(app);
  add_inspect_command(app);
  add_keygen_command(app);
  add_validate_command(app);
  add_device_command(app);
  add_culture_command(app);
  add_detect_command(app);
  add_neuron_command(app);
  add_neuron_bench_command(app);
  add_bench_link_command(app);
  add_report_command(app);
  add_bench_hub_command(app);
  // ION_COMMAND_REGISTRATIONS (keep this marker: commands are registered above it, one line each)
}

}  // namespace ion::cli
