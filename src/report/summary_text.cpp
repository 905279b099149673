// SPDX-License-Identifier: Apache-2.0
// The printed summary of a run (report/analysis.hpp: format_summary).
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
  if (!v) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return buf;
}

std::string weight(const std::optional<float>& v) {
  return v ? num(static_cast<double>(*v), "%.3f") : std::string("-");
}

std::string dur(const std::optional<Duration>& d) { return d ? format_latency(*d) : std::string("-"); }

void phases_table(std::string& out, const Summary& s, size_t max_synapses) {
  const std::string pm = s.pacemaker.empty() ? "pacemaker" : s.pacemaker;
  appendf(out, "phases (response window %s..%s after each presynaptic spike):\n",
          format_duration(s.options.response_min_ns).c_str(), format_duration(s.options.response_max_ns).c_str());
  for (const auto& p : s.phases) {
    appendf(out, "  phase %zu  %s..%s  set %s Hz  %s measured %s Hz\n", p.index + 1,
            format_duration(p.start_ns).c_str(), format_duration(p.end_ns).c_str(), num(p.set_rate_hz, "%g").c_str(),
            pm.c_str(), num(p.pacemaker_rate_hz).c_str());
    if (!p.rate_hz.empty() && p.rate_hz.size() <= max_synapses) {
      std::string rates = "    rates (Hz):";
      for (const auto& [name, r] : p.rate_hz) rates += " " + name + " " + num(r);
      appendf(out, "%s\n", rates.c_str());
    }
    for (size_t i = 0; i < p.synapses.size(); ++i) {
      if (i == max_synapses) {
        appendf(out, "    ... and %zu more synapses (see report.html)\n", p.synapses.size() - i);
        break;
      }
      const auto& sp = p.synapses[i];
      appendf(out, "    %-12s %s->%s: P(response) %s (%llu/%llu)  weight %s -> %s  R %s -> %s ohm  LTP %llu LTD %llu\n",
              sp.name.c_str(), sp.pre.c_str(), sp.post.c_str(), num(sp.response_probability, "%.3f").c_str(),
              static_cast<unsigned long long>(sp.responded), static_cast<unsigned long long>(sp.pre_spikes),
              weight(sp.weight_start).c_str(), weight(sp.weight_end).c_str(),
              sp.resistance_start_ohm ? num(double(*sp.resistance_start_ohm), "%.0f").c_str() : "-",
              sp.resistance_end_ohm ? num(double(*sp.resistance_end_ohm), "%.0f").c_str() : "-",
              static_cast<unsigned long long>(sp.potentiations), static_cast<unsigned long long>(sp.depressions));
    }
  }
}

void links_table(std::string& out, const Summary& s) {
  appendf(out, "links (recorded by site about peer; last counters; RTT = min-RTT estimates over snapshots,\n"
               "       per-event one-way latency is not recorded):\n");
  if (s.links.empty()) appendf(out, "  (no link statistics recorded)\n");
  for (const auto& l : s.links) {
    appendf(out, "  %s->%s: events sent %llu recv %llu  datagrams sent %llu recv %llu lost %llu (%s%%)"
                 "  dup %llu reord %llu late %llu rejected %llu  RTT p50 %s p99 %s (n=%zu)\n",
            l.site_name.c_str(), l.peer_name.c_str(), static_cast<unsigned long long>(l.events_sent),
            static_cast<unsigned long long>(l.events_received), static_cast<unsigned long long>(l.datagrams_sent),
            static_cast<unsigned long long>(l.datagrams_received), static_cast<unsigned long long>(l.lost),
            l.loss_fraction ? num(*l.loss_fraction * 100, "%.2f").c_str() : "-",
            static_cast<unsigned long long>(l.duplicated), static_cast<unsigned long long>(l.reordered),
            static_cast<unsigned long long>(l.late), static_cast<unsigned long long>(l.rejected),
            dur(l.rtt_p50_ns).c_str(), dur(l.rtt_p99_ns).c_str(), l.rtt_samples);
  }
}

}  // namespace

std::string format_summary(const Summary& s, size_t max_synapses) {
  std::string out;
  appendf(out, "summary of %s (seed %s): %llu spikes, %llu weight records\n", s.experiment_name.c_str(),
          s.seed.c_str(), static_cast<unsigned long long>(s.spikes), static_cast<unsigned long long>(s.weight_updates));
  phases_table(out, s, max_synapses);
  links_table(out, s);
  for (const auto& w : s.warnings) appendf(out, "warning: %s\n", w.c_str());
  return out;
}

}  // namespace ion::report
