// SPDX-License-Identifier: Apache-2.0
#include "link/liveness.hpp"

#include <gtest/gtest.h>

using namespace ion;
using namespace ion::link;
using namespace ion::literals;
using PT = PeerTransition;

TEST(Liveness, HeartbeatsOnAGrid) {
  Liveness l;
  EXPECT_EQ(l.next_heartbeat_at(), kTimeNever);
  l.start(1_s);
  EXPECT_EQ(l.next_heartbeat_at(), 1_s);
  l.on_heartbeat_sent(1_s + 3_ms);  // a little late: stays on the grid
  EXPECT_EQ(l.next_heartbeat_at(), 1_s + 200_ms);
  l.on_heartbeat_sent(2_s);  // far behind: one interval from now
  EXPECT_EQ(l.next_heartbeat_at(), 2_s + 200_ms);
  EXPECT_EQ(l.stats().heartbeats_sent, 2u);
}

TEST(Liveness, SilentPeerDownWithinOneSecondAndRecovers) {
  Liveness l;
  l.start(0);
  EXPECT_EQ(l.on_heard(100_ms, 7, true), PT::up);
  EXPECT_TRUE(l.up());
  EXPECT_EQ(l.on_heard(300_ms, 7, true), PT::none);
  EXPECT_EQ(l.service(1100_ms - 1), PT::none);
  EXPECT_LE(l.next_deadline(), 1100_ms);
  EXPECT_EQ(l.service(1100_ms), PT::down);  // 800 ms after last heard
  EXPECT_FALSE(l.up());
  EXPECT_EQ(l.service(2_s), PT::none);  // declared once
  EXPECT_EQ(l.on_heard(3_s, 7, true), PT::recovered);
  EXPECT_TRUE(l.up());
  EXPECT_EQ(l.stats().downs, 1u);
  EXPECT_EQ(l.stats().recoveries, 1u);
}

TEST(Liveness, NewEpochIsRestart) {
  Liveness l;
  l.start(0);
  (void)l.on_heard(0, 7, false);
  EXPECT_EQ(l.service(800_ms), PT::down);
  EXPECT_EQ(l.on_heard(900_ms, 8, false), PT::restarted);
  EXPECT_EQ(l.peer_epoch(), 8u);
  EXPECT_EQ(l.on_heard(950_ms, 9, false), PT::restarted);  // also while up
  EXPECT_EQ(l.stats().restarts, 2u);
}

TEST(Liveness, HeartbeatGapStatistics) {
  Liveness l;
  l.start(0);
  (void)l.on_heard(0, 1, true);
  (void)l.on_heard(200_ms, 1, true);
  (void)l.on_heard(250_ms, 1, false);  // data does not count as a heartbeat
  (void)l.on_heard(600_ms, 1, true);
  EXPECT_EQ(l.stats().heartbeats_received, 3u);
  EXPECT_EQ(l.stats().max_heartbeat_gap_ns, 400_ms);
  EXPECT_EQ(l.stats().last_heartbeat_gap_ns, 400_ms);
  EXPECT_EQ(l.stats().mean_heartbeat_gap_ns, 300_ms);
}

TEST(Liveness, TransitionNames) {
  EXPECT_STREQ(transition_name(PT::restarted), "restarted");
  EXPECT_STREQ(transition_name(PT::down), "down");
}

TEST(Liveness, GoodbyeIsImmediateDown) {
  Liveness l;
  l.start(0);
  (void)l.on_heard(10_ms, 3, false);
  EXPECT_EQ(l.on_goodbye(20_ms), PT::down);
  EXPECT_EQ(l.on_goodbye(30_ms), PT::none);
  EXPECT_EQ(l.on_heard(40_ms, 3, false), PT::recovered);
}
