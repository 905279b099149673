// SPDX-License-Identifier: Apache-2.0
#include "link/batcher.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ion;
using namespace ion::link;
using namespace ion::literals;

namespace {
Event spike(uint32_t i, Time t) { return Spike{NeuronAddr{1, i}, t, SpikeKind::spike}; }

struct Pushed {
  bool started = false;     // the event opened a batch: arrange a flush
  std::vector<Event> sent;  // the batch a size flush sent before it (empty: none)
};

// One event of `sz` estimated bytes at `now`, the way Peer::push_lazy (src/link/peer.hpp) adds
// it: a pending batch it does not fit into leaves first (sent in place, then cleared).
Pushed push(Batcher& b, const Event& e, size_t sz, Time now) {
  Pushed r;
  if (!b.fits(sz)) {
    b.note_size_flush();
    r.sent.assign(b.pending().begin(), b.pending().end());
    b.clear_sent();
  }
  r.started = b.add_sized(e, sz, [now] { return now; });
  return r;
}

// The pending batch if it is due at `now` (sent in place, then cleared), the way Peer::flush does.
std::vector<Event> take_if_due(Batcher& b, Time now) {
  if (!b.due(now)) return {};
  std::vector<Event> out(b.pending().begin(), b.pending().end());
  b.clear_sent();
  return out;
}
}  // namespace

TEST(Batcher, SameIterationEventsShareOneBatch) {
  BatcherConfig c;
  c.payload_budget_bytes = 30;  // exactly the three events' estimates
  Batcher b(c);
  EXPECT_TRUE(push(b, spike(0, 0), 10, 5_us).started);
  auto r = push(b, spike(1, 0), 10, 5_us);
  EXPECT_FALSE(r.started);
  EXPECT_TRUE(r.sent.empty());
  EXPECT_TRUE(push(b, spike(2, 0), 10, 5_us).sent.empty());
  EXPECT_EQ(b.flush_due(), 5_us);  // linger 0: due immediately
  // The estimates add up to exactly 30: nothing more fits, an empty event still does.
  EXPECT_TRUE(b.fits(0));
  EXPECT_FALSE(b.fits(1));
  auto batch = take_if_due(b, 5_us);
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(std::get<Spike>(batch[2]).source.index, 2u);
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(b.fits(30));  // the estimate starts again from 0
  EXPECT_TRUE(take_if_due(b, 6_us).empty());
  EXPECT_FALSE(b.due(6_us));
  EXPECT_EQ(b.flush_due(), kTimeNever);
  EXPECT_TRUE(push(b, spike(3, 0), 10, 7_us).started);  // next event opens a new batch
}

TEST(Batcher, FlushesOnSize) {
  BatcherConfig c;
  c.payload_budget_bytes = 100;
  Batcher b(c);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_TRUE(push(b, spike(i, 0), 30, 0).sent.empty());
  auto r = push(b, spike(3, 0), 30, 0);  // 120 > 100
  ASSERT_EQ(r.sent.size(), 3u);
  EXPECT_EQ(std::get<Spike>(r.sent[2]).source.index, 2u);
  EXPECT_TRUE(r.started);
  EXPECT_EQ(b.pending_events(), 1u);
  EXPECT_EQ(b.size_flushes(), 1u);
}

TEST(Batcher, FlushesOnEventCount) {
  BatcherConfig c;
  c.max_events = 2;
  Batcher b(c);
  (void)push(b, spike(0, 0), 1, 0);
  (void)push(b, spike(1, 0), 1, 0);
  auto r = push(b, spike(2, 0), 1, 0);
  ASSERT_EQ(r.sent.size(), 2u);
  EXPECT_EQ(b.pending_events(), 1u);
}

TEST(Batcher, OversizedSingleEventStillLeaves) {
  BatcherConfig c;
  c.payload_budget_bytes = 10;
  Batcher b(c);
  auto r = push(b, spike(0, 0), 50, 0);
  EXPECT_TRUE(r.started);
  EXPECT_TRUE(r.sent.empty());
  EXPECT_EQ(take_if_due(b, 0).size(), 1u);
}

TEST(Batcher, LingerHoldsBatchUntilDue) {
  BatcherConfig c;
  c.linger_ns = 50_us;
  Batcher b(c);
  (void)push(b, spike(0, 0), 10, 100_us);
  (void)push(b, spike(1, 0), 10, 120_us);
  EXPECT_EQ(b.flush_due(), 150_us);  // the first event's ready time + linger
  EXPECT_FALSE(b.due(149_us));
  EXPECT_TRUE(take_if_due(b, 149_us).empty());
  EXPECT_EQ(b.pending_events(), 2u);  // not due: left pending
  auto batch = take_if_due(b, 150_us);
  EXPECT_EQ(batch.size(), 2u);
  EXPECT_EQ(b.batches_out(), 1u);
}

// add_sized reads the clock only for the event that opens a batch.
TEST(Batcher, ReadsTheClockOnlyWhenABatchOpens) {
  Batcher b({});
  int reads = 0;
  auto now = [&reads] {
    ++reads;
    return Time{40_us};
  };
  EXPECT_TRUE(b.add_sized(spike(0, 0), 10, now));
  EXPECT_FALSE(b.add_sized(spike(1, 0), 10, now));
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(b.flush_due(), 40_us);
}
