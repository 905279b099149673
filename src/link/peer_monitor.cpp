// SPDX-License-Identifier: Apache-2.0
// The monitor rules of a Peer (docs/protocol.md §3.3): what a declared monitor may send, and the
// status messages a site sends one. Kept apart from peer.cpp, which holds the stream rules.
#include "link/peer.hpp"

namespace ion::link {

// Enforced by every receiver, never trusted to the sender: a monitor's key lets its holder read,
// never write. A status message is accepted only by a monitor.
bool Peer::permitted(wire::MsgType t) const {
  using T = wire::MsgType;
  if (spec_.monitor) return t == T::hello || t == T::clock_probe || t == T::heartbeat || t == T::goodbye;
  return t != T::status || cfg_.monitor;
}

// The datagram authenticated and passed the replay window: its sequence number is accounted as
// received (it is not lost), but nothing in it is delivered, answered or counts as "heard".
PeerTransition Peer::refuse_not_permitted(const wire::Header& h, Time rx_local) {
  (void)track(h, rx_local);  // duplicate/stale verdicts are counted inside the tracker
  count_error(wire::WireError::not_permitted);
  return PeerTransition::none;
}

// A sequence number is taken when a datagram is begun, so one is begun only for an entry that fits.
bool Peer::send_copies(std::span<const wire::CopyView> copies, uint64_t* oversize) {
  if (!addressed()) return false;
  const Time exp_now = ctx_.to_experiment(ctx_.local_now());
  bool begun = false;
  for (const wire::CopyView& c : copies) {
    if (c.kind == 0 ||
        wire::kHeaderBytes + wire::kTagBytes + wire::kCopyFrameBytes + c.payload.size() > wire::kMaxDatagramBytes) {
      if (oversize) ++*oversize;
      continue;
    }
    if (!begun) channel_.begin(staging_builder(), wire::MsgType::status, exp_now);
    begun = true;
    if (staging_builder().add_copy(c.kind, c.payload) == wire::Append::added) continue;
    stage(channel_.finish(staging_builder()), 0);  // full: this entry opens the next datagram
    channel_.begin(staging_builder(), wire::MsgType::status, exp_now);
    // It fits an empty datagram (checked above); were that check ever wrong, the copy is counted.
    if (staging_builder().add_copy(c.kind, c.payload) != wire::Append::added && oversize) ++*oversize;
  }
  if (begun) stage(channel_.finish(staging_builder()), 0);
  send_staged();
  return true;
}

}  // namespace ion::link
