// SPDX-License-Identifier: Apache-2.0
// Loss accounting under impairments: the link's counters against the SimWorld's truth counters.
#include <gtest/gtest.h>

#include <set>

#include "sim_harness.hpp"
#include "wire/codec.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::link::test;
using namespace ion::literals;

namespace {
LinkImpairments impaired() {
  LinkImpairments imp;
  imp.latency_ns = 10_ms;
  imp.jitter_ns = 3_ms;
  imp.jitter = Jitter::uniform;
  imp.loss = 0.05;
  imp.duplicate = 0.03;
  imp.reorder = 0.03;
  imp.reorder_delay_ns = 8_ms;
  return imp;
}

// Independent reorder count from the capture tap: first copies arriving after a higher seq.
uint64_t tap_reordered(const Endpoint& ep, uint64_t sender_epoch) {
  std::set<uint64_t> seen;
  uint64_t reordered = 0, high = 0;
  for (const auto& d : ep.raw) {
    auto h = wire::peek_header(d);
    if (!h || h->sender_epoch != sender_epoch || seen.count(h->seq)) continue;
    if (!seen.empty() && h->seq < high) ++reordered;
    seen.insert(h->seq);
    high = std::max(high, h->seq);
  }
  return reordered;
}

// Drives both directions with Poisson-like traffic: every 1 ms each side sends 0..3 events.
void drive(Pair& p, Time from, Time to) {
  Rng rng(99);
  for (Time t = from; t < to; t += 1_ms) {
    const int n_up = static_cast<int>(rng.below(4));
    const int n_down = static_cast<int>(rng.below(3));
    p.world.schedule_at(t, [&p, n_up, n_down, t] {
      for (int i = 0; i < n_up; ++i) (void)p.node.link->send(kHub, spike_at(static_cast<uint32_t>(i), t));
      for (int i = 0; i < n_down; ++i) {
        (void)p.hub.link->send(kNode, SynapticInput{NeuronAddr{kNode, 7}, 3, 0.5f, t});
      }
    });
  }
}

void expect_matches_truth(const Endpoint& rx, SiteId from, const Endpoint& tx, SiteId to, const LinkTruth& truth,
                          uint64_t sender_epoch) {
  const LinkStats s = *rx.link->stats(from);
  const Peer& sender = *tx.link->peer(to);
  EXPECT_EQ(truth.sent, sender.datagrams_sent());
  EXPECT_EQ(truth.sent, sender.channel().next_send_seq());  // one sequence number per datagram
  EXPECT_GT(truth.lost, 20u);
  EXPECT_GT(truth.duplicated, 10u);
  EXPECT_EQ(s.lost, truth.lost);
  EXPECT_EQ(s.duplicated, truth.duplicated);
  EXPECT_EQ(s.received, truth.sent - truth.lost);
  EXPECT_EQ(s.received + s.duplicated, truth.delivered);
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_EQ(s.malformed, 0u);
  EXPECT_EQ(rx.link->peer(from)->seq_counters().stale, 0u);
  const uint64_t reordered = tap_reordered(rx, sender_epoch);
  EXPECT_GT(reordered, 10u);
  EXPECT_EQ(s.reordered, reordered);
  EXPECT_EQ(s.events_received, static_cast<uint64_t>(std::count_if(rx.events.begin(), rx.events.end(),
                                                                   [&](const auto& e) { return e.first == from; })));
}
}  // namespace

// 20 s of 5 % loss, 3 % duplication, 3 % reordering and 10 ms ± 3 ms latency in both directions
// from the first datagram (handshake included), then a clean tail so every gap is settled.
TEST(LinkTruthSim, CountersMatchSimulatorTruthExactly) {
  Pair p(7, NodeClock{0, 0}, NodeClock{20_ms, 30});
  EXPECT_TRUE(p.world.set_link_both("hub", "node", impaired()).is_ok());
  p.hub.capture = p.node.capture = true;
  p.start();
  drive(p, 1_s, 21_s);
  p.world.run_until(21_s);
  EXPECT_TRUE(p.world.set_link_both("hub", "node", LinkImpairments{}).is_ok());
  p.world.run_until(23_s);
  {
    SCOPED_TRACE("node -> hub");
    expect_matches_truth(p.hub, kNode, p.node, kHub, *p.world.link_truth("node", "hub").value(), 0x2222);
  }
  {
    SCOPED_TRACE("hub -> node");
    expect_matches_truth(p.node, kHub, p.hub, kNode, *p.world.link_truth("hub", "node").value(), 0x1111);
  }
  // 5 % loss must never make a heartbeat-driven peer look dead for long: no down in 20 s here.
  EXPECT_TRUE(p.hub.link->stats(kNode)->peer_up);
}

// A partition: both sides declare the other down within 1 s, recover (same epoch) when it heals,
// and every datagram the partition swallowed is counted lost.
TEST(LinkTruthSim, PartitionIsDownThenRecoveredAndCountedLost) {
  Pair p(8);
  p.start();
  p.world.run_until(1_s);
  EXPECT_TRUE(p.world.partition("hub", "node", 2_s, 4_s).is_ok());
  drive(p, 1_s, 6_s);
  p.world.run_until(7_s);
  for (Endpoint* ep : {&p.hub, &p.node}) {
    ASSERT_GE(ep->transitions.size(), 3u);
    EXPECT_EQ(ep->transitions[1].second, PeerTransition::down);
    EXPECT_LE(ep->transition_true_ns[1], 3_s);
    EXPECT_GT(ep->transition_true_ns[1], 2_s);
    EXPECT_EQ(ep->transitions[2].second, PeerTransition::recovered);
    EXPECT_LT(ep->transition_true_ns[2], 4_s + 300_ms);
  }
  const LinkTruth& t = *p.world.link_truth("node", "hub").value();
  EXPECT_GT(t.partitioned, 100u);
  EXPECT_EQ(p.hub.link->stats(kNode)->lost, t.partitioned);
  EXPECT_EQ(p.hub.link->stats(kNode)->received, t.sent - t.partitioned);
}

// Late: events datagrams whose age on arrival (experiment time) exceeds the deadline.
TEST(LinkTruthSim, LateCountsEventsDatagramsPastTheDeadline) {
  Pair p(9, NodeClock{0, 0}, NodeClock{-30_ms, 50});
  LinkImpairments imp;
  imp.latency_ns = 10_ms;
  imp.jitter_ns = 3_ms;
  EXPECT_TRUE(p.world.set_default_link(imp).is_ok());
  LinkConfig hc = p.config(kHub, "127.0.0.1:7000", 0x1111);
  hc.late_after_ns = 11_ms;
  p.start(hc, p.config(kNode, "127.0.0.1:7001", 0x2222));
  p.world.run_until(5_s);  // the node's clock is synchronised by now
  p.hub.capture = true;
  const uint64_t late_before = p.hub.link->stats(kNode)->late;
  drive(p, 5_s, 8_s);
  p.world.run_until(9_s);
  // Independent count from the capture: the hub is the master, so its local clock is experiment time.
  std::set<uint64_t> seen;
  uint64_t late = 0, events_datagrams = 0;
  for (size_t i = 0; i < p.hub.raw.size(); ++i) {
    auto h = wire::peek_header(p.hub.raw[i]);
    if (!h || h->type != wire::MsgType::events || !seen.insert(h->seq).second) continue;
    ++events_datagrams;
    if (p.hub.raw_rx_local_ns[i] - h->send_time_ns > 11_ms) ++late;
  }
  const uint64_t counted = p.hub.link->stats(kNode)->late - late_before;
  EXPECT_GT(late, events_datagrams / 5);  // latency 10 ± 3 ms: about a third are past 11 ms
  EXPECT_LT(late, events_datagrams);
  EXPECT_EQ(counted, late);
  EXPECT_EQ(late_before, 0u);  // nothing late during the handshake (no events)
}

// The handshake under impairments, over many seeds: the counters match the truth every time
// (this is where a datagram reordered before the one that adopted the session is recovered).
TEST(LinkTruthSim, HandshakeUnderImpairmentsStaysExactOverSeeds) {
  uint64_t recovered = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE(seed);
    Pair p(seed);
    EXPECT_TRUE(p.world.set_link_both("hub", "node", impaired()).is_ok());
    p.start();
    p.world.run_until(2_s);
    EXPECT_TRUE(p.world.set_link_both("hub", "node", LinkImpairments{}).is_ok());
    p.world.run_until(3_s);
    for (auto [rx, from, a, b] : {std::tuple{&p.hub, kNode, "node", "hub"}, std::tuple{&p.node, kHub, "hub", "node"}}) {
      const LinkTruth& t = *p.world.link_truth(a, b).value();
      const LinkStats s = *rx->link->stats(from);
      EXPECT_EQ(s.lost, t.lost);
      EXPECT_EQ(s.duplicated, t.duplicated);
      EXPECT_EQ(s.received + s.duplicated, t.delivered);
      EXPECT_EQ(s.rejected, 0u);
      recovered += rx->link->peer(from)->counters().too_old_recovered;
    }
  }
  EXPECT_GT(recovered, 0u);  // the path was exercised
}

// Same seed, same epochs → the same trace, byte for byte (SimWorld digest).
TEST(LinkTruthSim, SimulatedRunsAreDeterministic) {
  uint64_t digest[2] = {0, 0};
  for (int run = 0; run < 2; ++run) {
    Pair p(11, NodeClock{1_ms, 5}, NodeClock{-40_ms, -80});
    EXPECT_TRUE(p.world.set_link_both("hub", "node", impaired()).is_ok());
    p.start();
    drive(p, 500_ms, 3_s);
    p.world.run_until(4_s);
    digest[run] = p.world.digest();
    EXPECT_GT(p.hub.events.size(), 1000u);
  }
  EXPECT_EQ(digest[0], digest[1]);
}
