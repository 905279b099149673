// SPDX-License-Identifier: Apache-2.0
// Liveness on SimWorld: a silent peer is down within 1 s; it comes back with a new epoch.
// Hostile datagrams are counted by class and never delivered.
#include <gtest/gtest.h>

#include "sim_harness.hpp"
#include "wire/codec.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::link::test;
using namespace ion::literals;

TEST(LivenessSim, SilentPeerDownWithinOneSecondAndBackWithNewEpoch) {
  Pair p(300);
  LinkImpairments imp;
  imp.latency_ns = 10_ms;
  imp.jitter_ns = 3_ms;
  EXPECT_TRUE(p.world.set_default_link(imp).is_ok());
  p.start();
  p.world.run_until(2_s);
  ASSERT_EQ(p.hub.transitions.size(), 1u);
  p.node.link.reset();  // the node process dies: silence
  p.world.run_until(4_s);
  ASSERT_EQ(p.hub.transitions.size(), 2u);
  EXPECT_EQ(p.hub.transitions[1].second, PeerTransition::down);
  EXPECT_LE(p.hub.transition_true_ns[1], 3_s);
  EXPECT_FALSE(p.hub.link->stats(kNode)->peer_up);
  // The node restarts with a new session epoch.
  p.start_node(p.config(kNode, "127.0.0.1:7001", 0x3333));
  p.world.run_until(5_s);
  ASSERT_EQ(p.hub.transitions.size(), 3u);
  EXPECT_EQ(p.hub.transitions[2].second, PeerTransition::restarted);
  EXPECT_LT(p.hub.transition_true_ns[2], 4_s + 100_ms);
  EXPECT_EQ(p.hub.link->peer(kNode)->channel().peer_epoch(), 0x3333u);
  EXPECT_TRUE(p.hub.link->stats(kNode)->peer_up);
  // The new stream is counted from its start: nothing lost on a loss-free link.
  EXPECT_EQ(p.hub.link->stats(kNode)->lost, 0u);
  ASSERT_TRUE(p.node.link->send(kHub, spike_at(9, 0)).is_ok());
  p.world.run_until(6_s);
  ASSERT_EQ(p.hub.events.size(), 1u);
  EXPECT_TRUE(p.node.link->synced());
  // The hub's heartbeats to the dead incarnation were refused by the new one as stale.
  EXPECT_EQ(p.hub.link->stats(kNode)->rejected, 0u);
}

TEST(LivenessSim, HostileDatagramsAreCountedNotDelivered) {
  Pair p(301);
  p.start();
  p.world.run_until(1_s);
  p.hub.capture = true;
  ASSERT_TRUE(p.node.link->send(kHub, spike_at(1, 0)).is_ok());
  p.world.run_until(1100_ms);
  ASSERT_EQ(p.hub.events.size(), 1u);
  std::vector<uint8_t> captured;
  for (const auto& d : p.hub.raw) {
    auto h = wire::peek_header(d);
    if (h && h->type == wire::MsgType::events) captured = d;
  }
  ASSERT_FALSE(captured.empty());
  SimEnv& evil = *p.world.add_node("evil").value();
  auto sock = evil.open_socket(addr("127.0.0.1:7666"), [](const Datagram&) {});
  ASSERT_TRUE(sock.is_ok());
  const SockAddr hub_addr = addr("127.0.0.1:7000");
  const LinkStats before = *p.hub.link->stats(kNode);
  std::vector<uint8_t> garbage(10, 0xAB);
  ASSERT_TRUE(evil.send_to(*sock, hub_addr, garbage).is_ok());  // short, unknown sender address
  // A forgery with a fresh sequence number (so it reaches the AEAD check) and a flipped bit.
  std::vector<uint8_t> forged = captured;
  wire::Header h = *wire::peek_header(forged);
  h.seq += 1000;
  wire::write_header(h, forged);
  forged[forged.size() - 20] ^= 0x04;
  ASSERT_TRUE(evil.send_to(*sock, hub_addr, forged).is_ok());
  ASSERT_TRUE(evil.send_to(*sock, hub_addr, captured).is_ok());  // exact replay
  p.world.run_until(1200_ms);
  const LinkStats after = *p.hub.link->stats(kNode);
  EXPECT_EQ(p.hub.events.size(), 1u);  // nothing new delivered
  EXPECT_EQ(after.rejected, before.rejected + 1);
  EXPECT_EQ(after.duplicated, before.duplicated + 1);
  const auto& pc = p.hub.link->peer(kNode)->counters();
  EXPECT_EQ(pc.errors[static_cast<size_t>(wire::WireError::auth_failed)], 1u);
  EXPECT_EQ(pc.errors[static_cast<size_t>(wire::WireError::duplicate)], 1u);
  EXPECT_EQ(p.hub.link->counters().unattributed[static_cast<size_t>(wire::WireError::short_datagram)], 1u);
}

TEST(LivenessSim, GoodbyeIsAnImmediateDown) {
  Pair p(302);
  LinkImpairments imp;
  imp.latency_ns = 5_ms;
  EXPECT_TRUE(p.world.set_default_link(imp).is_ok());
  p.start();
  p.world.run_until(1_s);
  p.node.link->close();
  EXPECT_EQ(p.node.link->send(kHub, spike_at(0, 0)).code(), Errc::unavailable);
  p.world.run_until(1100_ms);
  ASSERT_EQ(p.hub.transitions.size(), 2u);
  EXPECT_EQ(p.hub.transitions[1].second, PeerTransition::down);
  EXPECT_EQ(p.hub.transition_true_ns[1], 1_s + 5_ms);  // on arrival, not 800 ms later
}

// A restart with datagrams of the old incarnation still in flight (10 ± 3 ms): they may arrive
// after the new incarnation's first hellos; the accounting must neither flip back nor count loss.
TEST(LivenessSim, InstantRestartWithStragglersKeepsAccountingExact) {
  for (uint64_t seed = 400; seed < 420; ++seed) {
    SCOPED_TRACE(seed);
    Pair p(seed);
    LinkImpairments imp;
    imp.latency_ns = 10_ms;
    imp.jitter_ns = 3_ms;
    EXPECT_TRUE(p.world.set_default_link(imp).is_ok());
    p.start();
    // Keep the node busy so datagrams are in flight at the moment it restarts.
    for (Time t = 1_s; t < 2_s; t += 1_ms) {
      p.world.schedule_at(t, [&p, t] { (void)p.node.link->send(kHub, spike_at(0, t)); });
    }
    p.world.schedule_at(2_s, [&p] {
      p.node.link.reset();
      p.start_node(p.config(kNode, "127.0.0.1:7001", 0x4444));
    });
    p.world.run_until(4_s);
    EXPECT_EQ(p.hub.link->peer(kNode)->channel().peer_epoch(), 0x4444u);
    EXPECT_EQ(p.hub.link->stats(kNode)->lost, 0u);
    EXPECT_EQ(count_if(p.hub.transitions.begin(), p.hub.transitions.end(),
                       [](const auto& t) { return t.second == PeerTransition::restarted; }),
              1);
    EXPECT_TRUE(p.hub.link->stats(kNode)->peer_up);
  }
}
