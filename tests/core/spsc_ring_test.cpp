// SPDX-License-Identifier: Apache-2.0
// SpscRing (core/spsc_ring.hpp): order, full and empty, wrap-around, and a two-thread stream in
// which every value arrives once and in order (run under ThreadSanitizer by hand, see report).
#include "core/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <thread>

using ion::SpscRing;

TEST(SpscRing, CapacityIsRoundedUpToAPowerOfTwo) {
  EXPECT_EQ(SpscRing<int>(1).capacity(), 1u);
  EXPECT_EQ(SpscRing<int>(5).capacity(), 8u);
  EXPECT_EQ(SpscRing<int>(8).capacity(), 8u);
  EXPECT_EQ(SpscRing<int>(0).capacity(), 1u);
}

TEST(SpscRing, RefusesWhenFullAndWhenEmptyAndKeepsOrderAcrossWraps) {
  SpscRing<int> r(4);
  int out = -1;
  EXPECT_FALSE(r.try_pop(out));
  EXPECT_EQ(out, -1);
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 10; ++round) {  // 10 × 4 values: the indices wrap the slots 10 times
    for (int k = 0; k < 4; ++k) EXPECT_TRUE(r.try_push(next_in++));
    EXPECT_FALSE(r.try_push(999));  // full: refused, nothing overwritten
    EXPECT_EQ(r.size_approx(), 4u);
    for (int k = 0; k < 4; ++k) {
      ASSERT_TRUE(r.try_pop(out));
      EXPECT_EQ(out, next_out++);
    }
    EXPECT_FALSE(r.try_pop(out));
    EXPECT_TRUE(r.empty_for_consumer());
  }
}

TEST(SpscRing, MovesValuesInAndOut) {
  SpscRing<std::vector<int>> r(2);
  std::vector<int> v{1, 2, 3};
  EXPECT_TRUE(r.try_push(std::move(v)));
  std::vector<int> out;
  ASSERT_TRUE(r.try_pop(out));
  EXPECT_EQ(out, (std::vector<int>{1, 2, 3}));
}

TEST(SpscRing, TwoThreadsSeeEveryValueOnceInOrder) {
  constexpr uint64_t kCount = 200'000;
  SpscRing<uint64_t> r(64);
  uint64_t refused = 0;
  std::thread producer([&] {
    for (uint64_t i = 1; i <= kCount; ++i)
      while (!r.try_push(i)) ++refused;
  });
  uint64_t expect = 1, bad = 0, v = 0;
  while (expect <= kCount) {
    if (!r.try_pop(v)) continue;
    if (v != expect) ++bad;
    ++expect;
  }
  producer.join();
  EXPECT_EQ(bad, 0u);
  EXPECT_FALSE(r.try_pop(v));
  (void)refused;  // how often the producer found the ring full depends on scheduling
}
