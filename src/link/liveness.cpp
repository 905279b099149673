// SPDX-License-Identifier: Apache-2.0
#include "link/liveness.hpp"

#include <algorithm>

namespace ion::link {

const char* transition_name(PeerTransition t) {
  switch (t) {
    case PeerTransition::none:
      return "none";
    case PeerTransition::up:
      return "up";
    case PeerTransition::down:
      return "down";
    case PeerTransition::recovered:
      return "recovered";
    case PeerTransition::restarted:
      return "restarted";
  }
  return "?";
}

Liveness::Liveness(LivenessConfig cfg) : cfg_(cfg) {}

void Liveness::start(Time now_ns) { next_hb_ns_ = now_ns; }

void Liveness::on_heartbeat_sent(Time now_ns) {
  ++stats_.heartbeats_sent;
  // Stay on the grid unless we fell more than one interval behind.
  const Time planned = next_hb_ns_ + cfg_.heartbeat_interval_ns;
  next_hb_ns_ = planned > now_ns ? planned : now_ns + cfg_.heartbeat_interval_ns;
}

PeerTransition Liveness::on_heard(Time now_ns, uint64_t peer_epoch, bool is_heartbeat) {
  if (is_heartbeat) note_heartbeat(now_ns);
  last_heard_ns_ = std::max(last_heard_ns_, now_ns);
  if (!heard_) {
    heard_ = up_ = true;
    epoch_ = peer_epoch;
    return PeerTransition::up;
  }
  const bool was_down = !up_;
  up_ = true;
  if (was_down) ++stats_.recoveries;
  if (peer_epoch != epoch_) {
    epoch_ = peer_epoch;
    ++stats_.restarts;
    last_hb_rx_ns_ = is_heartbeat ? now_ns : kTimeNever;
    return PeerTransition::restarted;
  }
  return was_down ? PeerTransition::recovered : PeerTransition::none;
}

void Liveness::note_heartbeat(Time now_ns) {
  ++stats_.heartbeats_received;
  if (last_hb_rx_ns_ != kTimeNever && now_ns >= last_hb_rx_ns_) {
    const Duration gap = now_ns - last_hb_rx_ns_;
    stats_.last_heartbeat_gap_ns = gap;
    stats_.max_heartbeat_gap_ns = std::max(stats_.max_heartbeat_gap_ns, gap);
    gap_sum_ns_ += gap;
    ++gaps_;
    stats_.mean_heartbeat_gap_ns = gap_sum_ns_ / static_cast<int64_t>(gaps_);
  }
  last_hb_rx_ns_ = now_ns;
}

PeerTransition Liveness::service(Time now_ns) {
  if (!up_ || now_ns - last_heard_ns_ < cfg_.down_after_ns) return PeerTransition::none;
  up_ = false;
  ++stats_.downs;
  return PeerTransition::down;
}

PeerTransition Liveness::on_goodbye(Time now_ns) {
  last_heard_ns_ = std::max(last_heard_ns_, now_ns);
  if (!up_) return PeerTransition::none;
  up_ = false;
  ++stats_.downs;
  return PeerTransition::down;
}

Time Liveness::next_deadline() const {
  const Time down_at = up_ ? last_heard_ns_ + cfg_.down_after_ns : kTimeNever;
  return std::min(down_at, next_hb_ns_);
}

}  // namespace ion::link
