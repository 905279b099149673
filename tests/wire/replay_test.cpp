// SPDX-License-Identifier: Apache-2.0
#include "wire/replay.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/prng.hpp"

namespace ion::wire {
namespace {

using V = ReplayWindow::Verdict;
constexpr uint64_t kW = ReplayWindow::kWindow;

TEST(ReplayWindow, InOrderAcceptedOnce) {
  ReplayWindow w;
  for (uint64_t s = 0; s < 5000; ++s) {
    ASSERT_EQ(w.check(s), V::fresh);
    auto a = w.accept(s);
    EXPECT_FALSE(a.reordered);
    EXPECT_EQ(a.gap, 0u);
    EXPECT_EQ(a.lost, 0u);
    ASSERT_EQ(w.check(s), V::duplicate);
  }
  EXPECT_EQ(w.missing_in_window(), 0u);
  EXPECT_EQ(w.accepted_count(), 5000u);
}

TEST(ReplayWindow, ReorderInsideWindowAcceptedOnceThenDuplicate) {
  ReplayWindow w;
  w.accept(10);
  EXPECT_EQ(w.missing_in_window(), 10u);  // 0..9 not seen yet
  ASSERT_EQ(w.check(3), V::fresh);
  auto a = w.accept(3);
  EXPECT_TRUE(a.reordered);
  EXPECT_EQ(w.check(3), V::duplicate);
  EXPECT_EQ(w.check(10), V::duplicate);
  EXPECT_EQ(w.missing_in_window(), 9u);
}

TEST(ReplayWindow, EdgeOfWindow) {
  ReplayWindow w;
  w.accept(2000);
  // Window holds [2000 - W + 1, 2000]: the oldest acceptable is next - W.
  EXPECT_EQ(w.check(2001 - kW), V::fresh);
  EXPECT_EQ(w.check(2000 - kW), V::too_old);
  w.accept(2001 - kW);
  EXPECT_EQ(w.check(2001 - kW), V::duplicate);
  auto a = w.accept(2001);  // slides the accepted one out
  EXPECT_EQ(a.lost, 0u);
  EXPECT_EQ(w.check(2001 - kW), V::too_old);
}

TEST(ReplayWindow, FarFutureJumpCountsLossExactly) {
  ReplayWindow w;
  for (uint64_t s = 0; s < 100; ++s) w.accept(s);
  w.accept(150);  // 100..149 missing, still in window
  EXPECT_EQ(w.missing_in_window(), 50u);
  auto a = w.accept(1'000'000);
  EXPECT_EQ(a.gap, 1'000'000u - 151);
  // Everything below 1'000'001 - W left the window; of those, 0..99 and 150 were received.
  EXPECT_EQ(a.lost, (1'000'001 - kW) - 101);
  EXPECT_EQ(w.missing_in_window(), kW - 1);
  EXPECT_EQ(w.check(150), V::too_old);
  EXPECT_EQ(w.check(999'999), V::fresh);
  EXPECT_EQ(w.check(1'000'000), V::duplicate);
  EXPECT_EQ(w.check(UINT64_MAX), V::too_old);
}

TEST(ReplayWindow, StreamStartIsAFloor) {
  ReplayWindow w(500);
  EXPECT_EQ(w.check(499), V::too_old);
  EXPECT_EQ(w.check(500), V::fresh);
  w.accept(502);
  EXPECT_EQ(w.missing_in_window(), 2u);  // 500, 501 — nothing below the floor counts
  w.accept(500);
  auto a = w.accept(500 + 5 * kW);
  // [500, 500 + 5W + 1 - W) left the window: 4W + 1 numbers, of which 500 and 502 were received.
  EXPECT_EQ(a.lost, 4 * kW + 1 - 2);
}

// Random permutation + duplicates inside the window: every number accepted exactly once, and
// lost + accepted + missing accounts for every number below next().
TEST(ReplayWindow, RandomisedAccountingIsExact) {
  Rng rng(42);
  ReplayWindow w;
  std::set<uint64_t> accepted;
  uint64_t lost = 0;
  uint64_t hi = 0;
  for (int i = 0; i < 200000; ++i) {
    uint64_t s;
    if (rng.bernoulli(0.01)) {
      s = hi + rng.below(3 * kW);  // jump
    } else {
      s = hi + rng.below(8);
      s = s > 600 ? s - rng.below(600) : s;  // reorder
    }
    const V v = w.check(s);
    const bool seen = accepted.count(s) > 0;
    if (v == V::fresh) {
      ASSERT_FALSE(seen) << "seq " << s;
      lost += w.accept(s).lost;
      accepted.insert(s);
      hi = std::max(hi, s);
    } else if (v == V::duplicate) {
      ASSERT_TRUE(seen) << "seq " << s;
    } else {
      ASSERT_LT(s + kW, w.next() + 1u) << "seq " << s;
    }
  }
  EXPECT_EQ(lost + accepted.size() + w.missing_in_window(), w.next());
}

}  // namespace
}  // namespace ion::wire
