// SPDX-License-Identifier: Apache-2.0
#include "link/sequence_tracker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "core/prng.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::literals;
using V = SequenceTracker::Verdict;

namespace {
SequenceTrackerConfig horizon(Duration h) {
  SequenceTrackerConfig c;
  c.reorder_horizon_ns = h;
  return c;
}
}  // namespace

TEST(SequenceTracker, InOrderCountsOnlyReceived) {
  SequenceTracker t;
  for (uint64_t s = 0; s < 10; ++s) EXPECT_EQ(t.on_packet(s, static_cast<Time>(s) * 1_ms), V::fresh);
  t.service(1_s);
  EXPECT_EQ(t.counters().received, 10u);
  EXPECT_EQ(t.counters().lost + t.counters().reordered + t.counters().duplicated + t.counters().late, 0u);
  EXPECT_EQ(t.next_expected_high(), 10u);
  EXPECT_EQ(t.next_deadline(), kTimeNever);
}

TEST(SequenceTracker, GapFilledWithinHorizonIsReorderedNotLost) {
  SequenceTracker t(horizon(50_ms));
  EXPECT_EQ(t.on_packet(0, 0), V::fresh);
  EXPECT_EQ(t.on_packet(2, 1_ms), V::fresh);
  EXPECT_EQ(t.pending_gaps(), 1u);
  EXPECT_EQ(t.next_deadline(), 51_ms);
  t.service(40_ms);
  EXPECT_EQ(t.on_packet(1, 45_ms), V::reordered);
  t.service(1_s);
  EXPECT_EQ(t.counters().received, 3u);
  EXPECT_EQ(t.counters().reordered, 1u);
  EXPECT_EQ(t.counters().lost, 0u);
  EXPECT_EQ(t.pending_gaps(), 0u);
}

TEST(SequenceTracker, GapBecomesLostExactlyAtHorizon) {
  SequenceTracker t(horizon(50_ms));
  (void)t.on_packet(0, 0);
  (void)t.on_packet(4, 10_ms);  // 1, 2, 3 missing, detected at 10 ms
  t.service(60_ms - 1);
  EXPECT_EQ(t.counters().lost, 0u);
  EXPECT_EQ(t.pending_gaps(), 3u);
  t.service(60_ms);
  EXPECT_EQ(t.counters().lost, 3u);
  EXPECT_EQ(t.pending_gaps(), 0u);
  // A copy arriving after it was declared lost is stale, and lost stays final.
  EXPECT_EQ(t.on_packet(2, 70_ms), V::stale);
  EXPECT_EQ(t.counters().lost, 3u);
  EXPECT_EQ(t.counters().stale, 1u);
  EXPECT_EQ(t.counters().received, 2u);
}

TEST(SequenceTracker, DuplicatesInWindowAndInHistory) {
  SequenceTracker t(horizon(50_ms));
  (void)t.on_packet(0, 0);
  (void)t.on_packet(2, 1_ms);
  EXPECT_EQ(t.on_packet(2, 2_ms), V::duplicate);  // inside the pending window
  EXPECT_EQ(t.on_packet(0, 3_ms), V::duplicate);  // already settled, remembered in history
  t.service(1_s);
  EXPECT_EQ(t.on_packet(2, 1_s), V::duplicate);  // settled after the gap was declared lost
  EXPECT_EQ(t.counters().duplicated, 3u);
  EXPECT_EQ(t.counters().received, 2u);
  EXPECT_EQ(t.counters().lost, 1u);
}

TEST(SequenceTracker, OlderThanHistoryIsStale) {
  SequenceTrackerConfig c;
  c.history = 8;
  SequenceTracker t(c);
  for (uint64_t s = 0; s < 100; ++s) (void)t.on_packet(s, 0);
  EXPECT_EQ(t.on_packet(95, 0), V::duplicate);
  EXPECT_EQ(t.on_packet(10, 0), V::stale);
}

TEST(SequenceTracker, LateIsArrivalPastDeadlineAndStillDelivered) {
  SequenceTracker t;
  EXPECT_EQ(t.on_packet(0, 10_ms, 20_ms), V::fresh);
  EXPECT_EQ(t.on_packet(1, 25_ms, 20_ms), V::fresh);
  EXPECT_EQ(t.on_packet(1, 26_ms, 20_ms), V::duplicate);  // duplicates are not judged late
  EXPECT_EQ(t.counters().late, 1u);
  EXPECT_EQ(t.counters().received, 2u);
}

TEST(SequenceTracker, ResetCountsPendingGapsLostAndRestartsSequence) {
  SequenceTracker t(horizon(50_ms));
  (void)t.on_packet(0, 0);
  (void)t.on_packet(5, 1_ms);  // 4 pending
  t.reset();
  EXPECT_EQ(t.counters().lost, 4u);
  EXPECT_EQ(t.on_packet(0, 2_ms), V::fresh);  // new epoch: 0 is new, not a duplicate
  EXPECT_EQ(t.counters().received, 3u);
  EXPECT_EQ(t.pending_gaps(), 0u);
}

TEST(SequenceTracker, WindowIsBoundedByMaxWindow) {
  SequenceTrackerConfig c;
  c.max_window = 16;
  SequenceTracker t(c);
  (void)t.on_packet(0, 0);
  (void)t.on_packet(1000, 0);  // a huge jump settles the oldest slots early
  EXPECT_LE(t.pending_gaps(), 16u);
  t.service(1_s);
  EXPECT_EQ(t.counters().lost, 999u);
}

// Randomised: loss, duplication and bounded reordering; counters against an independent truth.
TEST(SequenceTracker, MatchesTruthUnderRandomImpairments) {
  for (uint64_t seed : {1u, 2u, 3u, 4u}) {
    Rng rng(seed);
    struct Arrival {
      Time t;
      uint64_t seq;
    };
    std::vector<Arrival> arrivals;
    uint64_t dropped = 0, dup_copies = 0;
    const uint64_t n = 5000;
    for (uint64_t s = 0; s < n; ++s) {
      const Time sent = static_cast<Time>(s) * 100_us;
      if (s + 1 < n && rng.bernoulli(0.05)) {
        ++dropped;
        continue;
      }
      const int copies = rng.bernoulli(0.03) ? 2 : 1;
      dup_copies += static_cast<uint64_t>(copies - 1);
      for (int c = 0; c < copies; ++c) {
        arrivals.push_back({sent + 10_ms + static_cast<Time>(rng.uniform(-3e6, 3e6)), s});
      }
    }
    std::stable_sort(arrivals.begin(), arrivals.end(), [](auto& a, auto& b) { return a.t < b.t; });
    // Truth for "reordered": first copy arrives after a higher sequence number's first copy.
    std::set<uint64_t> seen;
    uint64_t reordered = 0, max_seen = 0;
    bool any = false;
    SequenceTracker t(horizon(50_ms));
    for (const Arrival& a : arrivals) {
      t.service(a.t);
      if (!seen.count(a.seq)) {
        if (any && a.seq < max_seen) ++reordered;
        seen.insert(a.seq);
        max_seen = std::max(max_seen, a.seq);
        any = true;
      }
      (void)t.on_packet(a.seq, a.t);
    }
    t.service(arrivals.back().t + 50_ms);
    SCOPED_TRACE(seed);
    EXPECT_GT(dropped, 0u);
    EXPECT_GT(reordered, 0u);
    EXPECT_EQ(t.counters().lost, dropped);
    EXPECT_EQ(t.counters().received, n - dropped);
    EXPECT_EQ(t.counters().duplicated, dup_copies);
    EXPECT_EQ(t.counters().reordered, reordered);
    EXPECT_EQ(t.counters().stale, 0u);
  }
}

TEST(SequenceTracker, ResetToAnchorTreatsEarlierNumbersAsStale) {
  SequenceTracker t;
  t.reset(500);
  EXPECT_EQ(t.on_packet(499, 0), V::stale);
  EXPECT_EQ(t.on_packet(500, 0), V::fresh);
  EXPECT_EQ(t.on_packet(502, 0), V::fresh);
  t.service(1_s);
  EXPECT_EQ(t.counters().lost, 1u);
  EXPECT_EQ(t.counters().received, 2u);
}
