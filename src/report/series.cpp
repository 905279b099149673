// SPDX-License-Identifier: Apache-2.0
#include "report/series.hpp"

#include <algorithm>
#include <cmath>

namespace ion::report {
namespace {

Duration shortest_phase(const Summary& s) {
  Duration d = s.duration_ns;
  for (const auto& p : s.phases) {
    if (p.end_ns > p.start_ns) d = std::min(d, p.end_ns - p.start_ns);
  }
  return d > 0 ? d : kSecond;
}

// Nearest-rank quantile of sorted values (p in [0, 100]).
double quantile(const std::vector<double>& sorted, double p) {
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const size_t i = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(i, sorted.size() - 1)];
}

// Index of the bin holding t, or nullopt outside the grid.
std::optional<size_t> bin_of(const TimeGrid& g, Time t) {
  if (t < g.start_ns || g.step_ns <= 0) return std::nullopt;
  const auto i = static_cast<size_t>((t - g.start_ns) / g.step_ns);
  return i < g.n ? std::optional<size_t>(i) : std::nullopt;
}

void fill_quantiles(WeightDistribution& d, size_t bin, std::vector<double>& w) {
  d.n[bin] = static_cast<uint32_t>(w.size());
  if (w.empty()) return;  // no synapse of the group has a weight yet: no data
  std::sort(w.begin(), w.end());
  d.min[bin] = w.front();
  d.p10[bin] = quantile(w, 10);
  d.p50[bin] = quantile(w, 50);
  d.p90[bin] = quantile(w, 90);
  d.max[bin] = w.back();
}

WeightDistribution distribution(const record::MergedRecording& m, const std::string& group,
                                const std::vector<SynapseId>& ids, const TimeGrid& g) {
  WeightDistribution d;
  d.group = group;
  d.synapses = ids;
  d.grid = g;
  d.n.assign(g.n, 0);
  d.min.assign(g.n, std::nullopt), d.p10 = d.p50 = d.p90 = d.max = d.min;
  d.ltp.assign(g.n, 0), d.ltd.assign(g.n, 0);
  std::vector<const std::vector<record::WeightRow>*> rows;
  for (SynapseId id : ids) {
    if (auto it = m.synapses.find(id); it != m.synapses.end()) rows.push_back(&it->second);
  }
  for (size_t b = 0; b < g.n; ++b) {
    std::vector<double> w;
    for (const auto* r : rows) {
      const auto* at = weight_at(*r, g.bin_end(b) - 1);
      if (at && std::isfinite(at->weight)) w.push_back(at->weight);
    }
    fill_quantiles(d, b, w);
  }
  for (const auto* r : rows) {
    for (const auto& row : *r) {
      const auto b = bin_of(g, row.t);
      if (b && row.action > 0) ++d.ltp[*b];
      if (b && row.action < 0) ++d.ltd[*b];
    }
  }
  return d;
}

}  // namespace

TimeGrid make_grid(Time start, Time end, Duration step, size_t max_bins) {
  TimeGrid g;
  g.start_ns = start;
  g.step_ns = std::max<Duration>(step, 1);
  const Duration span = std::max<Duration>(end - start, 0);
  if (max_bins > 0 && span / g.step_ns >= static_cast<Duration>(max_bins)) {
    g.step_ns = span / static_cast<Duration>(max_bins) + 1;
  }
  g.n = static_cast<size_t>((span + g.step_ns - 1) / g.step_ns);
  return g;
}

Duration auto_response_window(const Summary& s) {
  if (s.options.response_window_ns > 0) return s.options.response_window_ns;
  return std::clamp<Duration>(shortest_phase(s) / 4, 250 * kMillisecond, 2 * kSecond);
}

Duration auto_rate_bin(const Summary& s) {
  if (s.options.rate_bin_ns > 0) return s.options.rate_bin_ns;
  return std::clamp<Duration>(shortest_phase(s) / 10, 100 * kMillisecond, kSecond);
}

std::vector<std::optional<double>> binned_rate(const std::vector<Time>& train, const TimeGrid& g,
                                               const SiteCoverage* site, bool whole_bins_only) {
  std::vector<std::optional<double>> out(g.n);
  for (size_t i = 0; i < g.n; ++i) {
    const auto span = covered(site, g.bin_start(i), g.bin_end(i));
    if (!span || (whole_bins_only && span->second < g.bin_end(i))) continue;
    const auto lo = std::lower_bound(train.begin(), train.end(), span->first);
    const auto hi = std::lower_bound(train.begin(), train.end(), span->second);
    out[i] = static_cast<double>(hi - lo) / to_seconds(span->second - span->first);
  }
  return out;
}

ResponseSeries response_series(const std::vector<Time>& pre, const std::vector<Time>& post, const TimeGrid& centers,
                               Duration window, const AnalysisOptions& o,
                               std::optional<std::pair<Time, Time>> recorded) {
  ResponseSeries r;
  r.window_ns = window;
  // hits[i] = responded pre spikes among pre[0, i).
  std::vector<uint64_t> hits(pre.size() + 1, 0);
  for (size_t i = 0; i < pre.size(); ++i) {
    const auto p = std::lower_bound(post.begin(), post.end(), pre[i] + o.response_min_ns);
    hits[i + 1] = hits[i] + (p != post.end() && *p <= pre[i] + o.response_max_ns ? 1 : 0);
  }
  for (size_t k = 0; k < centers.n; ++k) {
    const Time c = centers.bin_start(k);
    r.center_ns.push_back(c);
    Time from = c - window / 2, to = c + window / 2;
    if (recorded) from = std::max(from, recorded->first), to = std::min(to, recorded->second);
    const size_t lo = static_cast<size_t>(std::lower_bound(pre.begin(), pre.end(), from) - pre.begin());
    const size_t hi = static_cast<size_t>(std::lower_bound(pre.begin(), pre.end(), to) - pre.begin());
    const bool any = recorded && hi > lo;
    r.n.push_back(any ? hi - lo : 0);
    r.hit.push_back(any ? hits[hi] - hits[lo] : 0);
    r.p.push_back(any ? std::optional<double>(static_cast<double>(r.hit.back()) / static_cast<double>(r.n.back()))
                      : std::nullopt);
  }
  return r;
}

void add_to(ResponseSeries& total, const ResponseSeries& one) {
  if (total.center_ns.empty()) {
    total = one;
    return;
  }
  for (size_t k = 0; k < total.n.size() && k < one.n.size(); ++k) {
    total.n[k] += one.n[k];
    total.hit[k] += one.hit[k];
    total.p[k] = total.n[k] > 0
                     ? std::optional<double>(static_cast<double>(total.hit[k]) / static_cast<double>(total.n[k]))
                     : std::nullopt;
  }
}

DensityRaster density_raster(const Circuit& c, const SpikeTrains& trains, const TimeGrid& g) {
  DensityRaster d;
  d.grid = g;
  d.counts.assign(c.neurons.size(), std::vector<uint32_t>(g.n, 0));
  for (size_t row = 0; row < c.neurons.size(); ++row) {
    for (Time t : train_of(trains, c.neurons[row].addr)) {
      if (auto b = bin_of(g, t)) ++d.counts[row][*b];
    }
  }
  return d;
}

std::vector<WeightDistribution> weight_distributions(const record::MergedRecording& m, const experiment::Experiment& e,
                                                     const TimeGrid& g) {
  std::vector<std::pair<std::string, std::vector<SynapseId>>> groups;
  for (const auto& s : e.synapses) {
    if (groups.empty() || groups.back().first != s.group) groups.push_back({s.group, {}});
    groups.back().second.push_back(s.id);
  }
  std::vector<WeightDistribution> out;
  for (const auto& [name, ids] : groups) out.push_back(distribution(m, name, ids, g));
  return out;
}

std::vector<CrossbarMap> crossbar_maps(const record::MergedRecording& m, const experiment::Experiment& e) {
  std::vector<CrossbarMap> out;
  for (const auto& site : e.sites) {
    if (!site.instrument) continue;
    CrossbarMap x{site.name, site.instrument->words, site.instrument->bits, {}};
    for (const auto& s : e.synapses) {
      if (s.hub != site.name) continue;
      CrossbarCell c{s.word, s.bit, s.id, synapse_label(m, e, s.id), std::nullopt, std::nullopt, std::nullopt, 0, 0};
      if (auto it = m.synapses.find(s.id); it != m.synapses.end() && !it->second.empty()) {
        c.weight_first = it->second.front().weight;
        c.weight_last = it->second.back().weight;
        c.resistance_last_ohm = it->second.back().resistance_ohm;
        for (const auto& r : it->second) {
          if (r.action > 0) ++c.ltp;
          if (r.action < 0) ++c.ltd;
        }
      }
      x.cells.push_back(std::move(c));
    }
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace ion::report
