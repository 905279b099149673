// SPDX-License-Identifier: Apache-2.0
#include "report/report_plots.hpp"

#include <algorithm>
#include <cmath>

#include "report/svg.hpp"

namespace ion::report {
namespace {

double end_s(const Summary& s, const record::MergedRecording& m) {
  Time end = s.phases.empty() ? 0 : s.phases.back().end_ns;
  if (!m.spikes.empty()) end = std::max(end, m.spikes.back().t);
  for (const auto& [id, rows] : m.synapses) {
    if (!rows.empty()) end = std::max(end, rows.back().t);
  }
  return to_seconds(end);
}

// Earliest spike or weight time, or 0 (events before 0 happen during the clock warm-up).
double start_s(const record::MergedRecording& m) {
  Time start = 0;
  if (!m.spikes.empty()) start = std::min(start, m.spikes.front().t);
  for (const auto& [id, rows] : m.synapses) {
    if (!rows.empty()) start = std::min(start, rows.front().t);
  }
  return to_seconds(start);
}

void phase_lines(SvgPlot& p, const Summary& s) {
  for (const auto& ph : s.phases) {
    if (ph.start_ns > 0) p.vline(to_seconds(ph.start_ns), "#999");
  }
}

std::string nothing(const std::string& what) { return "<p class=\"empty\">" + html_escape(what) + "</p>\n"; }

double rate_of(const PhaseSummary& p, const std::string& name) {
  auto it = p.rate_hz.find(name);
  return it == p.rate_hz.end() ? 0.0 : it->second;
}

std::string phase_name(const PhaseSummary& p) {
  std::string n = "phase " + std::to_string(p.index + 1);
  if (p.set_rate_hz) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (%g Hz)", *p.set_rate_hz);
    n += buf;
  }
  return n;
}

std::vector<std::pair<double, std::string>> phase_labels(const Summary& s) {
  std::vector<std::pair<double, std::string>> out;
  for (size_t i = 0; i < s.phases.size(); ++i) out.emplace_back(static_cast<double>(i) + 0.5, phase_name(s.phases[i]));
  return out;
}

}  // namespace

const std::string& palette(size_t i) {
  static const std::vector<std::string> kColors = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kColors[i % kColors.size()];
}

std::string raster_plot(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                        const ReportLimits& lim) {
  const auto trains = spike_trains(m);
  std::vector<NeuronAddr> rows;
  for (const auto& n : e.neurons) rows.push_back(n.addr);
  for (const auto& [a, ts] : trains) {
    if (std::find(rows.begin(), rows.end(), a) == rows.end()) rows.push_back(a);
  }
  std::sort(rows.begin(), rows.end());
  if (rows.size() > lim.max_raster_neurons) rows.resize(lim.max_raster_neurons);
  if (rows.empty()) return nothing("no neurons to plot");
  const double n = static_cast<double>(rows.size());
  const int height = static_cast<int>(std::clamp(70 + 22 * n, 150.0, 2400.0));
  SvgPlot p("Spike raster", {start_s(m), end_s(s, m)}, {-0.5, n - 0.5}, "experiment time (s)", "", 960, height);
  std::vector<std::pair<double, std::string>> labels;
  for (size_t i = 0; i < rows.size(); ++i) {
    const double y = n - 1 - static_cast<double>(i);  // first neuron on top
    std::vector<double> xs;
    if (auto it = trains.find(rows[i]); it != trains.end()) {
      for (Time t : it->second) xs.push_back(to_seconds(t));
    }
    p.ticks(xs, y, 0.8, palette(i), "raster-row");
    labels.emplace_back(y, neuron_label(m, e, rows[i]));
  }
  p.y_labels(labels);
  phase_lines(p, s);
  return p.str();
}

std::string rate_plot(const Summary& s, const ReportLimits& lim) {
  if (s.phases.empty() || s.phases.front().rate_hz.empty()) return nothing("no rates to plot");
  // Neurons in synapses (and the pacemaker) first, then the rest, up to the limit.
  std::vector<std::string> names;
  auto add = [&](const std::string& nm) {
    if (!nm.empty() && s.phases.front().rate_hz.count(nm) && std::find(names.begin(), names.end(), nm) == names.end())
      names.push_back(nm);
  };
  add(s.pacemaker);
  for (const auto& sp : s.phases.front().synapses) add(sp.pre), add(sp.post);
  for (const auto& [nm, r] : s.phases.front().rate_hz) add(nm);
  if (names.size() > lim.max_rate_bars) names.resize(lim.max_rate_bars);
  double top = 1;
  for (const auto& ph : s.phases) {
    for (const auto& nm : names) top = std::max(top, rate_of(ph, nm));
  }
  const double k = static_cast<double>(names.size()), np = static_cast<double>(s.phases.size());
  SvgPlot p("Firing rate per phase", {0, np}, {0, top * 1.1}, "phase", "rate (Hz)");
  std::vector<std::pair<std::string, std::string>> legend;
  for (size_t j = 0; j < names.size(); ++j) legend.emplace_back(names[j], palette(j));
  for (size_t i = 0; i < s.phases.size(); ++i) {
    const auto& ph = s.phases[i];
    for (size_t j = 0; j < names.size(); ++j) {
      const double x0 = static_cast<double>(i) + 0.1 + 0.8 * static_cast<double>(j) / k;
      const double r = rate_of(ph, names[j]);
      char buf[64];
      std::snprintf(buf, sizeof buf, ": %.2f Hz", r);
      p.rect(x0, 0, x0 + 0.8 / k, r, palette(j), names[j] + " in " + phase_name(ph) + buf);
    }
  }
  p.x_labels(phase_labels(s));
  p.legend(legend);
  return p.str();
}

std::string response_plot(const Summary& s) {
  if (s.phases.empty() || s.phases.front().synapses.empty()) return nothing("no synapses");
  const auto& syns = s.phases.front().synapses;
  const double k = static_cast<double>(syns.size()), np = static_cast<double>(s.phases.size());
  SvgPlot p("Response probability of the post neuron to pre spikes, per phase", {0, np}, {0, 1.05}, "phase",
            "P(response)");
  std::vector<std::pair<std::string, std::string>> legend;
  for (size_t j = 0; j < syns.size(); ++j) legend.emplace_back(syns[j].name, palette(j));
  for (size_t i = 0; i < s.phases.size(); ++i) {
    for (size_t j = 0; j < s.phases[i].synapses.size(); ++j) {
      const auto& sp = s.phases[i].synapses[j];
      if (!sp.response_probability) continue;
      const double x0 = static_cast<double>(i) + 0.1 + 0.8 * static_cast<double>(j) / k;
      p.rect(x0, 0, x0 + 0.8 / k, *sp.response_probability, palette(j),
             sp.name + ": " + std::to_string(sp.responded) + "/" + std::to_string(sp.pre_spikes));
    }
  }
  p.x_labels(phase_labels(s));
  p.legend(legend);
  return p.str();
}

std::string trace_plot(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                       bool resistance, const ReportLimits& lim) {
  if (m.synapses.empty()) return nothing("no weight records");
  double lo = resistance ? INFINITY : 0, hi = resistance ? -INFINITY : 1;
  const double t_end = end_s(s, m);
  std::vector<std::pair<std::string, std::string>> legend;
  std::vector<std::vector<std::pair<double, double>>> lines;
  for (const auto& [id, rows] : m.synapses) {
    if (lines.size() >= lim.max_traced_synapses) break;
    std::vector<std::pair<double, double>> pts;
    for (const auto& r : rows) {
      const double v = resistance ? r.resistance_ohm / 1000.0 : r.weight;
      pts.emplace_back(to_seconds(r.t), v);
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    if (!pts.empty() && pts.back().first < t_end) pts.emplace_back(t_end, pts.back().second);  // value holds
    auto it = m.synapse_names.find(id);
    const std::string nm = it != m.synapse_names.end() ? it->second
                           : id < e.synapses.size()     ? e.synapses[id].name
                                                        : "synapse " + std::to_string(id);
    legend.emplace_back(nm, palette(lines.size()));
    lines.push_back(std::move(pts));
  }
  const double pad = (hi - lo) * 0.1;
  SvgPlot p(resistance ? "Device resistance per synapse" : "Weight per synapse", {start_s(m), t_end},
            {lo - pad, hi + pad}, "experiment time (s)", resistance ? "resistance (kohm)" : "weight (0..1)");
  for (size_t i = 0; i < lines.size(); ++i) p.line(lines[i], palette(i), true);
  phase_lines(p, s);
  p.legend(legend);
  return p.str();
}

std::string rtt_histogram(const record::MergedRecording& m) {
  std::vector<std::pair<std::string, std::vector<double>>> sets;  // RTT in µs per link
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& [key, rows] : m.links) {
    std::vector<double> v;
    for (const auto& r : rows) {
      if (r.rtt_ns <= 0) continue;
      v.push_back(static_cast<double>(r.rtt_ns) / 1000.0);
      lo = std::min(lo, v.back()), hi = std::max(hi, v.back());
    }
    if (!v.empty()) sets.emplace_back(m.site_name(key.first) + "->" + m.site_name(key.second), std::move(v));
  }
  if (sets.empty()) return nothing("no round-trip times recorded");
  constexpr int kBins = 30;
  const bool ms = hi >= 1000;  // show milliseconds once RTTs reach 1 ms
  if (ms) {
    for (auto& [name, v] : sets) {
      for (double& x : v) x /= 1000.0;
    }
    lo /= 1000.0, hi /= 1000.0;
  }
  if (hi - lo < (ms ? 0.001 : 1)) hi = lo + (ms ? 0.001 : 1);
  const double bw = (hi - lo) / kBins;
  std::vector<std::vector<int>> counts(sets.size(), std::vector<int>(kBins, 0));
  int top = 1;
  for (size_t i = 0; i < sets.size(); ++i) {
    for (double v : sets[i].second) {
      const int b = std::clamp(static_cast<int>((v - lo) / bw), 0, kBins - 1);
      top = std::max(top, ++counts[i][static_cast<size_t>(b)]);
    }
  }
  SvgPlot p("Link round-trip time (min-RTT estimate per statistics snapshot)", {lo, hi}, {0, top * 1.1},
            ms ? "RTT (ms)" : "RTT (us)", "snapshots");
  std::vector<std::pair<std::string, std::string>> legend;
  const double k = static_cast<double>(sets.size());
  for (size_t i = 0; i < sets.size(); ++i) {
    legend.emplace_back(sets[i].first, palette(i));
    for (int b = 0; b < kBins; ++b) {
      const int c = counts[i][static_cast<size_t>(b)];
      if (c == 0) continue;
      const double x0 = lo + bw * (b + static_cast<double>(i) / k);
      p.rect(x0, 0, x0 + bw / k, c, palette(i), sets[i].first + ": " + std::to_string(c));
    }
  }
  p.legend(legend);
  return p.str();
}

std::string loss_plot(const record::MergedRecording& m) {
  if (m.links.empty()) return nothing("no link statistics recorded");
  double hi = 1, t_start = 0, t_end = 0;
  std::vector<std::pair<std::string, std::string>> legend;
  std::vector<std::vector<std::pair<double, double>>> lines;
  for (const auto& [key, rows] : m.links) {
    std::vector<std::pair<double, double>> pts;
    for (const auto& r : rows) {
      pts.emplace_back(to_seconds(r.t), static_cast<double>(r.lost));
      hi = std::max(hi, static_cast<double>(r.lost));
      t_start = std::min(t_start, to_seconds(r.t)), t_end = std::max(t_end, to_seconds(r.t));
    }
    legend.emplace_back(m.site_name(key.first) + "->" + m.site_name(key.second), palette(lines.size()));
    lines.push_back(std::move(pts));
  }
  SvgPlot p("Datagrams lost per link (cumulative)", {t_start, t_end}, {0, hi * 1.1}, "experiment time (s)",
            "lost datagrams");
  for (size_t i = 0; i < lines.size(); ++i) p.line(lines[i], palette(i), true);
  p.legend(legend);
  return p.str();
}

std::string clock_plot(const record::MergedRecording& m) {
  double lo = INFINITY, hi = -INFINITY, t_start = 0, t_end = 0;
  std::vector<std::pair<std::string, std::string>> legend;
  std::vector<std::vector<std::pair<double, double>>> lines;
  for (const auto& [site, rows] : m.clocks) {
    std::vector<std::pair<double, double>> pts;
    for (const auto& c : rows) {
      const double us = static_cast<double>(c.offset_ns) / 1000.0;
      pts.emplace_back(to_seconds(c.experiment_ns), us);
      lo = std::min(lo, us), hi = std::max(hi, us);
      t_start = std::min(t_start, to_seconds(c.experiment_ns)), t_end = std::max(t_end, to_seconds(c.experiment_ns));
    }
    legend.emplace_back(m.site_name(site), palette(lines.size()));
    lines.push_back(std::move(pts));
  }
  if (lines.empty()) return nothing("no clock samples recorded");
  const double pad = std::max(1.0, (hi - lo) * 0.1);
  SvgPlot p("Clock offset of each site (local - master)", {t_start, t_end}, {lo - pad, hi + pad}, "experiment time (s)",
            "offset (us)");
  for (size_t i = 0; i < lines.size(); ++i) p.line(lines[i], palette(i));
  p.legend(legend);
  return p.str();
}

}  // namespace ion::report
