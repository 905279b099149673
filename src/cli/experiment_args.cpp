// SPDX-License-Identifier: Apache-2.0
#include "cli/experiment_args.hpp"

#include <ctime>

#include "cli/arg_checks.hpp"
#include "cli/commands.hpp"
#include "core/time.hpp"
#include "experiment/builtin.hpp"
#include "experiment/input_bounds.hpp"
#include "experiment/load.hpp"
#include "experiment/overrides.hpp"
#include "experiment/resources.hpp"

namespace ion::cli {

namespace {

// The file (or the built-in experiment) with the --set edits applied and validated.
Result<experiment::Experiment> load_with_sets(const ExperimentArgs& a) {
  if (a.sets.empty()) return a.file.empty() ? experiment::builtin_experiment() : experiment::load_experiment(a.file);
  std::vector<experiment::Override> sets;
  for (const auto& arg : a.sets) {
    auto o = experiment::parse_override(arg);
    if (!o) throw CliError(o.status().message(), 2);
    sets.push_back(std::move(o).value());
  }
  if (a.file.empty())
    return experiment::load_with_overrides(experiment::builtin_experiment_text(), experiment::kBuiltinName, sets);
  auto text = experiment::read_experiment_file(a.file);
  if (!text) throw CliError(a.file + ": " + text.status().message(), 2);
  return experiment::load_with_overrides(*text, a.file, sets);
}

}  // namespace

experiment::Experiment load_experiment_args(const ExperimentArgs& a) {
  // Checked first: `--duration 8 s` leaves "s" as the experiment file, and the duration's message
  // (quote it) is the one that helps. Its range is rescale_duration's (the one check, CLI and Python).
  const Duration duration = a.duration.empty() ? 0 : duration_arg("--duration", a.duration);
  auto e = load_with_sets(a);
  if (!e) throw CliError(e.status().message(), 2);
  if (!a.duration.empty()) {
    const Status scaled = experiment::rescale_duration(*e, duration);
    if (!scaled) throw CliError("--duration " + a.duration + ": " + scaled.message(), 2);
  }
  if (a.seed) e->seed = *a.seed;
  return std::move(e).value();
}

std::string timestamp_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

}  // namespace ion::cli
