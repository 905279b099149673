// SPDX-License-Identifier: Apache-2.0
#pragma once
// The built-in experiment: examples/three_neuron.toml, embedded at build time (one source of
// truth; CMake reads the file into a generated header and re-configures when it changes).
#include <string_view>

#include "core/status.hpp"
#include "experiment/model.hpp"

namespace ion::experiment {

inline constexpr std::string_view kBuiltinName = "<builtin:three_neuron.toml>";

// The TOML text of examples/three_neuron.toml.
std::string_view builtin_experiment_text();
// The built-in experiment, loaded and validated (always ok unless the embedded file is broken).
Result<Experiment> builtin_experiment();

}  // namespace ion::experiment
