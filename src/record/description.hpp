// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a recording is OF: the neurons and synapses of the experiment the sites ran, as rows the
// HDF5 export writes to /neurons and /synapses (docs/recording.md §3) and other exports can share.
// The record layer only carries them; report/describe.hpp fills them from an Experiment (the
// record layer does not know experiments). Nothing here is logged: the event logs and their
// digest are unchanged by it.
#include <cstdint>
#include <string>
#include <vector>

namespace ion::record {

struct NeuronRow {
  uint16_t site = 0;
  uint32_t index = 0;  // among that site's neurons, in file order
  std::string name;
  std::string model;  // neuron model name ("lif", ...)
};

struct SynapseRow {
  uint32_t id = 0;  // synapse id (file order), as in /inputs, /stimuli and /weights
  std::string name;
  std::string pre, post;      // neuron names
  std::string hub;            // the hub site holding the device
  int32_t word = 0, bit = 0;  // crossbar cell of the device on the hub's instrument
  std::string device_model, preset, rule;
};

struct RecordingDescription {
  std::vector<NeuronRow> neurons;    // by (site, index)
  std::vector<SynapseRow> synapses;  // by id
};

}  // namespace ion::record
