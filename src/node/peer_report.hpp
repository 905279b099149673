// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a node says about its peers (docs/reliability.md, "Peers that fail"): refused datagrams
// as they happen, why a peer was never authenticated (naming the key file), and at the end of the
// run every peer that never authenticated or stopped answering for good. A node with such a peer
// does not report success.
#include <string>
#include <vector>

#include "core/time.hpp"
#include "link/link.hpp"
#include "wire/codec.hpp"

namespace ion::site {

// How to name one peer in messages.
struct PeerLabel {
  std::string name;  // site name
  std::string key;   // "key file DIR/a.b.key", or "the simulated key of seed N"
  std::string addr;  // its configured address
};

// "peer padova: 10 datagrams failed authentication (…)" for a refusal count of one class.
std::string describe_refusal(const PeerLabel& p, wire::WireError e, uint64_t count);

// Why nothing of this peer was accepted: names the refusal classes it caused, the key file for
// authentication failures, or "nothing received … (is it running and reachable?)".
std::string never_heard_reason(const link::Peer& p, const PeerLabel& label);

// The peers that make this site's run incomplete, one message each: never authenticated, or down
// at the end after last being heard before experiment time `end` − kPeerEndMargin.
// `to_experiment` maps the peer's last-heard local time to experiment time.
inline constexpr Duration kPeerEndMargin = 400 * kMillisecond;  // two heartbeats
std::vector<std::string> peer_problems(const link::Link& l, const std::vector<PeerLabel>& labels,
                                       const std::vector<SiteId>& peers, Time end,
                                       const std::function<Time(Time)>& to_experiment);

}  // namespace ion::site
