// SPDX-License-Identifier: Apache-2.0
#include "link/batcher.hpp"

#include <gtest/gtest.h>

using namespace ion;
using namespace ion::link;
using namespace ion::literals;

namespace {
Event spike(uint32_t i, Time t) { return Spike{NeuronAddr{1, i}, t, SpikeKind::spike}; }
RecordSizeFn fixed(size_t n) {
  return [n](const Event&) { return n; };
}
}  // namespace

TEST(Batcher, SameIterationEventsShareOneBatch) {
  Batcher b({}, fixed(10));
  EXPECT_TRUE(b.push(spike(0, 0), 5_us).started);
  auto r = b.push(spike(1, 0), 5_us);
  EXPECT_FALSE(r.started);
  EXPECT_FALSE(r.full.has_value());
  (void)b.push(spike(2, 0), 5_us);
  EXPECT_EQ(b.flush_due(), 5_us);  // linger 0: due immediately
  auto batch = b.take_if_due(5_us);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->events.size(), 3u);
  EXPECT_EQ(std::get<Spike>(batch->events[2]).source.index, 2u);
  EXPECT_EQ(batch->est_bytes, 30u);
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(b.take_if_due(6_us).has_value());
  EXPECT_EQ(b.flush_due(), kTimeNever);
  EXPECT_TRUE(b.push(spike(3, 0), 7_us).started);  // next event opens a new batch
}

TEST(Batcher, FlushesOnSize) {
  BatcherConfig c;
  c.payload_budget_bytes = 100;
  Batcher b(c, fixed(30));
  for (uint32_t i = 0; i < 3; ++i) EXPECT_FALSE(b.push(spike(i, 0), 0).full.has_value());
  auto r = b.push(spike(3, 0), 0);  // 120 > 100
  ASSERT_TRUE(r.full.has_value());
  EXPECT_EQ(r.full->events.size(), 3u);
  EXPECT_TRUE(r.started);
  EXPECT_EQ(b.pending_events(), 1u);
  EXPECT_EQ(b.size_flushes(), 1u);
}

TEST(Batcher, FlushesOnEventCount) {
  BatcherConfig c;
  c.max_events = 2;
  Batcher b(c, fixed(1));
  (void)b.push(spike(0, 0), 0);
  (void)b.push(spike(1, 0), 0);
  auto r = b.push(spike(2, 0), 0);
  ASSERT_TRUE(r.full.has_value());
  EXPECT_EQ(r.full->events.size(), 2u);
}

TEST(Batcher, OversizedSingleEventStillLeaves) {
  BatcherConfig c;
  c.payload_budget_bytes = 10;
  Batcher b(c, fixed(50));
  auto r = b.push(spike(0, 0), 0);
  EXPECT_TRUE(r.started);
  EXPECT_FALSE(r.full.has_value());
  EXPECT_TRUE(b.take_if_due(0).has_value());
}

TEST(Batcher, LingerHoldsBatchUntilDue) {
  BatcherConfig c;
  c.linger_ns = 50_us;
  Batcher b(c, fixed(10));
  (void)b.push(spike(0, 0), 100_us);
  (void)b.push(spike(1, 0), 120_us);
  EXPECT_EQ(b.flush_due(), 150_us);
  EXPECT_FALSE(b.take_if_due(149_us).has_value());
  auto batch = b.take_if_due(150_us);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->events.size(), 2u);
  EXPECT_EQ(batch->first_ready_ns, 100_us);
  EXPECT_EQ(b.batches_out(), 1u);
}
