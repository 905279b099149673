// SPDX-License-Identifier: Apache-2.0
#pragma once
// Heartbeats and peer liveness for one peer (pure state machine, time passed in).
//
// We send a heartbeat every heartbeat_interval_ns (default 200 ms). Any authenticated datagram
// from the peer counts as "heard". A peer not heard for down_after_ns (default 800 ms, i.e. three
// missed heartbeats plus margin) is declared down; the declaration happens exactly at
// last_heard + down_after_ns if service() is called at next_deadline(), so a peer that falls
// silent is down within 1 s. A peer heard again is recovered; a peer heard with a different
// session epoch has restarted (the caller resets stream state and re-handshakes).
#include <cstdint>

#include "core/time.hpp"

namespace ion::link {

struct LivenessConfig {
  Duration heartbeat_interval_ns = 200 * kMillisecond;
  Duration down_after_ns = 800 * kMillisecond;
};

enum class PeerTransition : uint8_t {
  none,
  up,         // first contact
  down,       // silent for down_after_ns
  recovered,  // heard again after down, same epoch
  restarted,  // heard with a new epoch (up or down before)
};
const char* transition_name(PeerTransition t);

struct LivenessStats {
  uint64_t heartbeats_sent = 0;
  uint64_t heartbeats_received = 0;
  uint64_t downs = 0;
  uint64_t recoveries = 0;            // recovered + restarted after a down
  uint64_t restarts = 0;              // epoch changes seen
  Duration max_heartbeat_gap_ns = 0;  // longest interval between received heartbeats
  Duration last_heartbeat_gap_ns = 0;
  Duration mean_heartbeat_gap_ns = 0;
};

class Liveness {
 public:
  explicit Liveness(LivenessConfig cfg = {});

  // First heartbeat is due at now_ns.
  void start(Time now_ns);
  Time next_heartbeat_at() const { return next_hb_ns_; }
  // We sent a heartbeat at now_ns; the next one is due one interval later.
  void on_heartbeat_sent(Time now_ns);
  // An authenticated datagram from the peer (epoch = its session epoch) arrived at now_ns.
  PeerTransition on_heard(Time now_ns, uint64_t peer_epoch, bool is_heartbeat);
  // The peer said goodbye: down now (recovers like any down peer when heard again).
  PeerTransition on_goodbye(Time now_ns);
  // Declares the peer down when it has been silent too long.
  PeerTransition service(Time now_ns);
  // Earliest of the next heartbeat and the down deadline.
  Time next_deadline() const;

  bool up() const { return up_; }
  bool ever_heard() const { return heard_; }
  uint64_t peer_epoch() const { return epoch_; }
  Time last_heard_ns() const { return last_heard_ns_; }
  const LivenessStats& stats() const { return stats_; }

 private:
  void note_heartbeat(Time now_ns);

  LivenessConfig cfg_;
  LivenessStats stats_;
  bool up_ = false;
  bool heard_ = false;
  uint64_t epoch_ = 0;
  Time last_heard_ns_ = 0;
  Time last_hb_rx_ns_ = kTimeNever;
  Time next_hb_ns_ = kTimeNever;
  int64_t gap_sum_ns_ = 0;
  uint64_t gaps_ = 0;
};

}  // namespace ion::link
