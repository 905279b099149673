// SPDX-License-Identifier: Apache-2.0
#pragma once
// The parts of the NWB file, one function each (nwb_export.cpp calls them in order). Internal to
// export/.
#include <map>

#include "experiment/model.hpp"
#include "export/nwb_hdmf.hpp"
#include "record/description.hpp"
#include "record/merge.hpp"

namespace ion::nwb {

struct Context {
  const Builder& b;
  const record::MergedRecording& m;
  const experiment::Experiment& e;
  record::RecordingDescription d;
  std::map<std::string, int64_t> unit_row;  // neuron name → row of /units (filled by write_units)
};

// /units: one row per neuron (described, named in the logs, or seen spiking), 0-spike rows included.
Status write_units(hid_t file, Context& c);
// /stimulus/presentation: stimulation (charge per pulse, outcome as control), its electrodes and
// the pulses as an IntervalSeries. Nothing when no pulse was recorded.
Status write_stimulus(hid_t presentation, const Context& c);
// /processing/plasticity (synapse table + per-synapse resistance and weight TimeSeries) and
// /processing/network (link statistics), each only when the logs hold such records.
Status write_processing(hid_t processing, const Context& c);

// /processing/network: link statistics (called by write_processing).
Status write_network(hid_t processing, const Context& c);

// A synapse's name for HDF5 paths: its described name, else the logs', else "synapse<id>"; '/' → '_'.
std::string synapse_label(const Context& c, uint32_t id);

}  // namespace ion::nwb
