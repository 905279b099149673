// SPDX-License-Identifier: Apache-2.0
// The report model's transport and bookkeeping parts: links (counters, loss over time, min-RTT
// estimates), clock offsets, stimuli, notes.
#include <array>
#include <map>

#include "report/model_internal.hpp"

namespace ion::report::model {
namespace {

Json link_row(const LinkSummary& l) {
  return {{"site", l.site_name},
          {"peer", l.peer_name},
          {"snapshots", l.snapshots},
          {"events_sent", l.events_sent},
          {"events_received", l.events_received},
          {"datagrams_sent", l.datagrams_sent},
          {"datagrams_received", l.datagrams_received},
          {"lost", l.lost},
          {"loss", opt(l.loss_fraction)},
          {"duplicated", l.duplicated},
          {"reordered", l.reordered},
          {"late", l.late},
          {"rejected", l.rejected},
          {"malformed", l.malformed},
          {"rtt_samples", l.rtt_samples},
          {"rtt_p50_ms", opt_ms(l.rtt_p50_ns)},
          {"rtt_p99_ms", opt_ms(l.rtt_p99_ns)},
          {"clock_offset_us", l.clock_offset_ns ? num(static_cast<double>(*l.clock_offset_ns) / 1e3) : Json(nullptr)}};
}

// Cumulative lost datagrams of one link over time (the counters are cumulative already).
Json lost_over_time(const std::vector<LinkStats>& rows) {
  Json t = Json::array(), lost = Json::array();
  for (const auto& r : rows) {
    t.push_back(sec(r.t));
    lost.push_back(r.lost);
  }
  return {{"t_s", std::move(t)}, {"lost", std::move(lost)}};
}

Json stimuli_json(const Context& c) {
  std::map<std::pair<SiteId, SynapseId>, std::array<uint64_t, 3>> by;
  for (const auto& s : c.m.stimuli) by[{s.log_site, s.synapse}][std::min<size_t>(s.outcome, 2)]++;
  Json a = Json::array();
  for (const auto& [key, n] : by) {
    a.push_back({{"site", c.m.site_name(key.first)},
                 {"synapse", synapse_label(c.m, c.e, key.second)},
                 {"delivered", n[0]},
                 {"clamped", n[1]},
                 {"refused", n[2]}});
  }
  return a;
}

}  // namespace

Json links_json(const Context& c) {
  Json rows = Json::array(), lost = Json::array();
  for (const auto& l : c.s.links) rows.push_back(link_row(l));
  for (const auto& [key, r] : c.m.links) {
    if (r.empty()) continue;
    Json j = lost_over_time(r);
    j["label"] = c.m.site_name(key.first) + " \u2192 " + c.m.site_name(key.second);
    lost.push_back(std::move(j));
  }
  return {{"table", std::move(rows)}, {"lost_over_time", std::move(lost)}, {"stimuli", stimuli_json(c)}};
}

Json clocks_json(const Context& c) {
  Json a = Json::array();
  for (const auto& [site, rows] : c.m.clocks) {
    Json t = Json::array(), off = Json::array(), unc = Json::array();
    for (const auto& r : rows) {
      t.push_back(sec(r.experiment_ns));
      off.push_back(num(static_cast<double>(r.offset_ns) / 1e3));
      unc.push_back(num(static_cast<double>(r.uncertainty_ns) / 1e3));
    }
    a.push_back({{"site", c.m.site_name(site)},
                 {"t_s", std::move(t)},
                 {"offset_us", std::move(off)},
                 {"uncertainty_us", std::move(unc)}});
  }
  return a;
}

Json notes_json(const Context& c) {
  Json a = Json::array();
  for (const auto& n : c.m.notes) {
    const auto k = static_cast<record::NoteKind>(n.kind);
    if (k != record::NoteKind::text && k != record::NoteKind::gap) continue;
    a.push_back(
        {{"site", c.m.site_name(n.site)}, {"t_s", sec(n.t)}, {"gap", k == record::NoteKind::gap}, {"text", n.text}});
  }
  return a;
}

}  // namespace ion::report::model
