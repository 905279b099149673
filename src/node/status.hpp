// SPDX-License-Identifier: Apache-2.0
#pragma once
// A site's status: what `ion node` writes to <out>/<site>.status (JSON, replaced atomically about
// every second) and what `ion run`, the terminal view and the dashboard read. The layout is
// documented byte for byte in docs/recording.md §8.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "env/storage.hpp"
#include "site/role_status.hpp"

namespace ion::site {

inline constexpr int kStatusFormatVersion = 1;

// One neuron's spikes over the last 1 to 2 s of experiment time (this second so far and the one
// before): a rate that follows the experiment's phases and is never divided by a tiny time.
class RecentRate {
 public:
  void add(Time spike_t);
  double rate_hz(Time now) const;

 private:
  int64_t second_ = 0;  // the second of current_
  uint64_t current_ = 0, previous_ = 0;
};

struct NeuronRate {
  std::string name;
  double rate_hz = 0;  // RecentRate at t_ns
  bool operator==(const NeuronRate&) const = default;
};

// One authenticated peer of the site's link (link::LinkStats, named).
struct LinkHealth {
  std::string peer;
  bool up = false;
  uint64_t lost = 0;
  double loss = 0;  // lost / (received + lost), 0 when nothing was expected yet
  Duration rtt_ns = 0;
  Duration clock_offset_ns = 0;
  bool operator==(const LinkHealth&) const = default;
};

// A link's health from its statistics, named `peer`.
LinkHealth link_health(const std::string& peer, const LinkStats& s);

// One declared monitor of the site (docs/protocol.md §3.3): its link and the feed of copies
// (node/monitor_feed.hpp MonitorFeedCounters). Not an experiment link: kept apart from `links`.
struct MonitorHealth {
  std::string name;
  bool up = false;
  uint64_t sent = 0;      // records sent to it
  uint64_t dropped = 0;   // records the token bucket's buffer had no room for (or left at the end)
  uint64_t oversize = 0;  // records too large for one datagram, never sent
  bool operator==(const MonitorHealth&) const = default;
};

struct NodeStatus {
  std::string site;
  std::string role;          // hub, bio, silicon
  std::string state;         // waiting, running, finishing, done, failed, interrupted; readers: starting
  int64_t pid = 0;           // 0 in a simulation (every site in one process)
  std::optional<Time> t_ns;  // experiment time; empty before the first clock synchronisation
  Duration duration_ns = 0;  // the experiment's duration
  uint64_t spikes = 0;       // spikes of this site's neurons emitted by this process
  std::vector<NeuronRate> neurons;
  std::vector<SynapseStatus> synapses;
  std::optional<InterlockStatus> interlock;
  std::vector<LinkHealth> links;
  std::vector<MonitorHealth> monitors;  // optional in the file: absent (older writers) = none
  std::optional<std::string> failure;
  bool operator==(const NodeStatus&) const = default;
};

// The status a reader shows for a site whose status file is missing or unreadable.
NodeStatus starting_status(std::string site);

std::string status_to_json(const NodeStatus& s);
// Errors name the key path and what was expected ("status: synapses[2].weight: expected a
// number or null"); never throws, whatever the text (torn, empty, garbage, another version).
Result<NodeStatus> status_from_json(std::string_view text);
// Reads <path>; a missing, torn or foreign file is an error (the caller shows starting_status).
Result<NodeStatus> read_status_file(Storage& storage, const std::string& path);
// What a reader shows for `site`: its status file, or starting_status(site) when the file is
// missing (not built yet), torn, garbage or of another format version.
NodeStatus read_status_or_starting(Storage& storage, const std::string& path, const std::string& site);
// Writes <path> atomically (readers see the old or the new status, never a mix), without fsync:
// a status is ephemeral.
Status write_status_file(Storage& storage, const std::string& path, const NodeStatus& s);

}  // namespace ion::site
