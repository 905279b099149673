// SPDX-License-Identifier: Apache-2.0
#include "report/report_html.hpp"

#include <cstdio>

#include "report/report_plots.hpp"
#include "report/svg.hpp"

namespace ion::report {
namespace {

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:1.5em;max-width:1000px;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:2px 6px;"
    "font-size:13px;text-align:right}th{background:#f2f2f2}td.l,th.l{text-align:left}"
    "pre{background:#f7f7f7;padding:.5em;overflow-x:auto;font-size:12px}p.note{color:#555;font-size:13px}"
    "svg{display:block;margin:.3em 0 1em}";

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string opt(const std::optional<double>& v, const char* f = "%.2f") { return v ? fmt(f, *v) : "&ndash;"; }
std::string optf(const std::optional<float>& v, const char* f = "%.3f") {
  return v ? fmt(f, static_cast<double>(*v)) : "&ndash;";
}
std::string optd(const std::optional<Duration>& d) { return d ? html_escape(format_latency(*d)) : "&ndash;"; }
std::string td(const std::string& s) { return "<td>" + s + "</td>"; }
std::string tdl(const std::string& s) { return "<td class=\"l\">" + html_escape(s) + "</td>"; }
std::string u(uint64_t v) { return std::to_string(v); }

std::string header(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s) {
  std::string h = "<h1>ion run: " + html_escape(s.experiment_name) + "</h1>\n<p>seed " + html_escape(s.seed) +
                  " &middot; duration " + html_escape(format_duration(e.duration)) + " &middot; " +
                  u(s.spikes) + " spikes &middot; " + u(s.weight_updates) + " weight records</p>\n";
  h += "<table><tr><th class=\"l\">site</th><th>id</th><th>records</th><th class=\"l\">log tail</th></tr>\n";
  for (const auto& site : m.sites) {
    h += "<tr>" + tdl(m.site_name(site.id)) + td(std::to_string(site.id)) + td(u(site.records)) +
         tdl(site.tail.describe()) + "</tr>\n";
  }
  return h + "</table>\n";
}

std::string phase_table(const Summary& s, size_t max_synapses) {
  std::string h = "<h2>Phases</h2>\n<p class=\"note\">Response probability: fraction of the pre neuron's spikes "
                  "followed by a spike of the post neuron " + html_escape(format_duration(s.options.response_min_ns)) +
                  " to " + html_escape(format_duration(s.options.response_max_ns)) +
                  " later. Weights are the last recorded values at the phase bounds.</p>\n";
  h += "<table><tr><th>phase</th><th>start</th><th>end</th><th>set rate (Hz)</th><th>" +
       html_escape(s.pacemaker.empty() ? "pacemaker" : s.pacemaker) + " measured (Hz)</th>"
       "<th class=\"l\">synapse</th><th>pre spikes</th><th>responded</th><th>P(response)</th>"
       "<th>weight start</th><th>weight end</th><th>R end (ohm)</th><th>LTP</th><th>LTD</th></tr>\n";
  for (const auto& p : s.phases) {
    const std::string lead = td(std::to_string(p.index + 1)) + td(html_escape(format_duration(p.start_ns))) +
                             td(html_escape(format_duration(p.end_ns))) + td(opt(p.set_rate_hz, "%g")) +
                             td(opt(p.pacemaker_rate_hz));
    if (p.synapses.empty()) h += "<tr>" + lead + "<td colspan=\"9\"></td></tr>\n";
    for (size_t i = 0; i < p.synapses.size(); ++i) {
      if (i == max_synapses) {
        h += "<tr>" + lead + "<td class=\"l\" colspan=\"9\">and " + std::to_string(p.synapses.size() - i) +
             " more synapses</td></tr>\n";
        break;
      }
      const auto& sp = p.synapses[i];
      h += "<tr>" + lead + tdl(sp.name + " (" + sp.pre + " -> " + sp.post + ")") + td(u(sp.pre_spikes)) +
           td(u(sp.responded)) + td(opt(sp.response_probability, "%.3f")) + td(optf(sp.weight_start)) +
           td(optf(sp.weight_end)) + td(optf(sp.resistance_end_ohm, "%.0f")) + td(u(sp.potentiations)) +
           td(u(sp.depressions)) + "</tr>\n";
    }
  }
  return h + "</table>\n";
}

std::string link_table(const Summary& s) {
  std::string h = "<h2>Links</h2>\n<p class=\"note\">Counters are the last snapshot each site recorded about "
                  "each peer (cumulative). Loss = lost / (received + lost) datagrams. RTT percentiles are over the "
                  "min-RTT estimates of the snapshots; per-event one-way latency is not recorded.</p>\n";
  if (s.links.empty()) return h + "<p>No link statistics were recorded.</p>\n";
  h += "<table><tr><th class=\"l\">site -&gt; peer</th><th>events sent</th><th>events recv</th><th>dgrams sent</th>"
       "<th>dgrams recv</th><th>lost</th><th>loss</th><th>dup</th><th>reord</th><th>late</th><th>rejected</th>"
       "<th>malformed</th><th>RTT p50</th><th>RTT p99</th><th>snapshots</th><th>clock offset</th></tr>\n";
  for (const auto& l : s.links) {
    h += "<tr>" + tdl(l.site_name + " -> " + l.peer_name) + td(u(l.events_sent)) + td(u(l.events_received)) +
         td(u(l.datagrams_sent)) + td(u(l.datagrams_received)) + td(u(l.lost)) +
         td(l.loss_fraction ? fmt("%.3f%%", *l.loss_fraction * 100) : "&ndash;") + td(u(l.duplicated)) +
         td(u(l.reordered)) + td(u(l.late)) + td(u(l.rejected)) + td(u(l.malformed)) + td(optd(l.rtt_p50_ns)) +
         td(optd(l.rtt_p99_ns)) + td(std::to_string(l.snapshots)) + td(optd(l.clock_offset_ns)) + "</tr>\n";
  }
  return h + "</table>\n";
}

std::string notes_section(const record::MergedRecording& m, const Summary& s) {
  std::string h = "<h2>Notes</h2>\n<ul>\n";
  for (const auto& w : s.warnings) h += "<li><b>warning:</b> " + html_escape(w) + "</li>\n";
  for (const auto& n : m.notes) {
    const auto k = static_cast<record::NoteKind>(n.kind);
    if (k != record::NoteKind::text && k != record::NoteKind::gap) continue;
    h += "<li>" + html_escape(m.site_name(n.site)) + " @ " + html_escape(format_latency(n.t)) + ": " +
         (k == record::NoteKind::gap ? "<b>gap</b> " : "") + html_escape(n.text) + "</li>\n";
  }
  h += "</ul>\n<details><summary>Experiment file</summary><pre>" + html_escape(m.experiment_file) +
       "</pre></details>\n";
  return h;
}

}  // namespace

std::string render_report_html(const record::MergedRecording& m, const experiment::Experiment& e,
                               const Summary& s, const ReportLimits& limits) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ion report: " +
                  html_escape(s.experiment_name) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += header(m, e, s);
  h += phase_table(s, limits.max_table_synapses);
  h += "<h2>Spikes</h2>\n" + raster_plot(m, e, s, limits) + rate_plot(s, limits) + response_plot(s);
  h += "<h2>Synapses</h2>\n" + trace_plot(m, e, s, false, limits) + trace_plot(m, e, s, true, limits);
  h += link_table(s);
  h += rtt_histogram(m) + loss_plot(m);
  h += "<h2>Clocks</h2>\n" + clock_plot(m);
  h += notes_section(m, s);
  return h + "</body>\n</html>\n";
}

}  // namespace ion::report
