// SPDX-License-Identifier: Apache-2.0
// LegacyCore: address filter, decoding classes, id mapping, 'A'/'D' time reconstruction (wraps,
// clamp to arrival, re-anchoring), binding and the outbound 'S' datagram.
#include <gtest/gtest.h>

#include "site/node/legacy_bridge.hpp"

using namespace ion;
using namespace ion::site;
namespace lg = ion::wire::legacy;

namespace {

constexpr Duration kTick = 50 * kMicrosecond;

SockAddr addr(const std::string& s) { return SockAddr::parse(s).value(); }

LegacyCore make_core() {
  LegacyCoreConfig c;
  c.allowed = {parse_ip("127.0.0.1").value(), parse_ip("::1").value()};
  c.neurons = {{1, NeuronAddr{0, 0}}, {2, NeuronAddr{2, 0}}, {0xABCDEF, NeuronAddr{0, 1}}};
  return LegacyCore(c);
}

std::array<uint8_t, 8> pkt(lg::Sender s, uint32_t id, uint8_t aux, uint32_t ticks) {
  return lg::encode(lg::Packet{s, id, aux, ticks}).value();
}

const SockAddr kPeer = addr("127.0.0.1:6001");

}  // namespace

TEST(LegacyCore, RefusesUnlistedAddressesBeforeDecoding) {
  LegacyCore c = make_core();
  const auto p = pkt(lg::Sender::presynaptic, 1, 0, 0);
  EXPECT_FALSE(c.on_datagram(addr("127.0.0.2:6001"), p, 0));
  EXPECT_FALSE(c.on_datagram(addr("127.0.0.2:6001"), std::span<const uint8_t>(p.data(), 3), 0));
  EXPECT_EQ(c.counters().refused_address, 2u);
  EXPECT_EQ(c.counters().malformed, 0u);
  EXPECT_EQ(c.counters().received, 0u);
  EXPECT_TRUE(c.on_datagram(addr("[::1]:9"), p, 0));  // v6 loopback is listed
}

TEST(LegacyCore, CountsMalformedUnmappedAndIgnored) {
  LegacyCore c = make_core();
  auto p = pkt(lg::Sender::presynaptic, 1, 0, 0);
  EXPECT_FALSE(c.on_datagram(kPeer, std::span<const uint8_t>(p.data(), 7), 0));  // short
  std::vector<uint8_t> nine(p.begin(), p.end());
  nine.push_back(0);
  EXPECT_FALSE(c.on_datagram(kPeer, nine, 0));  // long
  p[0] = 'X';
  EXPECT_FALSE(c.on_datagram(kPeer, p, 0));  // unknown sender code
  EXPECT_EQ(c.counters().malformed, 3u);
  EXPECT_FALSE(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 77, 0, 0), 0));
  EXPECT_EQ(c.counters().unmapped, 1u);
  EXPECT_FALSE(c.on_datagram(kPeer, pkt(lg::Sender::hub, 1, 200, 0), 0));
  EXPECT_EQ(c.counters().ignored, 1u);
  EXPECT_EQ(c.counters().received, 2u);  // unmapped + ignored were well formed
}

TEST(LegacyCore, MapsIdsAndAuxToSpikeKinds) {
  LegacyCore c = make_core();
  auto s = c.on_datagram(kPeer, pkt(lg::Sender::postsynaptic, 2, 1, 10), 5 * kSecond);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source, (NeuronAddr{2, 0}));
  EXPECT_EQ(s->kind, SpikeKind::evoked);
  EXPECT_EQ(s->t, 5 * kSecond);  // first packet of a partner: anchored at arrival
  s = c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 0xABCDEF, 2, 0), kSecond);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source, (NeuronAddr{0, 1}));
  EXPECT_EQ(s->kind, SpikeKind::spontaneous);
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 0, 1), kSecond)->kind, SpikeKind::psp);
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 9, 1), kSecond)->kind, SpikeKind::spike);
}

TEST(LegacyCore, PresynapticTimesAreDeltasSinceThePartnersPreviousPacket) {
  LegacyCore c = make_core();
  const Time t0 = 10 * kSecond;
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 1, 999), t0)->t, t0);
  // 100 ticks = 5 ms later at the partner; arrival 7 ms later (2 ms more network delay).
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 1, 100), t0 + 7 * kMillisecond)->t,
            t0 + 100 * kTick);
  // Another 40 ticks; the delta chain continues from the rebuilt time, not from the arrival.
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 1, 40), t0 + 9 * kMillisecond)->t,
            t0 + 140 * kTick);
  // A separate partner (another port) has its own chain.
  const SockAddr other = addr("127.0.0.1:6002");
  EXPECT_EQ(c.on_datagram(other, pkt(lg::Sender::presynaptic, 1, 1, 5), t0 + 9 * kMillisecond)->t,
            t0 + 9 * kMillisecond);
}

TEST(LegacyCore, RebuiltTimeIsClampedToArrivalAndReanchoredWhenFarBehind) {
  LegacyCore c = make_core();
  const Time t0 = 10 * kSecond;
  ASSERT_TRUE(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 1, 0), t0));
  // Claims 10 ms but arrives after 4 ms: a spike cannot be reported before it happened.
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 1, 200), t0 + 4 * kMillisecond)->t,
            t0 + 4 * kMillisecond);
  // The chain now runs from the clamped time.
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 1, 20), t0 + 6 * kMillisecond)->t,
            t0 + 5 * kMillisecond);
  EXPECT_EQ(c.counters().reanchored, 0u);
  // 2 s of silence with a delta of 1 tick: more than max_lag (1 s) behind → re-anchored.
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::presynaptic, 1, 1, 1), t0 + 2 * kSecond)->t, t0 + 2 * kSecond);
  EXPECT_EQ(c.counters().reanchored, 1u);
}

TEST(LegacyCore, PostsynapticCountersWrapAt24And20Bits) {
  LegacyCore c = make_core();
  const Time t0 = 1000 * kSecond;
  ASSERT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::postsynaptic, 2, 0, lg::kMask24 - 9), t0)->t, t0);
  // 24-bit wrap: from 2^24 − 10 to 5 is 15 ticks.
  EXPECT_EQ(c.on_datagram(kPeer, pkt(lg::Sender::postsynaptic, 2, 0, 5), t0 + kSecond)->t, t0 + 15 * kTick);
  LegacyCore d = make_core();
  ASSERT_TRUE(d.on_datagram(kPeer, pkt(lg::Sender::postsynaptic, 2, 0, lg::kMask20 - 4), t0));
  // An old sender masked to 20 bits: from 2^20 − 5 to 3 is 8 ticks.
  EXPECT_EQ(d.on_datagram(kPeer, pkt(lg::Sender::postsynaptic, 2, 0, 3), t0 + kSecond)->t, t0 + 8 * kTick);
  // Plain forward steps.
  EXPECT_EQ(d.on_datagram(kPeer, pkt(lg::Sender::postsynaptic, 2, 0, 103), t0 + kSecond)->t, t0 + 108 * kTick);
}

TEST(LegacyCore, InputsGoOnlyToBoundLegacyNeurons) {
  LegacyCore c = make_core();
  SynapticInput in{NeuronAddr{2, 0}, 7, 0.5f, 2 * kSecond};
  EXPECT_FALSE(c.on_input(in));  // mapped but no legacy peer has spoken for it yet
  EXPECT_FALSE(c.on_datagram(kPeer, pkt(lg::Sender::ready, 2, 0, 0), 0));  // 'R' binds, no spike
  auto out = c.on_input(in);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->to, kPeer);
  auto p = lg::decode(out->bytes).value();
  EXPECT_EQ(p.sender, lg::Sender::hub);
  EXPECT_EQ(p.neuron_id, 2u);
  EXPECT_EQ(p.aux, 128);                        // round(255 · 0.5)
  EXPECT_EQ(p.ticks, 40000u);                   // 2 s / 50 µs
  EXPECT_FALSE(c.on_input(SynapticInput{NeuronAddr{5, 5}, 7, 0.5f, 0}));  // not mapped
  in.weight = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(lg::decode(c.on_input(in)->bytes)->aux, 0);
  in.weight = 7.0f;
  in.t = (static_cast<Time>(lg::kMask24) + 3) * kTick;  // ticks wrap at 24 bits
  auto q = lg::decode(c.on_input(in)->bytes).value();
  EXPECT_EQ(q.aux, 255);
  EXPECT_EQ(q.ticks, 2u);
}

TEST(LegacyCore, ParseIpRejectsNonsense) {
  EXPECT_TRUE(parse_ip("10.0.0.7").is_ok());
  auto bad = parse_ip("not-an-ip");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("not-an-ip"), std::string::npos);
}
