// SPDX-License-Identifier: Apache-2.0
// /stimulus/presentation and the processing modules `plasticity` and `network`
// (docs/recording.md §9).
#include <algorithm>
#include <cmath>

#include "export/nwb_parts.hpp"
#include "record/hdf5_tables.hpp"

namespace ion::nwb {
namespace h5 = record::h5;
namespace {

template <class T, class Rows, class F>
std::vector<T> pick(const Rows& rows, F get) {
  std::vector<T> v;
  v.reserve(rows.size());
  for (const auto& r : rows) v.push_back(static_cast<T>(get(r)));
  return v;
}

// The pulses that reached the electrode (delivered or clamped) as +1 at onset, −1 at offset
// (onset + width, rounded to ns), in time order (offsets first at equal times).
Status write_pulses(hid_t presentation, const Context& c) {
  std::vector<std::pair<int64_t, int8_t>> edges;
  for (const auto& s : c.m.stimuli) {
    if (s.outcome == static_cast<uint8_t>(StimulusOutcome::refused)) continue;
    edges.push_back({s.t, 1});
    edges.push_back({s.t + std::llround(static_cast<double>(s.width_s) * 1e9), -1});
  }
  if (edges.empty()) return Status::ok();
  std::sort(edges.begin(), edges.end());
  return c.b.time_series(
      presentation, "stimulation_pulses", "IntervalSeries",
      "biphasic stimulation pulses that reached the electrode: +1 at onset, -1 at the end of the pulse",
      pick<int8_t>(edges, [](const auto& p) { return p.second; }), "n/a",
      pick<int64_t>(edges, [](const auto& p) { return p.first; }));
}

std::vector<int64_t> stimulus_times(const Context& c) {
  return pick<int64_t>(c.m.stimuli, [](const record::StimulusRow& r) { return r.t; });
}

Status write_stimulus_series(hid_t presentation, const Context& c) {
  const auto t = stimulus_times(c);
  ION_TRY(c.b.time_series(
      presentation, "stimulation", "TimeSeries",
      "every stimulation pulse the bio site was asked for: its charge per phase; control = outcome of the "
      "safety interlock (see control_description)",
      pick<float>(c.m.stimuli, [](const record::StimulusRow& r) { return r.charge_c; }), "coulombs", t));
  ION_TRY_ASSIGN(auto g, c.b.open(presentation, "stimulation"));
  ION_TRY(c.b.control(g.get(), pick<uint8_t>(c.m.stimuli, [](const record::StimulusRow& r) { return r.outcome; }),
                      {"delivered", "clamped (reduced by the safety interlock)", "refused"}));
  return c.b.time_series(
      presentation, "stimulation_electrode", "TimeSeries", "the MEA electrode of each stimulation pulse",
      pick<uint16_t>(c.m.stimuli, [](const record::StimulusRow& r) { return r.electrode; }), "electrode index", t);
}

// One row per synapse (described or recorded), pre/post as rows of /units when all are known.
Status write_synapse_table(hid_t module, const Context& c) {
  std::vector<record::SynapseRow> v;  // the rows of recording.h5's /synapses
  for (auto& [id, r] : record::h5::synapse_entries(c.m, c.d)) v.push_back(r);
  ION_TRY_ASSIGN(auto g, c.b.typed_group(module, "synapses", "DynamicTable", kCommon));
  Table t(c.b, g.get(), v.size());
  using S = record::SynapseRow;
  ION_TRY(t.column("synapse_id", "ion's synapse id (as in recording.h5)",
                   pick<uint32_t>(v, [](const S& r) { return r.id; })));
  ION_TRY(t.text_column("name", "synapse name", pick<std::string>(v, [](const S& r) { return r.name; })));
  ION_TRY(t.text_column("pre", "presynaptic neuron", pick<std::string>(v, [](const S& r) { return r.pre; })));
  ION_TRY(t.text_column("post", "postsynaptic neuron", pick<std::string>(v, [](const S& r) { return r.post; })));
  const bool linked = std::all_of(v.begin(), v.end(),
                                  [&](const S& r) { return c.unit_row.count(r.pre) && c.unit_row.count(r.post); });
  if (linked) {
    ION_TRY(t.region("pre_unit", "row of /units of the presynaptic neuron",
                     pick<int64_t>(v, [&](const S& r) { return c.unit_row.at(r.pre); }), "/units"));
    ION_TRY(t.region("post_unit", "row of /units of the postsynaptic neuron",
                     pick<int64_t>(v, [&](const S& r) { return c.unit_row.at(r.post); }), "/units"));
  }
  ION_TRY(t.text_column("hub", "hub site holding the memristive device",
                        pick<std::string>(v, [](const S& r) { return r.hub; })));
  ION_TRY(t.column("word", "crossbar word line of the device (-1 unknown)",
                   pick<int32_t>(v, [](const S& r) { return r.word; })));
  ION_TRY(t.column("bit", "crossbar bit line of the device (-1 unknown)",
                   pick<int32_t>(v, [](const S& r) { return r.bit; })));
  ION_TRY(t.text_column("device_model", "memristor model",
                        pick<std::string>(v, [](const S& r) { return r.device_model; })));
  ION_TRY(t.text_column("preset", "device preset", pick<std::string>(v, [](const S& r) { return r.preset; })));
  ION_TRY(t.text_column("rule", "plasticity rule", pick<std::string>(v, [](const S& r) { return r.rule; })));
  return t.finish("the synapses of the experiment: memristive devices on a hub's crossbar");
}

Status write_plasticity(hid_t processing, const Context& c) {
  ION_TRY_ASSIGN(auto g, c.b.typed_group(processing, "plasticity", "ProcessingModule", kCore));
  ION_TRY(h5::attr_string(g.get(), "description",
                          "memristive synapses: device resistance and weight per synapse over time, and the "
                          "synapse table"));
  ION_TRY(write_synapse_table(g.get(), c));
  using W = record::WeightRow;
  for (const auto& [id, rows] : c.m.synapses) {
    const auto t = pick<int64_t>(rows, [](const W& r) { return r.t; });
    const std::string label = synapse_label(c, id);
    ION_TRY(c.b.time_series(g.get(), "resistance_" + label, "TimeSeries",
                            "resistance of synapse " + label + "'s device at each read or programming pulse",
                            pick<float>(rows, [](const W& r) { return r.resistance_ohm; }), "ohms", t));
    ION_TRY(c.b.time_series(g.get(), "weight_" + label, "TimeSeries",
                            "weight of synapse " + label + " (0..1, from the device's resistance)",
                            pick<float>(rows, [](const W& r) { return r.weight; }), "dimensionless", t));
  }
  return Status::ok();
}

}  // namespace

std::string synapse_label(const Context& c, uint32_t id) {
  std::string s;
  for (const auto& r : c.d.synapses)
    if (r.id == id) s = r.name;
  if (auto it = c.m.synapse_names.find(id); s.empty() && it != c.m.synapse_names.end()) s = it->second;
  if (s.empty()) s = "synapse" + std::to_string(id);
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

Status write_stimulus(hid_t presentation, const Context& c) {
  if (c.m.stimuli.empty()) return Status::ok();
  ION_TRY(write_stimulus_series(presentation, c));
  return write_pulses(presentation, c);
}

Status write_processing(hid_t processing, const Context& c) {
  if (!c.m.synapses.empty() || !c.d.synapses.empty()) ION_TRY(write_plasticity(processing, c));
  if (!c.m.links.empty()) ION_TRY(write_network(processing, c));
  return Status::ok();
}

}  // namespace ion::nwb
