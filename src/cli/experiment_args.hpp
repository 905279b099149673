// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loading the experiment named on a command line (or the built-in one), with the overrides
// `ion run` and `ion node` share. Errors become CliError (exit 2) with every diagnostic.
#include <optional>
#include <string>

#include "experiment/model.hpp"

namespace ion::cli {

struct ExperimentArgs {
  std::string file;      // "" = the built-in three-neuron experiment
  std::string duration;  // "" = as in the file; else scales the phases ("20s")
  std::optional<uint64_t> seed;
};

experiment::Experiment load_experiment_args(const ExperimentArgs& a);

// "20261127-091530" (UTC) for output directory names.
std::string timestamp_now();

}  // namespace ion::cli
