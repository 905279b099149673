// SPDX-License-Identifier: Apache-2.0
// The report model: its top level, the run, sites, phases, neurons, raster and rates.
#include <algorithm>

#include "report/model_internal.hpp"

namespace ion::report {
namespace model {
namespace {

Json run_json(const Context& c) {
  const auto& s = c.s;
  return {{"experiment", s.experiment_name},
          {"seed", s.seed},
          {"duration_s", sec(s.duration_ns)},
          {"complete", s.complete},
          {"status", record::run_status_name(s.outcome.status)},
          {"status_text", record::describe(s.outcome)},
          {"spikes", s.spikes},
          {"weight_records", s.weight_updates},
          {"response_min_s", sec(s.options.response_min_ns)},
          {"response_max_s", sec(s.options.response_max_ns)},
          {"response_window_s", sec(auto_response_window(s))},
          {"rate_bin_s", sec(auto_rate_bin(s))}};
}

Json sites_json(const Context& c) {
  Json a = Json::array();
  for (const auto& cov : c.s.coverage) {
    Json j = {
        {"id", cov.id},         {"name", cov.name},         {"role", nullptr},
        {"logged", cov.logged}, {"finished", cov.finished}, {"until_s", cov.logged ? sec(cov.until_ns) : Json(nullptr)},
        {"records", nullptr},   {"log_tail", nullptr}};
    if (const auto* site = c.e.find_site(cov.name)) j["role"] = experiment::to_string(site->role);
    for (const auto& row : c.m.sites) {
      if (row.id == cov.id) j["records"] = row.records, j["log_tail"] = row.tail.describe();
    }
    a.push_back(std::move(j));
  }
  return a;
}

Json phases_json(const Context& c) {
  Json a = Json::array();
  for (const auto& p : c.s.phases) {
    a.push_back(
        {{"start_s", sec(p.start_ns)}, {"end_s", sec(p.end_ns)}, {"set_rate_hz", opt(p.set_rate_hz)}, {"ran", p.ran}});
  }
  return a;
}

// Per phase: the mean rate of the members with data (null if none has data), and their range.
Json group_phase_rates(const Context& c, const NeuronGroup& g) {
  Json mean = Json::array(), lo = Json::array(), hi = Json::array();
  for (const auto& p : c.s.phases) {
    std::optional<double> sum, mn, mx;
    size_t n = 0;
    for (size_t i = g.first; i < g.first + g.count; ++i) {
      auto it = p.rate_hz.find(c.s.circuit.neurons[i].name);
      if (it == p.rate_hz.end()) continue;
      sum = sum.value_or(0) + it->second, ++n;
      mn = std::min(mn.value_or(it->second), it->second), mx = std::max(mx.value_or(it->second), it->second);
    }
    mean.push_back(n ? num(*sum / static_cast<double>(n)) : Json(nullptr));
    lo.push_back(opt(mn)), hi.push_back(opt(mx));
  }
  return {{"mean", std::move(mean)}, {"min", std::move(lo)}, {"max", std::move(hi)}};
}

Json groups_json(const Context& c) {
  Json a = Json::array();
  for (const auto& g : c.s.circuit.groups) {
    a.push_back({{"name", g.name},
                 {"site", g.site},
                 {"color", g.color},
                 {"first", g.first},
                 {"count", g.count},
                 {"in_experiment", g.in_experiment},
                 {"rate_hz", group_phase_rates(c, g)}});
  }
  return a;
}

size_t spikes_of_circuit(const Context& c) {
  size_t n = 0;
  for (const auto& row : c.s.circuit.neurons) n += train_of(c.trains, row.addr).size();
  return n;
}

Json spike_rows(const Context& c) {
  Json rows = Json::array();
  for (size_t i = 0; i < c.s.circuit.neurons.size(); ++i) {
    Json t = Json::array();
    for (Time x : train_of(c.trains, c.s.circuit.neurons[i].addr)) t.push_back(sec(x));
    rows.push_back({{"neuron", i}, {"t_s", std::move(t)}});
  }
  return rows;
}

Json density_json(const Context& c) {
  const auto g = make_grid(c.start_ns, c.end_ns, std::max<Duration>((c.end_ns - c.start_ns) / 200, kMillisecond),
                           c.lim.max_density_bins);
  const auto d = density_raster(c.s.circuit, c.trains, g);
  Json counts = Json::array();
  for (const auto& row : d.counts) counts.push_back(row);
  return {{"kind", "density"}, {"grid", grid_json(g)}, {"bins", g.n}, {"counts", std::move(counts)}};
}

// Mean rate per member of each group (Hz per neuron), per bin, over the members with data.
Json group_rate(const Context& c, const NeuronGroup& g, const TimeGrid& grid) {
  std::vector<double> sum(grid.n, 0);
  std::vector<size_t> n(grid.n, 0);
  for (size_t i = g.first; i < g.first + g.count; ++i) {
    const auto& addr = c.s.circuit.neurons[i].addr;
    const auto r = binned_rate(train_of(c.trains, addr), grid, find_coverage(c.s.coverage, addr.site),
                               c.s.options.live);
    for (size_t b = 0; b < grid.n; ++b) {
      if (r[b]) sum[b] += *r[b], ++n[b];
    }
  }
  std::vector<std::optional<double>> mean(grid.n);
  for (size_t b = 0; b < grid.n; ++b) {
    if (n[b]) mean[b] = sum[b] / static_cast<double>(n[b]);
  }
  return {{"label", g.name + (g.count > 1 ? " (mean of " + std::to_string(g.count) + ")" : "")},
          {"color", g.color},
          {"hz", nums(mean)}};
}

}  // namespace

Json neurons_json(const Context& c) {
  Json a = Json::array();
  for (size_t i = 0; i < c.s.circuit.neurons.size(); ++i) {
    const auto& row = c.s.circuit.neurons[i];
    Json rates = Json::array(), partial = Json::array();
    for (const auto& p : c.s.phases) {
      auto it = p.rate_hz.find(row.name);
      rates.push_back(it == p.rate_hz.end() ? Json(nullptr) : num(it->second));
      partial.push_back(p.partial.count(row.name) > 0);
    }
    a.push_back({{"name", row.name},
                 {"group", row.group},
                 {"site", c.m.site_name(row.addr.site)},
                 {"index", row.addr.index},
                 {"color", c.s.circuit.color_of(i)},
                 {"spikes", train_of(c.trains, row.addr).size()},
                 {"rate_hz", std::move(rates)},
                 {"partial", std::move(partial)}});
  }
  return a;
}

Json raster_json(const Context& c) {
  if (!c.population && spikes_of_circuit(c) <= c.lim.max_raster_spikes) {
    return {{"kind", "spikes"}, {"rows", spike_rows(c)}};
  }
  return density_json(c);
}

Json rates_json(const Context& c) {
  const auto grid = make_grid(c.start_ns, c.end_ns, auto_rate_bin(c.s), 2000);
  Json series = Json::array();
  if (c.population) {
    for (const auto& g : c.s.circuit.groups) series.push_back(group_rate(c, g, grid));
  } else {
    for (size_t i = 0; i < c.s.circuit.neurons.size(); ++i) {
      const auto& row = c.s.circuit.neurons[i];
      const auto r = binned_rate(train_of(c.trains, row.addr), grid, find_coverage(c.s.coverage, row.addr.site),
                                 c.s.options.live);
      series.push_back({{"label", row.name}, {"neuron", i}, {"color", c.s.circuit.color_of(i)}, {"hz", nums(r)}});
    }
  }
  return {{"grid", grid_json(grid)}, {"series", std::move(series)}};
}

}  // namespace model

Json report_model(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                  const ReportLimits& limits) {
  const auto trains = spike_trains(m);
  model::Context c{m, e, s, limits, trains};
  c.population = s.circuit.neurons.size() > limits.detail_max_neurons || e.synapses.size() > limits.detail_max_synapses;
  c.start_ns = std::min<Time>(0, s.phases.empty() ? 0 : s.phases.front().start_ns);
  c.end_ns = std::max(s.duration_ns, s.phases.empty() ? Time{0} : s.phases.back().end_ns);
  Json j;
  j["model"] = "ion-report";
  j["version"] = kReportModelVersion;
  j["run"] = model::run_json(c);
  j["layout"] = c.population ? "population" : "detail";
  j["time"] = {{"start_s", model::sec(c.start_ns)}, {"end_s", model::sec(c.end_ns)}};
  j["phases"] = model::phases_json(c);
  j["pacemaker"] = s.pacemaker.empty() ? Json(nullptr) : Json(s.pacemaker);
  j["sites"] = model::sites_json(c);
  j["groups"] = model::groups_json(c);
  j["neurons"] = model::neurons_json(c);
  j["raster"] = model::raster_json(c);
  j["rates"] = model::rates_json(c);
  j["synapses"] = model::synapses_json(c);
  j["synapse_groups"] = model::synapse_groups_json(c);
  j["response"] = model::response_json(c);
  j["latency"] = model::latency_section(c);
  j["weights"] = model::weights_json(c);
  j["crossbars"] = model::crossbars_json(c);
  j["links"] = model::links_json(c);
  j["clocks"] = model::clocks_json(c);
  j["notes"] = model::notes_json(c);
  j["warnings"] = s.warnings;
  j["experiment_file"] = m.experiment_file;
  return j;
}

}  // namespace ion::report
