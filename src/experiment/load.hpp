// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loading an experiment file: parse (toml++), check every key, type, unit and reference, and
// return the validated Experiment — or, if there is any problem at all, an error whose message
// lists every diagnostic (one per line, sorted by position). Nothing should start on error.
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

}  // namespace ion::experiment
