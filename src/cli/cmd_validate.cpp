// SPDX-License-Identifier: Apache-2.0
// `ion validate [FILE...]`: load and check experiment files; print a one-line summary per good
// file, every diagnostic of a bad one (FILE:LINE:COL: key.path: message). Exit 2 on any problem.
// With no FILE, checks the built-in experiment. A valid file that drives a memristor model outside
// the range its preset was fitted on gets warnings (FILE:LINE:COL: key.path: warning: ...) on
// stderr; they do not make it invalid.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "site/hub/device_ranges.hpp"

namespace ion::cli {
namespace {

// Prints the outcome for one loaded experiment; returns true if it is valid.
bool report(const Result<experiment::Experiment>& r, const experiment::Diagnostics& diags, const std::string& file) {
  if (!r) {
    std::fputs(diags.empty() ? (r.status().message() + "\n").c_str() : diags.to_string().c_str(), stderr);
    return false;
  }
  const auto& e = *r;
  std::printf("ok: %s — %zu sites, %zu neurons, %zu synapses (%s)\n", e.name.c_str(), e.sites.size(), e.neurons.size(),
              e.synapses.size(), file.c_str());
  std::fflush(stdout);  // keep the order of ok lines and diagnostics (stderr) when both are piped
  for (const auto& w : hub::device_range_warnings(e)) std::fprintf(stderr, "%s\n", w.to_string().c_str());
  return true;
}

void run_validate(const std::vector<std::string>& files) {
  size_t bad = 0;
  if (files.empty()) {
    experiment::Diagnostics diags;
    auto r = experiment::load_experiment_text(experiment::builtin_experiment_text(), experiment::kBuiltinName, &diags);
    bad += !report(r, diags, std::string(experiment::kBuiltinName));
  }
  for (const auto& f : files) {
    experiment::Diagnostics diags;
    auto r = experiment::load_experiment(f, &diags);
    bad += !report(r, diags, f);
  }
  if (bad) {
    size_t total = files.empty() ? 1 : files.size();
    throw CliError(std::to_string(bad) + " of " + std::to_string(total) + " experiment file(s) have problems", 2);
  }
}

}  // namespace

void add_validate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("validate", "Check experiment files and report every problem with FILE:LINE:COL");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "Experiment files (TOML); none = the built-in experiment");
  cmd->callback([files] { run_validate(*files); });
}

}  // namespace ion::cli
