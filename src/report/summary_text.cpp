// SPDX-License-Identifier: Apache-2.0
// The printed summary of a run (report/analysis.hpp: format_summary). Neurons and synapses are
// named as in the experiment, neurons in circuit order.
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "report/analysis.hpp"

namespace ion::report {
namespace {

void appendf(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string& out, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) out.append(buf, static_cast<size_t>(std::min<int>(n, sizeof buf - 1)));
}

std::string num(const std::optional<double>& v, const char* fmt = "%.2f") {
  if (!v || !std::isfinite(*v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return buf;
}

std::string numf(const std::optional<float>& v, const char* fmt) {
  return v ? num(std::optional<double>(*v), fmt) : std::string("-");
}

std::string dur(const std::optional<Duration>& d) { return d ? format_latency(*d) : std::string("-"); }

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

// "ANpre 10.00  BN 2.70  ANpost no data" in circuit order; "*" marks a rate over part of the phase.
std::string neuron_rates(const Summary& s, const PhaseSummary& p) {
  std::string out = "    rates (Hz):";
  for (const auto& row : s.circuit.neurons) {
    auto it = p.rate_hz.find(row.name);
    out += (&row == &s.circuit.neurons.front() ? " " : "  ") + row.name + " " +
           (it == p.rate_hz.end() ? "no data" : num(it->second));
    if (p.partial.count(row.name)) out += "*";
  }
  return out;
}

// Large circuits: "P 15.10 [12.00..18.30]" per group (mean and range of its members with data).
std::string group_rates(const Summary& s, const PhaseSummary& p) {
  std::string out = "    rates (Hz, group mean [min..max]):";
  for (const auto& g : s.circuit.groups) {
    out += &g == &s.circuit.groups.front() ? " " : "  ";
    double sum = 0, lo = 0, hi = 0;
    size_t n = 0;
    for (size_t i = g.first; i < g.first + g.count; ++i) {
      auto it = p.rate_hz.find(s.circuit.neurons[i].name);
      if (it == p.rate_hz.end()) continue;
      lo = n ? std::min(lo, it->second) : it->second, hi = n ? std::max(hi, it->second) : it->second;
      sum += it->second, ++n;
    }
    out += g.name + " " +
           (n ? num(sum / static_cast<double>(n)) + " [" + num(lo) + ".." + num(hi) + "]" : std::string("no data"));
  }
  return out;
}

void synapse_line(std::string& out, const SynapsePhase& sp) {
  appendf(out, "    %-12s %s->%s: P(response) %s (%llu/%llu)  weight %s -> %s  R %s -> %s ohm  LTP %llu LTD %llu\n",
          sp.name.c_str(), sp.pre.c_str(), sp.post.c_str(), num(sp.response_probability, "%.3f").c_str(),
          ull(sp.responded), ull(sp.pre_spikes), numf(sp.weight_start, "%.3f").c_str(),
          numf(sp.weight_end, "%.3f").c_str(), numf(sp.resistance_start_ohm, "%.0f").c_str(),
          numf(sp.resistance_end_ohm, "%.0f").c_str(), ull(sp.potentiations), ull(sp.depressions));
}

void phases_table(std::string& out, const Summary& s, size_t max_synapses, size_t max_neurons) {
  const std::string pm = s.pacemaker.empty() ? "pacemaker" : s.pacemaker;
  appendf(out, "phases (response window %s..%s after each presynaptic spike):\n",
          format_duration(s.options.response_min_ns).c_str(), format_duration(s.options.response_max_ns).c_str());
  for (const auto& p : s.phases) {
    if (!p.ran) {
      appendf(out, "  phase %zu  %s..%s  set %s Hz  not run\n", p.index + 1, format_duration(p.start_ns).c_str(),
              format_duration(p.end_ns).c_str(), num(p.set_rate_hz, "%g").c_str());
      continue;
    }
    appendf(out, "  phase %zu  %s..%s  set %s Hz  %s measured %s Hz\n", p.index + 1,
            format_duration(p.start_ns).c_str(), format_duration(p.end_ns).c_str(), num(p.set_rate_hz, "%g").c_str(),
            pm.c_str(), num(p.pacemaker_rate_hz).c_str());
    if (!s.circuit.neurons.empty()) {
      appendf(out, "%s\n", (s.circuit.neurons.size() <= max_neurons ? neuron_rates(s, p) : group_rates(s, p)).c_str());
    }
    for (size_t i = 0; i < p.synapses.size(); ++i) {
      if (i == max_synapses) {
        appendf(out, "    ... and %zu more synapses (see report.html)\n", p.synapses.size() - i);
        break;
      }
      synapse_line(out, p.synapses[i]);
    }
  }
}

std::string loss(const std::optional<double>& f) { return f ? num(*f * 100, "%.2f") + "% lost" : "no spikes"; }

void delivery_table(std::string& out, const Summary& s, size_t max_synapses) {
  appendf(out, "delivery (presynaptic spikes recorded as inputs at the post site; latency = arrival - spike time):\n");
  for (size_t i = 0; i < s.delivery.size() && i < max_synapses; ++i) {
    const auto& d = s.delivery[i];
    if (!d.post_logged) {
      appendf(out, "  %-12s %s->%s: no data (the post site has no log)\n", d.name.c_str(), d.pre.c_str(),
              d.post.c_str());
      continue;
    }
    appendf(out, "  %-12s %s->%s: delivered %llu/%llu (%s)  latency p50 %s p99 %s max %s (n=%zu)\n", d.name.c_str(),
            d.pre.c_str(), d.post.c_str(), ull(d.delivered), ull(d.pre_spikes), loss(d.loss_fraction).c_str(),
            dur(d.latency.p50_ns).c_str(), dur(d.latency.p99_ns).c_str(), dur(d.latency.max_ns).c_str(), d.latency.n);
  }
  if (s.delivery.size() > max_synapses) {
    appendf(out, "  ... and %zu more synapses; by route:\n", s.delivery.size() - max_synapses);
    for (const auto& r : s.routes) {
      appendf(out, "  %s->%s->%s (%zu synapses): delivered %llu/%llu (%s)  latency p50 %s p99 %s max %s\n",
              r.from_name.c_str(), r.via_name.c_str(), r.to_name.c_str(), r.synapses, ull(r.delivered),
              ull(r.pre_spikes), loss(r.loss_fraction).c_str(), dur(r.latency.p50_ns).c_str(),
              dur(r.latency.p99_ns).c_str(), dur(r.latency.max_ns).c_str());
    }
  }
}

void links_table(std::string& out, const Summary& s) {
  appendf(out, "links (recorded by site about peer; last counters; RTT = min-RTT estimates over snapshots):\n");
  if (s.links.empty()) appendf(out, "  (no link statistics recorded)\n");
  for (const auto& l : s.links) {
    appendf(out,
            "  %s->%s: events sent %llu recv %llu  datagrams sent %llu recv %llu lost %llu (%s%%)"
            "  dup %llu reord %llu late %llu rejected %llu  RTT p50 %s p99 %s (n=%zu)\n",
            l.site_name.c_str(), l.peer_name.c_str(), ull(l.events_sent), ull(l.events_received), ull(l.datagrams_sent),
            ull(l.datagrams_received), ull(l.lost), l.loss_fraction ? num(*l.loss_fraction * 100, "%.2f").c_str() : "-",
            ull(l.duplicated), ull(l.reordered), ull(l.late), ull(l.rejected), dur(l.rtt_p50_ns).c_str(),
            dur(l.rtt_p99_ns).c_str(), l.rtt_samples);
  }
}

}  // namespace

std::string format_summary(const Summary& s, size_t max_synapses, size_t max_neurons) {
  std::string out;
  appendf(out, "summary of %s (seed %s): %llu spikes, %llu weight records%s\n", s.experiment_name.c_str(),
          s.seed.c_str(), ull(s.spikes), ull(s.weight_updates), s.complete ? "" : "  [INCOMPLETE recording]");
  if (s.outcome.status != record::RunStatus::complete)
    appendf(out, "run %s; the recording ends there\n", record::describe(s.outcome).c_str());
  phases_table(out, s, max_synapses, max_neurons);
  delivery_table(out, s, max_synapses);
  links_table(out, s);
  for (const auto& w : s.warnings) appendf(out, "warning: %s\n", w.c_str());
  return out;
}

}  // namespace ion::report
