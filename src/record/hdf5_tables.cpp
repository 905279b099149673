// SPDX-License-Identifier: Apache-2.0
#include "record/hdf5_tables.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <map>

namespace ion::record::h5 {
namespace {

// Memory rows of the compound tables: each *_ns time has its float64 *_s twin right after it
// (strings as borrowed C strings).
struct H5Spike {
  int64_t t_ns;
  double t_s;
  uint16_t site;
  uint32_t index;
  uint8_t kind;
  uint16_t log_site;
};
struct H5Input {
  int64_t t_ns;
  double t_s;
  uint16_t post_site;
  uint32_t post_index, synapse;
  float weight;
  uint16_t log_site;
  int64_t arrival_ns;
  double arrival_s;  // NaN when arrival_ns is kNoArrival
};
struct H5Stimulus {
  int64_t t_ns;
  double t_s;
  uint16_t log_site, electrode;
  float amplitude, width_s, charge_c;
  uint32_t synapse;
  uint8_t outcome, cathodic_first;
};
struct H5Session {
  uint16_t site;
  uint64_t epoch;
  uint8_t resumed;
  int64_t local_ns;
  double local_s;
  int64_t wall_ns;
  double wall_s;
};
struct H5Note {
  uint16_t site;
  int64_t t_ns;
  double t_s;
  uint16_t kind;
  const char* kind_name;
  const char* text;
};
struct H5Neuron {
  uint16_t site;
  uint32_t index;
  const char* name;
  const char* model;
  uint64_t spikes;
};
struct H5Synapse {
  uint32_t id;
  const char *name, *pre, *post, *hub;
  int32_t word, bit;
  const char *device_model, *preset, *rule;
};

// Adds member `f` of row struct T to compound `c` under its own name.
#define ION_H5_MEMBER(c, T, f, type) (c).add(#f, offsetof(T, f), (type))

Status write_spikes(hid_t file, const MergedRecording& m, const DatasetOptions& o) {
  std::vector<H5Spike> rows;
  rows.reserve(m.spikes.size());
  for (const auto& r : m.spikes) rows.push_back({r.t, seconds(r.t), r.site, r.index, r.kind, r.log_site});
  Compound c(sizeof(H5Spike));
  ION_H5_MEMBER(c, H5Spike, t_ns, H5T_NATIVE_INT64);
  ION_H5_MEMBER(c, H5Spike, t_s, H5T_NATIVE_DOUBLE);
  ION_H5_MEMBER(c, H5Spike, site, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Spike, index, H5T_NATIVE_UINT32);
  ION_H5_MEMBER(c, H5Spike, kind, H5T_NATIVE_UINT8);
  ION_H5_MEMBER(c, H5Spike, log_site, H5T_NATIVE_UINT16);
  return write_dataset(file, "spikes", c.get(), rows.size(), rows.data(), o);
}

double arrival_seconds(int64_t ns) { return ns == kNoArrival ? std::numeric_limits<double>::quiet_NaN() : seconds(ns); }

Status write_inputs(hid_t file, const MergedRecording& m, const DatasetOptions& o) {
  std::vector<H5Input> rows;
  rows.reserve(m.inputs.size());
  for (const auto& r : m.inputs) {
    rows.push_back({r.t, seconds(r.t), r.post_site, r.post_index, r.synapse, r.weight, r.log_site, r.arrival_ns,
                    arrival_seconds(r.arrival_ns)});
  }
  Compound c(sizeof(H5Input));
  ION_H5_MEMBER(c, H5Input, t_ns, H5T_NATIVE_INT64);
  ION_H5_MEMBER(c, H5Input, t_s, H5T_NATIVE_DOUBLE);
  ION_H5_MEMBER(c, H5Input, post_site, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Input, post_index, H5T_NATIVE_UINT32);
  ION_H5_MEMBER(c, H5Input, synapse, H5T_NATIVE_UINT32);
  ION_H5_MEMBER(c, H5Input, weight, H5T_NATIVE_FLOAT);
  ION_H5_MEMBER(c, H5Input, log_site, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Input, arrival_ns, H5T_NATIVE_INT64);
  ION_H5_MEMBER(c, H5Input, arrival_s, H5T_NATIVE_DOUBLE);
  return write_dataset(file, "inputs", c.get(), rows.size(), rows.data(), o);
}

Status write_stimuli(hid_t file, const MergedRecording& m, const DatasetOptions& o) {
  std::vector<H5Stimulus> rows;
  rows.reserve(m.stimuli.size());
  for (const auto& r : m.stimuli) {
    rows.push_back({r.t, seconds(r.t), r.log_site, r.electrode, r.amplitude, r.width_s, r.charge_c, r.synapse,
                    r.outcome, r.cathodic_first});
  }
  Compound c(sizeof(H5Stimulus));
  ION_H5_MEMBER(c, H5Stimulus, t_ns, H5T_NATIVE_INT64);
  ION_H5_MEMBER(c, H5Stimulus, t_s, H5T_NATIVE_DOUBLE);
  ION_H5_MEMBER(c, H5Stimulus, log_site, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Stimulus, electrode, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Stimulus, amplitude, H5T_NATIVE_FLOAT);
  ION_H5_MEMBER(c, H5Stimulus, width_s, H5T_NATIVE_FLOAT);
  ION_H5_MEMBER(c, H5Stimulus, charge_c, H5T_NATIVE_FLOAT);
  ION_H5_MEMBER(c, H5Stimulus, synapse, H5T_NATIVE_UINT32);
  ION_H5_MEMBER(c, H5Stimulus, outcome, H5T_NATIVE_UINT8);
  ION_H5_MEMBER(c, H5Stimulus, cathodic_first, H5T_NATIVE_UINT8);
  return write_dataset(file, "stimuli", c.get(), rows.size(), rows.data(), o);
}

Status write_notes(hid_t file, const char* name, const std::vector<NoteRow>& notes, const DatasetOptions& o) {
  std::vector<H5Note> rows;
  for (const auto& n : notes) {
    rows.push_back({n.site, n.t, seconds(n.t), n.kind, note_kind_name(static_cast<NoteKind>(n.kind)), n.text.c_str()});
  }
  Id str = string_type();
  Compound c(sizeof(H5Note));
  ION_H5_MEMBER(c, H5Note, site, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Note, t_ns, H5T_NATIVE_INT64);
  ION_H5_MEMBER(c, H5Note, t_s, H5T_NATIVE_DOUBLE);
  ION_H5_MEMBER(c, H5Note, kind, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Note, kind_name, str.get());
  ION_H5_MEMBER(c, H5Note, text, str.get());
  return write_dataset(file, name, c.get(), rows.size(), rows.data(), o);
}

// One /neurons row per (site, index): the description's, else the logs' name and no model.
struct NeuronEntry {
  std::string name, model;
  uint64_t spikes = 0;
};

std::map<NeuronAddr, NeuronEntry> neuron_entries(const MergedRecording& m, const RecordingDescription& d) {
  std::map<NeuronAddr, NeuronEntry> rows;
  for (const auto& [a, name] : m.neuron_names) rows[a].name = name;
  for (const auto& n : d.neurons) rows[{n.site, n.index}] = {n.name, n.model, 0};
  for (const auto& s : m.spikes) ++rows[{s.site, s.index}].spikes;
  return rows;
}

}  // namespace

std::map<uint32_t, SynapseRow> synapse_entries(const MergedRecording& m, const RecordingDescription& d) {
  std::map<uint32_t, SynapseRow> rows;
  auto unknown = [](uint32_t id, std::string name) {
    return SynapseRow{id, std::move(name), "", "", "", -1, -1, "", "", ""};
  };
  for (const auto& [id, name] : m.synapse_names) rows.emplace(id, unknown(id, name));
  for (const auto& [id, trace] : m.synapses) rows.emplace(id, unknown(id, ""));
  for (const auto& s : d.synapses) rows[s.id] = s;
  return rows;
}

Status write_event_tables(hid_t file, const MergedRecording& m, const DatasetOptions& o) {
  ION_TRY(write_spikes(file, m, o));
  ION_TRY(write_inputs(file, m, o));
  return write_stimuli(file, m, o);
}

Status write_session_tables(hid_t file, const MergedRecording& m, const DatasetOptions& o) {
  std::vector<H5Session> rows;
  for (const auto& s : m.sessions) {
    rows.push_back({s.site, s.epoch, s.resumed, s.local_ns, seconds(s.local_ns), s.wall_ns, seconds(s.wall_ns)});
  }
  Compound c(sizeof(H5Session));
  ION_H5_MEMBER(c, H5Session, site, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Session, epoch, H5T_NATIVE_UINT64);
  ION_H5_MEMBER(c, H5Session, resumed, H5T_NATIVE_UINT8);
  ION_H5_MEMBER(c, H5Session, local_ns, H5T_NATIVE_INT64);
  ION_H5_MEMBER(c, H5Session, local_s, H5T_NATIVE_DOUBLE);
  ION_H5_MEMBER(c, H5Session, wall_ns, H5T_NATIVE_INT64);
  ION_H5_MEMBER(c, H5Session, wall_s, H5T_NATIVE_DOUBLE);
  ION_TRY(write_dataset(file, "sessions", c.get(), rows.size(), rows.data(), o));
  ION_TRY(write_notes(file, "gaps", m.gaps, o));
  return write_notes(file, "notes", m.notes, o);
}

Status write_neuron_table(hid_t file, const MergedRecording& m, const RecordingDescription& d,
                          const DatasetOptions& o) {
  const auto entries = neuron_entries(m, d);
  std::vector<H5Neuron> rows;
  for (const auto& [a, n] : entries) rows.push_back({a.site, a.index, n.name.c_str(), n.model.c_str(), n.spikes});
  Id str = string_type();
  Compound c(sizeof(H5Neuron));
  ION_H5_MEMBER(c, H5Neuron, site, H5T_NATIVE_UINT16);
  ION_H5_MEMBER(c, H5Neuron, index, H5T_NATIVE_UINT32);
  ION_H5_MEMBER(c, H5Neuron, name, str.get());
  ION_H5_MEMBER(c, H5Neuron, model, str.get());
  ION_H5_MEMBER(c, H5Neuron, spikes, H5T_NATIVE_UINT64);
  return write_dataset(file, "neurons", c.get(), rows.size(), rows.data(), o);
}

Status write_synapse_table(hid_t file, const MergedRecording& m, const RecordingDescription& d,
                           const DatasetOptions& o) {
  const auto entries = synapse_entries(m, d);
  std::vector<H5Synapse> rows;
  for (const auto& [id, s] : entries) {
    rows.push_back({id, s.name.c_str(), s.pre.c_str(), s.post.c_str(), s.hub.c_str(), s.word, s.bit,
                    s.device_model.c_str(), s.preset.c_str(), s.rule.c_str()});
  }
  Id str = string_type();
  Compound c(sizeof(H5Synapse));
  ION_H5_MEMBER(c, H5Synapse, id, H5T_NATIVE_UINT32);
  ION_H5_MEMBER(c, H5Synapse, name, str.get());
  ION_H5_MEMBER(c, H5Synapse, pre, str.get());
  ION_H5_MEMBER(c, H5Synapse, post, str.get());
  ION_H5_MEMBER(c, H5Synapse, hub, str.get());
  ION_H5_MEMBER(c, H5Synapse, word, H5T_NATIVE_INT32);
  ION_H5_MEMBER(c, H5Synapse, bit, H5T_NATIVE_INT32);
  ION_H5_MEMBER(c, H5Synapse, device_model, str.get());
  ION_H5_MEMBER(c, H5Synapse, preset, str.get());
  ION_H5_MEMBER(c, H5Synapse, rule, str.get());
  return write_dataset(file, "synapses", c.get(), rows.size(), rows.data(), o);
}

#undef ION_H5_MEMBER

}  // namespace ion::record::h5
