// SPDX-License-Identifier: Apache-2.0
// The hub's per-event fast paths against the straightforward structures they replaced
// (docs/benchmarks.md, "Per plastic event"): the orderer's FIFO run against one binary heap, the
// flat neuron index against std::unordered_map, SRDP's tail count against a whole-window scan.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <vector>

#include "core/prng.hpp"
#include "site/hub/event_orderer.hpp"
#include "site/hub/neuron_routes.hpp"
#include "site/hub/plasticity.hpp"

using namespace ion;
using namespace ion::hub;

namespace {

// The orderer as one heap: every queued spike, released smallest (time, arrival) first.
struct HeapOrderer {
  explicit HeapOrderer(Duration h) : horizon(h) {}
  Duration horizon;
  std::vector<std::pair<Spike, uint64_t>> q;
  Time frontier = INT64_MIN;
  uint64_t arrivals = 0, late = 0;
  bool push(const Spike& s) {
    if (s.t < frontier) return ++late, false;
    q.emplace_back(s, arrivals++);
    return true;
  }
  void release(Time now, std::vector<std::pair<uint32_t, Time>>& out) {
    auto less = [](const auto& a, const auto& b) {
      return a.first.t != b.first.t ? a.first.t < b.first.t : a.second < b.second;
    };
    for (;;) {
      auto it = std::min_element(q.begin(), q.end(), less);
      if (it == q.end() || it->first.t > now - horizon) return;
      frontier = it->first.t;
      out.emplace_back(it->first.source.index, it->first.t);
      q.erase(it);
    }
  }
};

// Spikes mostly in time order with ties, some out of order (a second site behind the first),
// released at irregular times: exercises run-only, heap-only, merged and late paths.
void compare_orderers(uint64_t seed, Duration horizon, int n) {
  Rng rng(seed);
  EventOrderer fast(horizon);
  HeapOrderer ref(horizon);
  std::vector<std::pair<uint32_t, Time>> got, want;
  Time t = 1000;
  for (int i = 0; i < n; ++i) {
    t += static_cast<Time>(rng.below(3));  // ties are common
    const Time st = rng.below(5) == 0 ? t - static_cast<Time>(rng.below(40)) : t;
    const Spike s{NeuronAddr{1, static_cast<uint32_t>(i)}, st, SpikeKind::spike};
    ASSERT_EQ(fast.push(s, static_cast<uint32_t>(i) ^ 0x5A5Au), ref.push(s)) << "spike " << i;
    if (rng.below(7) == 0) {
      const Time now = t - static_cast<Time>(rng.below(30));
      fast.release(now, [&](const Spike& x, uint32_t tag) {  // each spike comes back with its tag
        ASSERT_EQ(tag, x.source.index ^ 0x5A5Au);
        got.emplace_back(x.source.index, x.t);
      });
      ref.release(now, want);
      ASSERT_EQ(got, want) << "release at spike " << i;
      ASSERT_EQ(fast.pending(), ref.q.size());
    }
  }
  fast.drain([&](const Spike& x) { got.emplace_back(x.source.index, x.t); });
  ref.release(INT64_MAX / 2, want);
  EXPECT_EQ(got, want);
  EXPECT_EQ(fast.late(), ref.late);
  EXPECT_GT(ref.late, 0u);  // the late path was taken
}

}  // namespace

TEST(HubFastPath, OrdererReleasesExactlyAsOneHeap) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    compare_orderers(seed, 0, 3000);
    compare_orderers(seed + 100, 25, 3000);
  }
}

// A steady stream that never empties the run (horizon > 0) keeps memory bounded and the order.
TEST(HubFastPath, OrdererRunThatNeverEmptiesStaysInOrder) {
  EventOrderer o(100);
  Time last = INT64_MIN;
  uint64_t released = 0;
  for (Time t = 0; t < 200'000; ++t) {
    ASSERT_TRUE(o.push(Spike{NeuronAddr{1, 0}, t, SpikeKind::spike}));
    o.release(t, [&](const Spike& s) {
      ASSERT_GE(s.t, last);
      last = s.t;
      ++released;
    });
    ASSERT_LE(o.pending(), 101u);
    ASSERT_LE(o.stored(), 2 * EventOrderer::kCompactAt + 101u);  // released items are compacted away
  }
  EXPECT_EQ(released, 200'000u - 100u);
}

// One release that takes a whole large run (the hub's usual pass) leaves nothing stored, and the
// order across the compaction threshold is the arrival order.
TEST(HubFastPath, OrdererLargeReleaseEmptiesTheRun) {
  EventOrderer o(0);
  const uint32_t n = 5 * EventOrderer::kCompactAt + 7;
  for (uint32_t i = 0; i < n; ++i) ASSERT_TRUE(o.push(Spike{NeuronAddr{1, i}, Time{i / 3}, SpikeKind::spike}, i));
  uint32_t next = 0;
  o.release(Time{n}, [&](const Spike& s, uint32_t tag) {
    ASSERT_EQ(tag, next);
    ASSERT_EQ(s.source.index, next);
    ++next;
  });
  EXPECT_EQ(next, n);
  EXPECT_EQ(o.pending(), 0u);
  EXPECT_EQ(o.stored(), 0u);
}

TEST(HubFastPath, NeuronRoutesEqualsUnorderedMaps) {
  Rng rng(7);
  std::vector<uint64_t> pre, post;
  std::unordered_map<uint64_t, std::vector<uint32_t>> by_pre, by_post;
  for (uint32_t i = 0; i < 5000; ++i) {  // few sites, clustered and repeated indices
    const uint64_t a = (rng.below(4) << 32) | rng.below(3000), b = (rng.below(4) << 32) | rng.below(3000);
    pre.push_back(a);
    post.push_back(b);
    by_pre[a].push_back(i);
    by_post[b].push_back(i);
  }
  NeuronRoutes routes(pre, post);
  auto as_vec = [](std::span<const uint32_t> s) { return std::vector<uint32_t>(s.begin(), s.end()); };
  for (uint64_t site = 0; site < 6; ++site)
    for (uint64_t idx = 0; idx < 3100; ++idx) {
      const uint64_t key = (site << 32) | idx;
      const NeuronRoutes::Entry* e = routes.find(key);
      const auto p = by_pre.find(key), q = by_post.find(key);
      ASSERT_EQ(e != nullptr, p != by_pre.end() || q != by_post.end()) << key;
      if (e == nullptr) continue;
      EXPECT_EQ(as_vec(routes.pre(*e)), p == by_pre.end() ? std::vector<uint32_t>{} : p->second) << key;
      EXPECT_EQ(as_vec(routes.post(*e)), q == by_post.end() ? std::vector<uint32_t>{} : q->second) << key;
    }
  EXPECT_EQ(NeuronRoutes().find(0), nullptr);
}

// SRDP's count from the back of its window equals counting every kept pre spike below t.
TEST(HubFastPath, SrdpTailCountEqualsWholeWindowScan) {
  Rng rng(3);
  RuleParams p;
  p.kind = RuleKind::srdp;
  p.window_ns = 1000;
  PlasticityRule rule(p);
  std::deque<Time> kept;  // the reference's own copy of the window
  Time t = 0;
  for (int i = 0; i < 20000; ++i) {
    t += static_cast<Time>(rng.below(60));
    if (rng.below(3) != 0) {
      rule.on_pre(t);
      kept.push_back(t);
      while (kept.front() < t - p.window_ns) kept.pop_front();
      continue;
    }
    const Time at = t - static_cast<Time>(rng.below(120));  // pre spikes at or after `at` are excluded
    while (!kept.empty() && kept.front() < at - p.window_ns) kept.pop_front();
    int want = 0;
    for (Time x : kept) want += x < at;
    ASSERT_EQ(rule.pre_count(at), want) << "at " << at;
  }
}
