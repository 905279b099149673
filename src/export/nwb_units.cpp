// SPDX-License-Identifier: Apache-2.0
// /units: one row per neuron, spike times as a ragged column (docs/recording.md §9).
#include <map>

#include "export/nwb_parts.hpp"
#include "record/h5_util.hpp"

namespace ion::nwb {
namespace {

struct UnitRow {
  std::string name, model, kind;
  std::vector<double> t_s;
  std::vector<uint8_t> spike_kind;
};

std::string role_of(const experiment::Experiment& e, SiteId site) {
  return site < e.sites.size() ? experiment::to_string(e.sites[site].role) : "";
}

// Rows by (site, index): the experiment's neurons, those the logs name, those that spiked.
std::map<NeuronAddr, UnitRow> unit_rows(const Context& c) {
  std::map<NeuronAddr, UnitRow> rows;
  for (const auto& [a, name] : c.m.neuron_names) rows[a].name = name;
  for (const auto& n : c.d.neurons) {
    rows[{n.site, n.index}].name = n.name;
    rows[{n.site, n.index}].model = n.model;
  }
  for (const auto& s : c.m.spikes) {  // in time order, so each row's times ascend
    auto& r = rows[{s.site, s.index}];
    r.t_s.push_back(record::h5::seconds(s.t));
    r.spike_kind.push_back(s.kind);
  }
  for (auto& [a, r] : rows) r.kind = role_of(c.e, a.site);
  return rows;
}

template <class T, class F>
void flatten(const std::map<NeuronAddr, UnitRow>& rows, F get, std::vector<T>& flat, std::vector<uint64_t>& ends) {
  for (const auto& [a, r] : rows) {
    const auto& v = get(r);
    flat.insert(flat.end(), v.begin(), v.end());
    ends.push_back(flat.size());
  }
}

Status ragged_columns(Table& t, const std::map<NeuronAddr, UnitRow>& rows) {
  std::vector<double> times;
  std::vector<uint8_t> kinds;
  std::vector<uint64_t> ends, kind_ends;
  flatten(
      rows, [](const UnitRow& r) -> const auto& { return r.t_s; }, times, ends);
  flatten(
      rows, [](const UnitRow& r) -> const auto& { return r.spike_kind; }, kinds, kind_ends);
  ION_TRY(t.ragged("spike_times", "the spike times for each unit in seconds (experiment time)", times, ends));
  return t.ragged("spike_kind",
                  "per spike, what it reports (ion's spike kind): 0 spike, 1 PSP, 2 evoked AP, 3 spontaneous AP", kinds,
                  kind_ends);
}

}  // namespace

Status write_units(hid_t file, Context& c) {
  const auto rows = unit_rows(c);
  ION_TRY_ASSIGN(auto g, c.b.typed_group(file, "units", "Units", kCore));
  Table t(c.b, g.get(), rows.size());
  ION_TRY(ragged_columns(t, rows));
  std::vector<std::string> names, sites, models, kinds;
  std::vector<uint32_t> index;
  for (const auto& [a, r] : rows) {
    c.unit_row[r.name] = static_cast<int64_t>(names.size());
    names.push_back(r.name);
    sites.push_back(c.m.site_name(a.site));
    models.push_back(r.model);
    kinds.push_back(r.kind);
    index.push_back(a.index);
  }
  ION_TRY(t.text_column("name", "the neuron's name in the experiment file", names));
  ION_TRY(t.text_column("site", "the site the neuron lives on", sites));
  ION_TRY(t.column("index", "the neuron's index among its site's neurons", index));
  ION_TRY(
      t.text_column("model", "the neuron model (docs/models.md); empty when the experiment does not name it", models));
  ION_TRY(t.text_column("kind",
                        "the role of the neuron's site: bio (cultured neurons on an MEA) or silicon "
                        "(neuromorphic chip)",
                        kinds));
  return t.finish("every neuron of the ion experiment, one row each (neurons that never spiked included)");
}

}  // namespace ion::nwb
