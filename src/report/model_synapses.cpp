// SPDX-License-Identifier: Apache-2.0
// The report model's synapse parts: per-synapse phases, delivery and weight traces, P(response)
// over time, per-spike latency, weight distributions and crossbar maps.
#include <algorithm>
#include <cmath>

#include "report/model_internal.hpp"

namespace ion::report::model {
namespace {

const char* rule_name(experiment::PlasticityRule r) {
  switch (r) {
    case experiment::PlasticityRule::srdp:
      return "srdp";
    case experiment::PlasticityRule::stdp:
      return "stdp";
    case experiment::PlasticityRule::none:
      break;
  }
  return "none";
}

Json row_of(const Context& c, const std::string& neuron) {
  const auto* n = c.e.find_neuron(neuron);
  if (!n) return nullptr;
  auto it = c.s.circuit.row_of.find(n->addr);
  return it == c.s.circuit.row_of.end() ? Json(nullptr) : Json(it->second);
}

// A synapse is drawn in its post neuron's colour (its response is the post neuron's).
std::string color_of(const Context& c, const std::string& post) {
  const Json row = row_of(c, post);
  return row.is_null() ? std::string("#333333") : c.s.circuit.color_of(row.get<size_t>());
}

Json phase_rows(const Context& c, size_t synapse) {
  Json a = Json::array();
  for (const auto& p : c.s.phases) {
    const auto& sp = p.synapses.at(synapse);
    a.push_back({{"pre_spikes", sp.pre_spikes},
                 {"responded", sp.responded},
                 {"p", opt(sp.response_probability)},
                 {"w_start", opt(sp.weight_start)},
                 {"w_end", opt(sp.weight_end)},
                 {"r_start_ohm", opt(sp.resistance_start_ohm)},
                 {"r_end_ohm", opt(sp.resistance_end_ohm)},
                 {"ltp", sp.potentiations},
                 {"ltd", sp.depressions}});
  }
  return a;
}

Json delivery_json(const SynapseDelivery& d) {
  if (!d.post_logged) return nullptr;  // the post site recorded nothing: no data
  return {{"pre_spikes", d.pre_spikes},
          {"delivered", d.delivered},
          {"loss", opt(d.loss_fraction)},
          {"without_arrival", d.without_arrival},
          {"latency", latency_json(d.latency)}};
}

// Every row, or evenly thinned rows (and every pulse while the pulses alone fit) beyond the limit.
Json trace_json(const std::vector<record::WeightRow>& rows, size_t max_rows) {
  size_t pulses = 0;
  for (const auto& r : rows) pulses += r.action != 0;
  const size_t stride = rows.size() > max_rows ? (rows.size() + max_rows - 1) / max_rows : 1;
  Json t = Json::array(), r_ohm = Json::array(), w = Json::array(), action = Json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % stride != 0 && (rows[i].action == 0 || pulses > max_rows)) continue;
    t.push_back(sec(rows[i].t));
    r_ohm.push_back(num(rows[i].resistance_ohm));
    w.push_back(num(rows[i].weight));
    action.push_back(rows[i].action);
  }
  return {{"t_s", std::move(t)},
          {"r_ohm", std::move(r_ohm)},
          {"w", std::move(w)},
          {"action", std::move(action)},
          {"thinned", stride > 1}};
}

Json synapse_json(const Context& c, const experiment::Synapse& syn) {
  Json j = {{"name", synapse_label(c.m, c.e, syn.id)},
            {"group", syn.group},
            {"pre", syn.pre},
            {"post", syn.post},
            {"pre_neuron", row_of(c, syn.pre)},
            {"post_neuron", row_of(c, syn.post)},
            {"hub", syn.hub},
            {"cell", {syn.word, syn.bit}},
            {"color", color_of(c, syn.post)}};
  j["weight_map"] = {
      {"r_min_ohm", num(syn.weight.r_min_ohm)},
      {"r_max_ohm", num(syn.weight.r_max_ohm)},
      {"polarity", syn.weight.polarity == experiment::WeightPolarity::low_r_strong ? "low-r-strong" : "high-r-strong"}};
  j["rule"] = rule_name(syn.plasticity.rule);
  j["phases"] = phase_rows(c, syn.id);
  j["delivery"] = delivery_json(c.s.delivery.at(syn.id));
  auto it = c.m.synapses.find(syn.id);
  j["trace"] = c.population || it == c.m.synapses.end() ? Json(nullptr) : trace_json(it->second, c.lim.max_trace_rows);
  return j;
}

// Window centres from start + window/2 to end - window/2, `window`/4 apart (at most ~2000 of them).
TimeGrid response_grid(const Context& c, Duration window) {
  TimeGrid g;
  const Duration span = c.end_ns - c.start_ns - window;
  g.step_ns = std::max<Duration>({window / 4, span / 2000, 1});
  g.start_ns = c.start_ns + window / 2;
  g.n = span < 0 ? 0 : static_cast<size_t>(span / g.step_ns) + 1;
  return g;
}

ResponseSeries synapse_response(const Context& c, const experiment::Synapse& syn, const TimeGrid& g, Duration w) {
  const auto* pre = c.e.find_neuron(syn.pre);
  const auto* post = c.e.find_neuron(syn.post);
  if (!pre || !post) return response_series({}, {}, g, w, c.s.options, std::nullopt);
  const auto a = covered(find_coverage(c.s.coverage, pre->addr.site), c.start_ns, c.end_ns);
  const auto b = covered(find_coverage(c.s.coverage, post->addr.site), c.start_ns, c.end_ns);
  std::optional<std::pair<Time, Time>> both;
  if (a && b) both = std::make_pair(std::max(a->first, b->first), std::min(a->second, b->second));
  return response_series(train_of(c.trains, pre->addr), train_of(c.trains, post->addr), g, w, c.s.options, both);
}

Json series_json(Json label, const std::string& color, const ResponseSeries& r) {
  return {{"label", std::move(label)}, {"color", color}, {"p", nums(r.p)}, {"n", r.n}};
}

Json latency_samples(const SynapseDelivery& d, size_t max_points) {
  const size_t stride = d.latency_ns.size() > max_points ? (d.latency_ns.size() + max_points - 1) / max_points : 1;
  Json t = Json::array(), v = Json::array();
  for (size_t i = 0; i < d.latency_ns.size(); i += stride) {
    t.push_back(sec(d.spike_ns[i]));
    v.push_back(ms(d.latency_ns[i]));
  }
  return {{"t_s", std::move(t)}, {"ms", std::move(v)}, {"thinned", stride > 1}};
}

}  // namespace

Json latency_json(const LatencyStats& l) {
  return {{"n", l.n},
          {"p50_ms", opt_ms(l.p50_ns)},
          {"p99_ms", opt_ms(l.p99_ns)},
          {"min_ms", opt_ms(l.min_ns)},
          {"max_ms", opt_ms(l.max_ns)}};
}

Json histogram_json(const std::vector<Duration>& values_ns, double lo_ms, double hi_ms, size_t bins) {
  std::vector<uint64_t> counts(bins, 0);
  const double width = (hi_ms - lo_ms) / static_cast<double>(bins);
  for (Duration v : values_ns) {
    const double x = (static_cast<double>(v) / 1e6 - lo_ms) / width;
    counts[std::min(bins - 1, static_cast<size_t>(std::max(0.0, x)))]++;
  }
  return counts;
}

Json synapses_json(const Context& c) {
  Json a = Json::array();
  for (const auto& syn : c.e.synapses) a.push_back(synapse_json(c, syn));
  return a;
}

namespace {

// Synapses of one [[synapses]] entry are contiguous in id order; calls f(first, end) per entry.
template <class F>
void for_each_group(const experiment::Experiment& e, F f) {
  for (size_t i = 0, j = 0; i < e.synapses.size(); i = j) {
    for (j = i; j < e.synapses.size() && e.synapses[j].group == e.synapses[i].group;) ++j;
    f(i, j);
  }
}

Json group_label(const Context& c, const experiment::Synapse& first, size_t n) {
  const auto* post = c.e.find_neuron(first.post);
  const auto* pre = c.e.find_neuron(first.pre);
  return (post ? post->group : first.post) + " \u2190 " + (pre ? pre->group : first.pre) + " (" + first.group +
         (n > 1 ? ", " + std::to_string(n) + " synapses" : std::string()) + ")";
}

}  // namespace

Json synapse_groups_json(const Context& c) {
  Json a = Json::array();
  for_each_group(c.e, [&](size_t from, size_t to) {
    Json phases = Json::array();
    for (const auto& p : c.s.phases) {
      uint64_t pre = 0, hit = 0, ltp = 0, ltd = 0;
      for (size_t i = from; i < to; ++i) {
        const auto& sp = p.synapses.at(i);
        pre += sp.pre_spikes, hit += sp.responded, ltp += sp.potentiations, ltd += sp.depressions;
      }
      phases.push_back({{"pre_spikes", pre},
                        {"responded", hit},
                        {"p", pre ? num(static_cast<double>(hit) / static_cast<double>(pre)) : Json(nullptr)},
                        {"ltp", ltp},
                        {"ltd", ltd}});
    }
    const auto& first = c.e.synapses[from];
    a.push_back({{"name", first.group},
                 {"label", group_label(c, first, to - from)},
                 {"first", from},
                 {"count", to - from},
                 {"color", color_of(c, first.post)},
                 {"phases", std::move(phases)}});
  });
  return a;
}

Json response_json(const Context& c) {
  const Duration w = auto_response_window(c.s);
  const auto g = response_grid(c, w);
  Json series = Json::array();
  if (!c.population) {
    for (const auto& syn : c.e.synapses) {
      series.push_back(series_json(syn.post + " \u2190 " + syn.pre + " (" + syn.name + ")", color_of(c, syn.post),
                                   synapse_response(c, syn, g, w)));
      series.back()["synapse"] = syn.id;
    }
  } else {  // pooled per synapse group
    for_each_group(c.e, [&](size_t from, size_t to) {
      ResponseSeries total;
      for (size_t i = from; i < to; ++i) add_to(total, synapse_response(c, c.e.synapses[i], g, w));
      const auto& first = c.e.synapses[from];
      series.push_back(series_json(group_label(c, first, to - from), color_of(c, first.post), total));
    });
  }
  return {{"window_s", sec(w)}, {"grid", grid_json(g)}, {"series", std::move(series)}};
}

Json latency_section(const Context& c) {
  // One range for every histogram, so they compare: whole ms around all latencies recorded.
  std::optional<double> lo_ms, hi_ms;
  for (const auto& d : c.s.delivery) {
    if (!d.latency.min_ns) continue;
    lo_ms = std::min(lo_ms.value_or(1e300), std::floor(static_cast<double>(*d.latency.min_ns) / 1e6));
    hi_ms = std::max(hi_ms.value_or(-1e300), std::floor(static_cast<double>(*d.latency.max_ns) / 1e6) + 1);
  }
  const double lo = lo_ms.value_or(0), hi = hi_ms.value_or(1);
  Json synapses = Json::array(), routes = Json::array();
  for (const auto& d : c.s.delivery) {
    if (c.population || !d.post_logged) continue;
    synapses.push_back({{"synapse", d.id},
                        {"label", d.name + " (" + d.pre + " \u2192 " + d.post + ")"},
                        {"color", color_of(c, d.post)},
                        {"stats", latency_json(d.latency)},
                        {"counts", histogram_json(d.latency_ns, lo, hi, c.lim.latency_bins)},
                        {"samples", latency_samples(d, c.lim.max_latency_points)}});
  }
  for (const auto& r : c.s.routes) {
    routes.push_back({{"from", r.from_name},
                      {"via", r.via_name},
                      {"to", r.to_name},
                      {"synapses", r.synapses},
                      {"pre_spikes", r.pre_spikes},
                      {"delivered", r.delivered},
                      {"loss", opt(r.loss_fraction)},
                      {"stats", latency_json(r.latency)},
                      {"counts", histogram_json(r.latency_ns, lo, hi, c.lim.latency_bins)}});
  }
  return {{"hist", {{"lo_ms", num(lo)}, {"hi_ms", num(hi)}, {"bins", c.lim.latency_bins}}},
          {"synapses", std::move(synapses)},
          {"routes", std::move(routes)}};
}

Json weights_json(const Context& c) {
  Json a = Json::array();
  if (!c.population) return a;
  const auto g = make_grid(c.start_ns, c.end_ns, std::max<Duration>((c.end_ns - c.start_ns) / 200, kMillisecond),
                           c.lim.max_density_bins);
  for (const auto& d : weight_distributions(c.m, c.e, g)) {
    const auto& first = c.e.synapses.at(d.synapses.front());
    a.push_back({{"group", d.group},
                 {"synapses", d.synapses.size()},
                 {"color", color_of(c, first.post)},
                 {"grid", grid_json(g)},
                 {"n", d.n},
                 {"min", nums(d.min)},
                 {"p10", nums(d.p10)},
                 {"p50", nums(d.p50)},
                 {"p90", nums(d.p90)},
                 {"max", nums(d.max)},
                 {"ltp", d.ltp},
                 {"ltd", d.ltd}});
  }
  return a;
}

Json crossbars_json(const Context& c) {
  Json a = Json::array();
  for (const auto& x : crossbar_maps(c.m, c.e)) {
    Json cells = Json::array();
    for (const auto& cell : x.cells) {
      cells.push_back({{"word", cell.word},
                       {"bit", cell.bit},
                       {"synapse", cell.synapse},
                       {"name", cell.name},
                       {"w_first", opt(cell.weight_first)},
                       {"w_last", opt(cell.weight_last)},
                       {"r_last_ohm", opt(cell.resistance_last_ohm)},
                       {"ltp", cell.ltp},
                       {"ltd", cell.ltd}});
    }
    a.push_back({{"hub", x.hub}, {"words", x.words}, {"bits", x.bits}, {"cells", std::move(cells)}});
  }
  return a;
}

}  // namespace ion::report::model
