// SPDX-License-Identifier: Apache-2.0
#pragma once
// The neuron and synapse rows of a recording (record/description.hpp), from the experiment.
#include <string>

#include "core/status.hpp"
#include "experiment/model.hpp"
#include "record/description.hpp"
#include "record/merge.hpp"

namespace ion::report {

// Every neuron (by site, index) and synapse (by id) of `e`.
record::RecordingDescription describe_recording(const experiment::Experiment& e);

// The same from the experiment file the sites recorded (their experiment_file note), re-validated
// with the loader `ion report` uses. An error when the logs hold no such note or it does not load
// (the message says which and why; `source` names the logs in it).
Result<record::RecordingDescription> describe_recorded(const record::MergedRecording& m, const std::string& source);

}  // namespace ion::report
