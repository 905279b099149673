// SPDX-License-Identifier: Apache-2.0
#pragma once
// The compound tables of the HDF5 export (docs/recording.md §3): events, notes, sessions, and
// the description tables /neurons and /synapses. Internal to record/ (hdf5_export.cpp calls them),
// except synapse_entries, which the NWB export (export/) shares so both files list the same rows.
#include <map>

#include "record/description.hpp"
#include "record/h5_util.hpp"
#include "record/merge.hpp"

namespace ion::record::h5 {

// /spikes, /inputs, /stimuli.
Status write_event_tables(hid_t file, const MergedRecording& m, const DatasetOptions& o);
// /sessions, /gaps, /notes.
Status write_session_tables(hid_t file, const MergedRecording& m, const DatasetOptions& o);
// /neurons: every described neuron and every neuron the logs name or saw spike.
Status write_neuron_table(hid_t file, const MergedRecording& m, const RecordingDescription& d, const DatasetOptions& o);
// One row per synapse id: the description's, else the logs' name with cell -1 and "" elsewhere
// (every described synapse and every id the logs name or recorded weights of).
std::map<uint32_t, SynapseRow> synapse_entries(const MergedRecording& m, const RecordingDescription& d);
// /synapses: every described synapse and every synapse id the logs name or recorded weights of.
Status write_synapse_table(hid_t file, const MergedRecording& m, const RecordingDescription& d,
                           const DatasetOptions& o);

}  // namespace ion::record::h5
