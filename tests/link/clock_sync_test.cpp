// SPDX-License-Identifier: Apache-2.0
#include "link/clock_sync.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "synth_clock.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::link::test;
using namespace ion::literals;

namespace {
ClockSyncConfig eight_probes(bool per_direction) {
  ClockSyncConfig c;
  c.probes_per_wave = 8;
  c.probe_spacing_ns = 5_ms;
  c.per_direction_minima = per_direction;
  return c;
}
}  // namespace

TEST(ClockSync, WaveScheduleAndClose) {
  ClockSync cs(eight_probes(false));
  EXPECT_EQ(cs.next_probe_at(), kTimeNever);
  cs.start(1_s);
  for (uint32_t i = 0; i < 8; ++i) {
    EXPECT_EQ(cs.next_probe_at(), 1_s + i * 5_ms);
    ProbeToSend p = cs.take_probe(cs.next_probe_at());
    EXPECT_EQ(p.probe, i);
    EXPECT_EQ(p.wave, 1u);
  }
  EXPECT_EQ(cs.next_probe_at(), 1500_ms);
  EXPECT_EQ(cs.next_deadline(), 1_s + 35_ms + 200_ms);  // reply timeout after the last probe
  // Replies: probe 3 has the smallest RTT (4 ms) and must be the one kept.
  EXPECT_TRUE(cs.on_reply(1, 0, 1_s, 1_s + 5_ms, 1_s + 5_ms, 1_s + 10_ms));
  EXPECT_TRUE(cs.on_reply(1, 3, 1_s + 15_ms, 1_s + 17_ms, 1_s + 17_ms, 1_s + 19_ms));
  EXPECT_FALSE(cs.on_reply(1, 3, 1_s + 15_ms, 1_s + 17_ms, 1_s + 17_ms, 1_s + 19_ms));  // duplicate
  EXPECT_FALSE(cs.on_reply(1, 4, 999, 0, 0, 1_s + 30_ms));  // t1 does not match what we sent
  cs.service(1_s + 235_ms);
  EXPECT_EQ(cs.counters().waves, 1u);
  EXPECT_EQ(cs.counters().samples_used, 1u);
  EXPECT_EQ(cs.estimator().estimate().best_rtt_ns, 4_ms);
  EXPECT_FALSE(cs.on_reply(1, 5, 1_s + 25_ms, 0, 0, 1_s + 240_ms));  // wave closed: ignored
  EXPECT_EQ(cs.counters().replies, 2u);
  EXPECT_EQ(cs.counters().replies_ignored, 3u);
}

TEST(ClockSync, PerDirectionMinimaCombineTwoProbes) {
  ClockSync cs(eight_probes(true));
  cs.start(0);
  for (int i = 0; i < 8; ++i) (void)cs.take_probe(cs.next_probe_at());
  // Master = local + 1 ms. Probe 0: fast out (2 ms), slow back (6 ms); probe 1: slow out, fast back.
  EXPECT_TRUE(cs.on_reply(1, 0, 0, 3_ms, 3_ms, 8_ms));
  EXPECT_TRUE(cs.on_reply(1, 1, 5_ms, 12_ms, 12_ms, 13_ms));
  cs.service(1_s);
  const ClockEstimate& e = cs.estimator().estimate();
  ASSERT_TRUE(e.valid);
  // u_min = 3 ms (probe 0), v_min = 1 ms (probe 1): θ = 1 ms, RTT bound 4 ms.
  EXPECT_NEAR(e.offset_ns, 1e6, 1);
  EXPECT_EQ(e.best_rtt_ns, 4_ms);
}

TEST(ClockSync, EmptyWaveIsCounted) {
  ClockSync cs;
  cs.start(0);
  while (cs.next_probe_at() < 500_ms) (void)cs.take_probe(cs.next_probe_at());
  cs.service(1_s);
  EXPECT_EQ(cs.counters().waves_empty, 1u);
  EXPECT_FALSE(cs.estimator().estimate().valid);
}

// Closed loop over a synthetic symmetric path: ±50 ms offset, 100 ppm drift, 2 ms jitter.
TEST(ClockSync, ClosedLoopMeetsTargetAfterTenSeconds) {
  for (double sign : {1.0, -1.0}) {
    SynthClock c{.offset_ns = sign * 50e6, .drift = sign * 100e-6};
    ClockSync cs;  // defaults: 32 probes per wave, per-direction minima
    Rng rng(sign > 0 ? 21 : 22);
    struct Reply {
      Time t4;
      ProbeToSend p;
      Time t2;
      Time t3;
    };
    std::vector<Reply> inflight;
    cs.start(c.local(0));
    Time local = c.local(0);
    const Time end = c.local(10_s);
    while (local < end) {
      Time next = cs.next_deadline();
      for (const Reply& r : inflight) next = std::min(next, r.t4);
      local = next;
      auto it = std::find_if(inflight.begin(), inflight.end(), [&](const Reply& r) { return r.t4 == local; });
      if (it != inflight.end()) {
        (void)cs.on_reply(it->p.wave, it->p.probe, it->p.t1_ns, it->t2, it->t3, it->t4);
        inflight.erase(it);
        continue;
      }
      cs.service(local);
      if (cs.next_probe_at() <= local) {
        ProbeToSend p = cs.take_probe(local);
        ClockSample s = exchange(c, c.true_at(local), 10_ms, 2_ms, rng);
        inflight.push_back({s.t4_ns - s.t1_ns + local, p, s.t2_ns, s.t3_ns});
      }
    }
    SCOPED_TRACE(sign);
    EXPECT_GE(cs.counters().samples_used, 18u);
    const double err = static_cast<double>(cs.to_master(end) - c.true_at(end));
    EXPECT_LT(std::fabs(err), 200e3);
  }
}
