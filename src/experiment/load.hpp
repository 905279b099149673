// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loading an experiment file: parse (toml++), check every key, type, unit and reference, and
// return the validated Experiment — or, if there is any problem at all, an error whose message
// lists every diagnostic (one per line, sorted by position). Nothing should start on error.
#include <set>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "experiment/diagnostics.hpp"
#include "experiment/model.hpp"

namespace ion::experiment {

// Reads and validates the file at `path`. If `diags` is given it receives every problem.
Result<Experiment> load_experiment(const std::string& path, Diagnostics* diags = nullptr);
// Same for text already in memory; `name` is used as the file name in diagnostics.
Result<Experiment> load_experiment_text(std::string_view text, std::string_view name, Diagnostics* diags = nullptr);
// The error a failed load returns: "N problems in the experiment:" and one diagnostic per line.
Status load_failure(const Diagnostics& d);

// Every key path the loader reads (or names as belonging to another kind) while loading `text`,
// as in diagnostics: "experiment.seed", "sites.zurich.chip.cores", "neurons[0].drive.rate". The
// test of `ion help experiment` compares the documented keys (docs/experiment.md) with these.
// Error: the loader's, when `text` is not a valid experiment (its key set would be incomplete).
Result<std::set<std::string>> keys_read_by_loader(std::string_view text);

}  // namespace ion::experiment
