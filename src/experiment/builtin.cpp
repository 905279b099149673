// SPDX-License-Identifier: Apache-2.0
#include "experiment/builtin.hpp"

#include "experiment/load.hpp"

namespace ion::experiment {
namespace {
#include "experiment/builtin_text.inc"  // generated: constexpr const char kBuiltinText[]
}  // namespace

std::string_view builtin_experiment_text() { return kBuiltinText; }

Result<Experiment> builtin_experiment() { return load_experiment_text(builtin_experiment_text(), kBuiltinName); }

}  // namespace ion::experiment
