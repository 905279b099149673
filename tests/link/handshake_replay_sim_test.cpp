// SPDX-License-Identifier: Apache-2.0
// Handshake replay (docs/protocol.md §4.3–4.5): datagrams captured in an earlier run with the same
// pre-shared key, replayed into a later run from another port, must not change the live link.
// The first test is the original report (issue 12, finding 1): ONE replayed hello of an earlier
// incarnation made the hub treat the live peer's stream as stale and declare it down for good.
#include <gtest/gtest.h>

#include "sim_harness.hpp"
#include "wire/codec.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::link::test;
using namespace ion::literals;

namespace {

using Bytes = std::vector<uint8_t>;

// Run 1: hub 0x1111, node 0x2222; every datagram the hub received is captured.
std::vector<Bytes> capture_earlier_run(uint64_t seed) {
  Pair p(seed);
  p.hub.capture = p.node.capture = true;
  p.start();
  for (Time t = 500_ms; t < 1500_ms; t += 10_ms)
    p.world.schedule_at(t, [&p, t] { (void)p.node.link->send(kHub, spike_at(1, t)); });
  p.world.run_until(2_s);
  std::vector<Bytes> all = p.hub.raw;
  all.insert(all.end(), p.node.raw.begin(), p.node.raw.end());
  return all;
}

bool is_unbound_hello(const Bytes& d) {
  auto h = wire::peek_header(d);
  return h && h->type == wire::MsgType::hello && h->receiver_epoch == 0;
}

// Run 2 (later epochs 0x3333 / 0x4444, same key), the node sending a spike every 10 ms.
struct LaterRun {
  Pair p;
  SimEnv* evil = nullptr;
  SocketId evil_sock = 0;
  explicit LaterRun(uint64_t seed) : p(seed) {
    p.start(p.config(kHub, "127.0.0.1:7000", 0x3333), p.config(kNode, "127.0.0.1:7001", 0x4444));
    for (Time t = 500_ms; t < 5_s; t += 10_ms)
      p.world.schedule_at(t, [this, t] { (void)p.node.link->send(kHub, spike_at(2, t)); });
    evil = p.world.add_node("evil").value();
    evil_sock = evil->open_socket(addr("127.0.0.9:7666"), [](const Datagram&) {}).value();
  }
  void replay_at(Time t, const Bytes& d, const char* to) {
    p.world.schedule_at(t, [this, d, to] { ASSERT_TRUE(evil->send_to(evil_sock, addr(to), d).is_ok()); });
  }
  size_t hub_events() const { return p.hub.events.size(); }
  uint64_t refused(const Endpoint& ep, SiteId from) const {
    const auto& e = ep.link->peer(from)->counters().errors;
    uint64_t n = 0;
    for (size_t i = 0; i < e.size(); ++i) n += e[i];
    return n;
  }
};

}  // namespace

TEST(HandshakeReplaySim, OneReplayedHelloOfAnEarlierRunDoesNotCutThePeerOff) {
  const std::vector<Bytes> earlier = capture_earlier_run(11);
  std::vector<Bytes> hellos;
  for (const auto& d : earlier)
    if (is_unbound_hello(d) && wire::peek_header(d)->sender == kNode) hellos.push_back(d);
  ASSERT_FALSE(hellos.empty());
  LaterRun r(12);
  r.replay_at(2_s, hellos.front(), "127.0.0.1:7000");  // to the hub, from another address
  r.p.world.run_until(6_s);
  // The live node was never declared down, and every one of its spikes reached the hub.
  for (const auto& [peer, t] : r.p.hub.transitions) EXPECT_NE(t, PeerTransition::down) << transition_name(t);
  EXPECT_EQ(r.hub_events(), 450u);
  const LinkStats s = *r.p.hub.link->stats(kNode);
  EXPECT_TRUE(s.peer_up);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(r.p.hub.link->peer(kNode)->seq_counters().stale, 0u);
  // The replayed hello is refused and counted as a hello of an older epoch.
  EXPECT_EQ(r.refused(r.p.hub, kNode), 1u);
  EXPECT_EQ(r.p.hub.link->peer(kNode)->counters().errors[static_cast<size_t>(wire::WireError::old_epoch)], 1u);
  EXPECT_EQ(r.p.hub.link->peer(kNode)->channel().peer_epoch(), 0x4444u);
}
