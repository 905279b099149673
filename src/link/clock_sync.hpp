// SPDX-License-Identifier: Apache-2.0
#pragma once
// Node side of clock synchronisation against the time master (the hub): schedules waves of
// probes, keeps each wave's minimum-RTT exchange, feeds it to a ClockEstimator.
// Pure state machine: no I/O; the caller sends the probes and passes the replies in.
//
// A wave: probes_per_wave probes, probe_spacing_ns apart; it closes reply_timeout_ns after its
// last probe (later replies are ignored); the next wave starts wave_interval_ns after the start
// of this one. Replies are matched by (wave, probe, t1), so stale or foreign replies are ignored.
// Each closed wave gives the estimator one point (see per_direction_minima).
#include <cstdint>
#include <optional>
#include <vector>

#include "core/time.hpp"
#include "link/clock_estimator.hpp"

namespace ion::link {

struct ClockSyncConfig {
  // 32 probes 2 ms apart every 500 ms (64 small datagrams/s each way): see docs/protocol.md
  // "Link behaviour" for the measured accuracy against wave size.
  uint32_t probes_per_wave = 32;
  Duration probe_spacing_ns = 2 * kMillisecond;
  Duration wave_interval_ns = 500 * kMillisecond;
  Duration reply_timeout_ns = 200 * kMillisecond;
  // Per wave, combine the smallest forward leg (t2 − t1) and the smallest backward leg (t4 − t3),
  // possibly from different probes: each leg's queueing excess is minimised separately. false:
  // use the single minimum-RTT exchange.
  bool per_direction_minima = true;
  ClockEstimatorConfig estimator;
};

struct ProbeToSend {
  uint32_t wave = 0;
  uint32_t probe = 0;
  Time t1_ns = 0;
};

struct ClockSyncCounters {
  uint64_t probes_sent = 0;
  uint64_t replies = 0;          // matched replies
  uint64_t replies_ignored = 0;  // unmatched: late, duplicated, or not ours
  uint64_t waves = 0;            // waves closed
  uint64_t waves_empty = 0;      // waves closed without any reply
  uint64_t samples_used = 0;     // wave minima accepted by the estimator
};

class ClockSync {
 public:
  explicit ClockSync(ClockSyncConfig cfg = {});

  // Starts probing: the first wave begins at now_ns. Restarting (e.g. master's new epoch) keeps
  // the estimate but abandons the open wave.
  void start(Time now_ns);
  bool started() const { return started_; }
  // Local time of the next probe (kTimeNever before start()).
  Time next_probe_at() const;
  // Call when now_ns >= next_probe_at(): returns the probe to send now (t1 = now_ns).
  ProbeToSend take_probe(Time now_ns);
  // A reply from the master, received at local time t4_ns. False if it matched no open probe.
  bool on_reply(uint32_t wave, uint32_t probe, Time t1_ns, Time t2_ns, Time t3_ns, Time t4_ns);
  // Closes the open wave once its reply timeout has passed.
  void service(Time now_ns);
  // Earliest time at which take_probe() or service() has work.
  Time next_deadline() const;

  const ClockEstimator& estimator() const { return est_; }
  Time to_master(Time local_ns) const { return est_.to_master(local_ns); }
  const ClockSyncCounters& counters() const { return counters_; }

 private:
  void close_wave();
  bool add_wave();

  ClockSyncConfig cfg_;
  ClockEstimator est_;
  ClockSyncCounters counters_;
  bool started_ = false;
  bool wave_open_ = false;
  uint32_t wave_ = 0;
  uint32_t sent_in_wave_ = 0;
  Time wave_start_ns_ = 0;
  Time close_at_ns_ = kTimeNever;
  std::vector<ProbeToSend> pending_;
  std::optional<ClockSample> best_;       // minimum-RTT exchange of the open wave
  std::optional<ClockSample> best_fwd_;   // minimum t2 − t1
  std::optional<ClockSample> best_back_;  // minimum t4 − t3
};

}  // namespace ion::link
