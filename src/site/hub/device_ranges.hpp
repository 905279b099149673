// SPDX-License-Identifier: Apache-2.0
#pragma once
// Non-fatal warnings for an experiment that drives a memristor model outside the range its
// preset was fitted on (device/fitted_range.hpp): an LTP/LTD pulse of another amplitude or
// width, or an initial resistance outside the resistances the device visited. One warning per
// [[synapses]] entry and value (a population block is one entry). Loading stays valid: these
// are a separate channel from the diagnostics that stop a run.
#include <string>
#include <vector>

#include "experiment/model.hpp"

namespace ion::hub {

struct RangeWarning {
  experiment::SourceLoc loc;  // the value's position, else its [[synapses]] entry's
  std::string key_path;       // "synapses[0].plasticity.ltp_pulse"
  std::string hub;            // the hub site holding the synapse
  std::string message;
  // "FILE:LINE:COL: key.path: warning: message", as the loader prints its diagnostics.
  std::string to_string() const;
};

std::vector<RangeWarning> device_range_warnings(const experiment::Experiment& e);

// The device layer's name for a synapse's model: a linear-drift window names its own model.
std::string device_model_name(const experiment::DeviceConfig& d);

}  // namespace ion::hub
