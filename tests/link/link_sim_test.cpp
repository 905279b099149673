// SPDX-License-Identifier: Apache-2.0
// Link on SimWorld: handshake, batching latency, exact loss accounting against the simulator's
// truth, liveness, restart with a new epoch, hostile datagrams.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "sim_harness.hpp"
#include "wire/codec.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::link::test;
using namespace ion::literals;

namespace {
size_t count_transitions(const Endpoint& ep, PeerTransition t) {
  return static_cast<size_t>(
      std::count_if(ep.transitions.begin(), ep.transitions.end(), [&](const auto& p) { return p.second == t; }));
}

std::vector<wire::Header> events_headers(const Endpoint& ep) {
  std::vector<wire::Header> out;
  for (const auto& d : ep.raw) {
    auto h = wire::peek_header(d);
    if (h && h->type == wire::MsgType::events) out.push_back(*h);
  }
  return out;
}
}  // namespace

TEST(LinkSim, HandshakeBindsBothSidesAndSyncs) {
  Pair p(1);
  p.start();
  p.world.run_until(1_s);
  EXPECT_EQ(count_transitions(p.hub, PeerTransition::up), 1u);
  EXPECT_EQ(count_transitions(p.node, PeerTransition::up), 1u);
  EXPECT_TRUE(p.hub.link->stats(kNode)->peer_up);
  EXPECT_TRUE(p.node.link->stats(kHub)->peer_up);
  EXPECT_TRUE(p.node.link->synced());
  EXPECT_EQ(p.node.link->peer(kHub)->channel().peer_epoch(), 0x1111u);
  EXPECT_EQ(p.hub.link->peer(kNode)->channel().peer_epoch(), 0x2222u);
  EXPECT_GT(p.hub.link->peer(kNode)->counters().probes_answered, 0u);
  EXPECT_EQ(p.hub.link->stats(kNode)->lost, 0u);
  // Statistics events: one per heartbeat (every 200 ms) plus one per transition.
  EXPECT_GE(p.hub.stats.size(), 5u);
  EXPECT_LE(p.hub.stats.size(), 7u);
  EXPECT_EQ(p.hub.stats.back().peer, kNode);
  EXPECT_TRUE(p.hub.stats.back().peer_up);
  // The node's heartbeats carry its view of the link to the hub.
  ASSERT_TRUE(p.hub.link->peer(kNode)->peer_view().has_value());
  EXPECT_EQ(p.hub.link->peer(kNode)->peer_view()->peer, kHub);
  EXPECT_GT(p.hub.link->peer(kNode)->peer_view()->received, 0u);
}

TEST(LinkSim, SameIterationEventsLeaveInOneDatagramWithoutAddedLatency) {
  Pair p(2);
  LinkImpairments clean;
  clean.latency_ns = 1_ms;
  EXPECT_TRUE(p.world.set_default_link(clean).is_ok());
  p.start();
  p.world.run_until(1_s);
  p.hub.capture = true;
  p.world.schedule_at(1_s + 7_us, [&] {
    for (uint32_t i = 0; i < 10; ++i) ASSERT_TRUE(p.node.link->send(kHub, spike_at(i, 0)).is_ok());
  });
  p.world.run_until(1100_ms);
  ASSERT_EQ(p.hub.events.size(), 10u);
  const auto hs = events_headers(p.hub);
  ASSERT_EQ(hs.size(), 1u);
  EXPECT_EQ(hs[0].count, 10u);
  for (Time t : p.hub.event_true_ns) EXPECT_EQ(t, 1_s + 7_us + 1_ms);  // link latency only
  for (uint32_t i = 0; i < 10; ++i) EXPECT_EQ(std::get<Spike>(p.hub.events[i].second).source.index, i);
}

TEST(LinkSim, LingerDelaysTheDatagramByExactlyT) {
  Pair p(3);
  LinkImpairments clean;
  clean.latency_ns = 1_ms;
  EXPECT_TRUE(p.world.set_default_link(clean).is_ok());
  LinkConfig nc = p.config(kNode, "127.0.0.1:7001", 0x2222);
  nc.batch.linger_ns = 50_us;
  p.start(p.config(kHub, "127.0.0.1:7000", 0x1111), nc);
  p.world.run_until(1_s);
  p.world.schedule_at(1_s, [&] { ASSERT_TRUE(p.node.link->send(kHub, spike_at(1, 0)).is_ok()); });
  p.world.schedule_at(1_s + 20_us, [&] { ASSERT_TRUE(p.node.link->send(kHub, spike_at(2, 0)).is_ok()); });
  p.world.run_until(1100_ms);
  ASSERT_EQ(p.hub.events.size(), 2u);
  // Node clock has no drift or offset here: local linger = true linger.
  EXPECT_EQ(p.hub.event_true_ns[0], 1_s + 50_us + 1_ms);
  EXPECT_EQ(p.hub.event_true_ns[1], 1_s + 50_us + 1_ms);
}

TEST(LinkSim, LargeBurstIsSplitBySizeAndDeliveredInOrder) {
  Pair p(4);
  p.start();
  p.world.run_until(1_s);
  p.hub.capture = true;
  p.world.schedule_at(1_s, [&] {
    for (uint32_t i = 0; i < 1000; ++i) ASSERT_TRUE(p.node.link->send(kHub, spike_at(i, 1_s)).is_ok());
  });
  p.world.run_until(1100_ms);
  ASSERT_EQ(p.hub.events.size(), 1000u);
  for (uint32_t i = 0; i < 1000; ++i) EXPECT_EQ(std::get<Spike>(p.hub.events[i].second).source.index, i);
  const auto hs = events_headers(p.hub);
  EXPECT_GT(hs.size(), 1u);
  for (const auto& d : p.hub.raw) EXPECT_LE(d.size(), wire::kMaxDatagramBytes);
  EXPECT_EQ(p.node.link->stats(kHub)->events_sent, 1000u);
  EXPECT_EQ(p.hub.link->stats(kNode)->events_received, 1000u);
}

TEST(LinkSim, UnknownPeerAndBadConfigAreRefused) {
  Pair p(5);
  p.start();
  EXPECT_EQ(p.node.link->send(42, spike_at(0, 0)).code(), Errc::not_found);
  LinkConfig c = p.config(kNode, "10.0.0.1:7005", 1);
  PeerSpec insecure{kHub, addr("10.0.0.2:7000"), std::nullopt, true, false};
  auto r = Link::create(*p.node.env, c, {insecure}, {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("loopback"), std::string::npos) << r.status().message();
  PeerSpec nokey{kHub, addr("127.0.0.1:7000"), std::nullopt, false, false};
  r = Link::create(*p.node.env, p.config(kNode, "127.0.0.1:7009", 1), {nokey}, {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("no pre-shared key"), std::string::npos) << r.status().message();
  PeerSpec self{kNode, addr("127.0.0.1:7000"), test_psk(), false, false};
  r = Link::create(*p.node.env, p.config(kNode, "127.0.0.1:7009", 1), {self}, {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("own site id"), std::string::npos) << r.status().message();
  PeerSpec dup{kHub, addr("127.0.0.1:7000"), test_psk(), false, false};
  r = Link::create(*p.node.env, p.config(kNode, "127.0.0.1:7009", 1), {dup, dup}, {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("twice"), std::string::npos) << r.status().message();
  r = Link::create(*p.node.env, p.config(kNode, "127.0.0.1:7001", 1), {dup}, {});  // address in use
  EXPECT_FALSE(r.is_ok());
}

TEST(LinkSim, InsecureLoopbackLinkWorks) {
  Pair p(6);
  PeerSpec hp{kNode, addr("127.0.0.1:7001"), std::nullopt, true, false};
  PeerSpec np{kHub, addr("127.0.0.1:7000"), std::nullopt, true, true};
  auto h = Link::create(*p.hub.env, p.config(kHub, "127.0.0.1:7000", 5), {hp}, p.handlers(p.hub));
  auto n = Link::create(*p.node.env, p.config(kNode, "127.0.0.1:7001", 6), {np}, p.handlers(p.node));
  ASSERT_TRUE(h.is_ok() && n.is_ok());
  p.world.run_until(500_ms);
  ASSERT_TRUE((*n)->send(kHub, spike_at(3, 0)).is_ok());
  p.world.run_until(600_ms);
  ASSERT_EQ(p.hub.events.size(), 1u);
}

// A hub with two peers; the two nodes also talk directly. Each stream is accounted separately.
TEST(LinkSim, ThreeSitesEachStreamSeparate) {
  SimWorld world(SimWorldOptions{12, ""});
  LinkImpairments imp;
  imp.latency_ns = 2_ms;
  imp.loss = 0.05;
  EXPECT_TRUE(world.set_default_link(imp).is_ok());
  SimEnv& h = *world.add_node("hub").value();
  SimEnv& a = *world.add_node("a", NodeClock{10_ms, 40}).value();
  SimEnv& b = *world.add_node("b", NodeClock{-10_ms, -40}).value();
  auto cfg = [](SiteId self, const char* bind) {
    LinkConfig c;
    c.self = self;
    c.bind = addr(bind);
    c.epoch = 100 + self;
    c.time_master = self == 0;
    return c;
  };
  const SockAddr ah = addr("127.0.0.1:7100"), aa = addr("127.0.0.1:7101"), ab = addr("127.0.0.1:7102");
  std::vector<std::pair<SiteId, SiteId>> got;  // (receiver, sender)
  auto handlers = [&got](SiteId self) {
    LinkHandlers hs;
    hs.on_events = link::each_event([&got, self](SiteId from, const Event&) { got.emplace_back(self, from); });
    return hs;
  };
  auto lh = Link::create(h, cfg(0, "127.0.0.1:7100"),
                         {PeerSpec{1, aa, test_psk(1), false, false}, PeerSpec{2, ab, test_psk(2), false, false}},
                         handlers(0));
  auto la = Link::create(a, cfg(1, "127.0.0.1:7101"),
                         {PeerSpec{0, ah, test_psk(1), false, true}, PeerSpec{2, ab, test_psk(3), false, false}},
                         handlers(1));
  auto lb = Link::create(b, cfg(2, "127.0.0.1:7102"),
                         {PeerSpec{0, ah, test_psk(2), false, true}, PeerSpec{1, aa, test_psk(3), false, false}},
                         handlers(2));
  ASSERT_TRUE(lh.is_ok() && la.is_ok() && lb.is_ok());
  world.run_until(1_s);
  for (int i = 0; i < 100; ++i) {
    world.schedule_at(1_s + i * 10_ms, [&] {
      ASSERT_TRUE((*la)->send(0, spike_at(1, 0)).is_ok());
      ASSERT_TRUE((*la)->send(2, spike_at(2, 0)).is_ok());
      ASSERT_TRUE((*lb)->send(1, spike_at(3, 0)).is_ok());
    });
  }
  world.run_until(3_s);
  // A loss-free tail settles every gap (set_link: the default applies to new pairs only).
  EXPECT_TRUE(world.set_link_both("hub", "a", LinkImpairments{}).is_ok());
  EXPECT_TRUE(world.set_link_both("hub", "b", LinkImpairments{}).is_ok());
  EXPECT_TRUE(world.set_link_both("a", "b", LinkImpairments{}).is_ok());
  world.run_until(4_s);
  for (auto [rx, from, txname, rxname] :
       {std::tuple{lh->get(), SiteId{1}, "a", "hub"}, std::tuple{lb->get(), SiteId{1}, "a", "b"},
        std::tuple{la->get(), SiteId{2}, "b", "a"}, std::tuple{lh->get(), SiteId{2}, "b", "hub"}}) {
    SCOPED_TRACE(std::string(txname) + "->" + rxname);
    const LinkStats s = *rx->stats(from);
    const LinkTruth& t = *world.link_truth(txname, rxname).value();
    EXPECT_EQ(s.lost, t.lost);
    EXPECT_EQ(s.received, t.sent - t.lost);
    EXPECT_TRUE(s.peer_up);
  }
  const auto count = [&](SiteId rx, SiteId from) {
    return std::count(got.begin(), got.end(), std::pair<SiteId, SiteId>{rx, from});
  };
  EXPECT_GT(count(0, 1), 80);
  EXPECT_GT(count(2, 1), 80);
  EXPECT_GT(count(1, 2), 80);
  EXPECT_EQ(count(0, 2), 0);
  // Both nodes follow the hub's clock; node↔node links carry no clock sync.
  EXPECT_LT(std::abs((*la)->experiment_now() - h.now()), 200_us);
  EXPECT_LT(std::abs((*lb)->experiment_now() - h.now()), 200_us);
  EXPECT_EQ((*la)->peer(2)->clock(), nullptr);
}

// The receive path finds a datagram's peer by its header's sender site (and, when the header does
// not parse, by the source address) without a pass over the peers: with 40 peers, a datagram
// naming no configured site is still refused as unknown_peer, one naming a site is that peer's
// alone, and an unparseable one is charged to the peer at its source address or, from any other
// address, to no peer.
TEST(LinkSim, ManyPeersLookupAttributesAndRefusesUnknownSenders) {
  SimWorld world(SimWorldOptions{21, ""});
  SimEnv& h = *world.add_node("hub").value();
  SimEnv& evil = *world.add_node("evil").value();
  std::vector<PeerSpec> peers;
  for (SiteId s = 1; s <= 40; ++s) {
    const std::string a = "127.0.0.1:" + std::to_string(7300 + s);
    peers.push_back(PeerSpec{s, addr(a.c_str()), test_psk(), false, false});
  }
  LinkConfig c;
  c.self = 0;
  c.bind = addr("127.0.0.1:7300");
  c.epoch = 100;
  c.time_master = true;
  size_t delivered = 0;
  LinkHandlers hs;
  hs.on_events = [&delivered](SiteId, std::span<const Event> events) { delivered += events.size(); };
  auto hub = Link::create(h, c, peers, hs);
  ASSERT_TRUE(hub.is_ok());
  auto from_peer = evil.open_socket(addr("127.0.0.1:7323"), [](const Datagram&) {});  // site 23's address
  auto from_other = evil.open_socket(addr("127.0.0.1:7399"), [](const Datagram&) {});
  ASSERT_TRUE(from_peer.is_ok() && from_other.is_ok());
  wire::Header hd;
  hd.type = wire::MsgType::events;
  hd.receiver = 0;
  hd.count = 1;
  hd.sender_epoch = 0xBBBB;
  hd.receiver_epoch = 100;
  hd.seq = 5;
  std::vector<uint8_t> forged(wire::kHeaderBytes + 30, 0x11);
  const SockAddr to = addr("127.0.0.1:7300");
  for (SiteId sender : {SiteId{77}, SiteId{41}, SiteId{0}, SiteId{23}}) {  // no such peer but 23 (0: ourselves)
    hd.sender = sender;
    wire::write_header(hd, forged);
    ASSERT_TRUE(evil.send_to(*from_other, to, forged).is_ok());
  }
  const std::vector<uint8_t> garbage(10, 0xAB);
  ASSERT_TRUE(evil.send_to(*from_peer, to, garbage).is_ok());
  ASSERT_TRUE(evil.send_to(*from_other, to, garbage).is_ok());
  world.run_until(50_ms);
  const Link& l = **hub;
  EXPECT_EQ(l.counters().unknown_peer, 3u);
  EXPECT_EQ(l.counters().unattributed[static_cast<size_t>(wire::WireError::short_datagram)], 1u);
  const auto& e23 = l.peer(23)->counters().errors;
  EXPECT_EQ(e23[static_cast<size_t>(wire::WireError::short_datagram)], 1u);
  EXPECT_EQ(std::accumulate(e23.begin(), e23.end(), uint64_t{0}), 2u);  // + the forgery naming 23
  for (SiteId s = 1; s <= 40; ++s) {
    if (s == 23) continue;
    const auto& e = l.peer(s)->counters().errors;
    EXPECT_EQ(std::accumulate(e.begin(), e.end(), uint64_t{0}), 0u) << "site " << s;
  }
  EXPECT_EQ(delivered, 0u);
  EXPECT_EQ(l.peer(77), nullptr);
  EXPECT_EQ((*hub)->send(77, spike_at(0, 0)).code(), Errc::not_found);
  EXPECT_FALSE(l.stats(77).is_ok());
  EXPECT_TRUE((*hub)->send(40, spike_at(0, 0)).is_ok());
}
