// SPDX-License-Identifier: Apache-2.0
// /processing/network: the link statistics every site recorded per peer (docs/recording.md §9).
#include "export/nwb_parts.hpp"
#include "record/h5_util.hpp"

namespace ion::nwb {
namespace h5 = record::h5;
namespace {

// One row per link_stats record: which link (recording site, peer) and the record.
struct LinkRow {
  std::string site, peer;
  const LinkStats* s;
};

template <class T, class F>
std::vector<T> col(const std::vector<LinkRow>& rows, F get) {
  std::vector<T> v;
  v.reserve(rows.size());
  for (const auto& r : rows) v.push_back(static_cast<T>(get(*r.s)));
  return v;
}

std::vector<LinkRow> link_rows(const record::MergedRecording& m) {
  std::vector<LinkRow> rows;
  for (const auto& [key, samples] : m.links)
    for (const auto& s : samples) rows.push_back({m.site_name(key.first), m.site_name(key.second), &s});
  return rows;
}

Status counters(Table& t, const std::vector<LinkRow>& rows) {
  struct Counter {
    const char* name;
    uint64_t LinkStats::*field;
    const char* description;
  };
  static const Counter kCounters[] = {
      {"sent", &LinkStats::sent, "datagrams sent to the peer"},
      {"received", &LinkStats::received, "datagrams accepted from the peer"},
      {"events_sent", &LinkStats::events_sent, "events sent to the peer"},
      {"events_received", &LinkStats::events_received, "events received from the peer"},
      {"lost", &LinkStats::lost, "sequence gaps not filled later"},
      {"duplicated", &LinkStats::duplicated, "duplicated datagrams"},
      {"reordered", &LinkStats::reordered, "datagrams that arrived out of order"},
      {"late", &LinkStats::late, "events that arrived beyond the delivery deadline"},
      {"rejected", &LinkStats::rejected, "datagrams that failed authentication, replay or epoch checks"},
      {"malformed", &LinkStats::malformed, "datagrams that did not decode"},
  };
  for (const auto& k : kCounters)
    ION_TRY(t.column(k.name, std::string(k.description) + " (cumulative)",
                     col<uint64_t>(rows, [&](const LinkStats& s) { return s.*k.field; })));
  return Status::ok();
}

Status durations(Table& t, const std::vector<LinkRow>& rows) {
  ION_TRY(t.column("rtt", "latest minimum round-trip time estimate, seconds",
                   col<double>(rows, [](const LinkStats& s) { return h5::seconds(s.rtt_ns); })));
  ION_TRY(t.column("clock_offset", "estimated clock offset local - master, seconds",
                   col<double>(rows, [](const LinkStats& s) { return h5::seconds(s.clock_offset_ns); })));
  ION_TRY(t.column("clock_uncertainty", "uncertainty of clock_offset, seconds",
                   col<double>(rows, [](const LinkStats& s) { return h5::seconds(s.clock_uncertainty_ns); })));
  return t.column("peer_up", "1 when the peer was alive",
                  col<uint8_t>(rows, [](const LinkStats& s) { return s.peer_up ? 1 : 0; }));
}

Status write_link_table(hid_t module, const record::MergedRecording& m, const Builder& b) {
  const auto rows = link_rows(m);
  ION_TRY_ASSIGN(auto g, b.typed_group(module, "link_stats", "DynamicTable", kCommon));
  Table t(b, g.get(), rows.size());
  ION_TRY(t.column("timestamp", "experiment time of the record, seconds",
                   col<double>(rows, [](const LinkStats& s) { return h5::seconds(s.t); })));
  std::vector<std::string> sites, peers;
  for (const auto& r : rows) {
    sites.push_back(r.site);
    peers.push_back(r.peer);
  }
  ION_TRY(t.text_column("site", "the site that recorded the statistics", sites));
  ION_TRY(t.text_column("peer", "the peer site of the link", peers));
  ION_TRY(counters(t, rows));
  ION_TRY(durations(t, rows));
  return t.finish("link statistics each site recorded per peer, one row per record (by link, then time)");
}

}  // namespace

Status write_network(hid_t processing, const Context& c) {
  ION_TRY_ASSIGN(auto g, c.b.typed_group(processing, "network", "ProcessingModule", kCore));
  ION_TRY(h5::attr_string(g.get(), "description", "the UDP links between the sites: statistics per peer"));
  return write_link_table(g.get(), c.m, c.b);
}

}  // namespace ion::nwb
