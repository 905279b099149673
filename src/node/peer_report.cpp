// SPDX-License-Identifier: Apache-2.0
#include "node/peer_report.hpp"

namespace ion::site {
namespace {

std::string plural(uint64_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

// What one refusal class means for the user (docs/protocol.md §6).
std::string meaning(const PeerLabel& p, wire::WireError e) {
  using W = wire::WireError;
  switch (e) {
    case W::auth_failed:
      return "failed authentication: the " + p.key + " does not match " + p.name + "'s copy, or they were forged";
    case W::old_epoch:
      return "carried an older epoch of " + p.name + " than one seen before: replays of an earlier run (or " + p.name +
             "'s clock and epoch state went back)";
    case W::stale_epoch:
      return "carried the epoch of an earlier incarnation of this site";
    case W::bad_version:
      return "carried another version of the wire protocol";
    case W::aead_mismatch:
      return "offered no AEAD suite this site accepts ([security] aead pins one the other end does not offer, "
             "docs/experiment.md)";
    case W::duplicate:
      return "repeated datagrams already accepted (network duplicates or replays)";
    default:
      return std::string("refused as ") + wire::wire_error_name(e);
  }
}

}  // namespace

std::string describe_refusal(const PeerLabel& p, wire::WireError e, uint64_t count) {
  return "peer " + p.name + ": " + plural(count, "datagram") + " " + meaning(p, e);
}

std::string never_heard_reason(const link::Peer& peer, const PeerLabel& label) {
  const auto& errors = peer.counters().errors;
  std::string out;
  for (wire::WireError e : {wire::WireError::auth_failed, wire::WireError::old_epoch, wire::WireError::bad_version,
                            wire::WireError::aead_mismatch}) {
    const uint64_t n = errors[static_cast<size_t>(e)];
    if (n) out += (out.empty() ? "" : "; ") + plural(n, "datagram") + " from it " + meaning(label, e);
  }
  if (!out.empty()) return out;
  uint64_t refused = 0;
  for (uint64_t n : errors) refused += n;
  if (refused) return plural(refused, "datagram") + " from it refused (see the 'link refusals' note)";
  return "nothing received from it at " + label.addr + " (is it running and reachable?)";
}

std::vector<std::string> peer_problems(const link::Link& l, const std::vector<PeerLabel>& labels,
                                       const std::vector<SiteId>& peers, Time end,
                                       const std::function<Time(Time)>& to_experiment) {
  std::vector<std::string> out;
  for (size_t i = 0; i < peers.size(); ++i) {
    const link::Peer* p = l.peer(peers[i]);
    if (!p) continue;
    const link::Liveness& live = p->liveness();
    if (!live.ever_heard()) {
      out.push_back("peer " + labels[i].name + " never authenticated: " + never_heard_reason(*p, labels[i]));
      continue;
    }
    const Time last = to_experiment(live.last_heard_ns());
    if (!live.up() && last < end - kPeerEndMargin)
      out.push_back("peer " + labels[i].name + " stopped answering: last heard at experiment time " +
                    format_duration(last) + ", down since then");
  }
  return out;
}

}  // namespace ion::site
