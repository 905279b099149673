// SPDX-License-Identifier: Apache-2.0
// LegacyCore against the reference hub's rules (arc1_pyqt ProgPanels/UDPmod.py at 63b6fb3,
// docs/protocol.md §8): the address filter and refusal classes; 'A' = an action potential on one
// hub clock; 'D' times relative to the presynaptic neurons' latest spike; PSPs never a
// reference; 'S' byte, time and destination; 'R' binds nothing; ion's clamp, re-anchor and
// 20-bit unwrap.
#include <gtest/gtest.h>

#include <limits>

#include "node/legacy_bridge.hpp"

using namespace ion;
using namespace ion::site;
namespace lg = ion::wire::legacy;

namespace {

constexpr Duration kTick = 50 * kMicrosecond;
const NeuronAddr kPre{0, 0}, kBio{2, 0}, kPost{0, 1}, kLone{0, 2}, kIonPre{1, 0};

SockAddr addr(const std::string& s) { return SockAddr::parse(s).value(); }
const SockAddr kA = addr("127.0.0.1:10000");  // the 'A' partner
const SockAddr kD = addr("127.0.0.1:25003");  // the 'D' partner

hub::HubSynapse synapse(SynapseId id, NeuronAddr pre, NeuronAddr post) {
  hub::HubSynapse s;
  s.id = id;
  s.pre = pre;
  s.post = post;
  return s;  // WeightMap defaults: 4000..9000 Ω, low R strong
}

// The example's loop: 1 = pre → 2 = bio → 3 = post; 4 = a neuron with no presynaptic neuron;
// bio also has an ion neuron (kIonPre) as a second presynaptic neuron.
LegacyCoreConfig config(LegacyBinding binding = LegacyBinding::configured) {
  LegacyCoreConfig c;
  c.allowed = {parse_ip("127.0.0.1").value(), parse_ip("::1").value()};
  c.neurons = {{1, kPre}, {2, kBio}, {3, kPost}, {4, kLone}, {0xABCDEF, NeuronAddr{0, 9}}};
  c.synapses = {synapse(0, kPre, kBio), synapse(1, kBio, kPost), synapse(2, kIonPre, kBio)};
  c.binding = binding;
  if (binding == LegacyBinding::configured) {
    c.pre_partner = kA;
    c.post_partner = kD;
  }
  return c;
}

std::array<uint8_t, 8> pkt(lg::Sender s, uint32_t id, uint8_t aux, uint32_t ticks) {
  return lg::encode(lg::Packet{s, id, aux, ticks}).value();
}
constexpr auto kSenderA = lg::Sender::presynaptic;
constexpr auto kSenderD = lg::Sender::postsynaptic;

Time a_time(LegacyCore& c, uint32_t id, uint32_t ticks, Time arrival, const SockAddr& from = kA) {
  auto s = c.on_datagram(from, pkt(kSenderA, id, 0, ticks), arrival);
  return s ? s->spike.t : -1;
}
std::optional<Spike> d_spike(LegacyCore& c, uint32_t id, uint8_t aux, uint32_t ticks, Time arrival) {
  auto s = c.on_datagram(kD, pkt(kSenderD, id, aux, ticks), arrival);
  return s ? std::optional<Spike>(s->spike) : std::nullopt;
}
lg::Packet sent(const LegacyCore::Out& o) { return lg::decode(o.bytes).value(); }

}  // namespace

TEST(LegacyCore, RefusesUnlistedAddressesBeforeDecoding) {
  LegacyCore c(config());
  const auto p = pkt(kSenderA, 1, 0, 0);
  EXPECT_FALSE(c.on_datagram(addr("127.0.0.2:6001"), p, 0));
  EXPECT_FALSE(c.on_datagram(addr("127.0.0.2:6001"), std::span<const uint8_t>(p.data(), 3), 0));
  EXPECT_EQ(c.counters().refused_address, 2u);
  EXPECT_EQ(c.counters().malformed, 0u);
  EXPECT_EQ(c.counters().received, 0u);
  EXPECT_TRUE(c.on_datagram(addr("[::1]:9"), p, 0));  // v6 loopback is listed
}

TEST(LegacyCore, CountsMalformedUnmappedAndIgnored) {
  LegacyCore c(config());
  auto p = pkt(kSenderA, 1, 0, 0);
  EXPECT_FALSE(c.on_datagram(kA, std::span<const uint8_t>(p.data(), 7), 0));  // short
  std::vector<uint8_t> nine(p.begin(), p.end());
  nine.push_back(0);
  EXPECT_FALSE(c.on_datagram(kA, nine, 0));  // long
  p[0] = 'X';
  EXPECT_FALSE(c.on_datagram(kA, p, 0));  // unknown sender code
  EXPECT_EQ(c.counters().malformed, 3u);
  EXPECT_FALSE(c.on_datagram(kA, pkt(kSenderA, 77, 0, 0), 0));
  EXPECT_FALSE(c.on_datagram(kD, pkt(kSenderD, 77, 1, 0), 0));
  EXPECT_EQ(c.counters().unmapped, 2u);
  EXPECT_FALSE(c.on_datagram(kA, pkt(lg::Sender::hub, 1, 200, 0), 0));    // hub → partner only
  EXPECT_FALSE(c.on_datagram(kA, pkt(lg::Sender::ready, 1, 255, 0), 0));  // hub → partner only
  EXPECT_FALSE(c.on_datagram(kD, pkt(kSenderD, 2, 3, 0), 0));             // 'D' aux beyond 0/1/2
  EXPECT_EQ(c.counters().ignored, 3u);
  EXPECT_EQ(c.counters().received, 5u);
}

// UDPmod.py l.200–211: an 'A' packet is registered as a spike; its branch (l.200–435) never reads aux.
TEST(LegacyCore, EveryPresynapticPacketIsAnActionPotential) {
  LegacyCore c(config());
  for (uint8_t aux : {0, 1, 2, 9, 255}) {
    auto s = c.on_datagram(kA, pkt(kSenderA, 1, aux, 20), kSecond);
    ASSERT_TRUE(s) << int{aux};
    EXPECT_EQ(s->spike.kind, SpikeKind::spike) << int{aux};
    EXPECT_EQ(s->spike.source, kPre);
  }
  auto s = c.on_datagram(kA, pkt(kSenderA, 0xABCDEF, 0, 0), kSecond);  // 24-bit id
  ASSERT_TRUE(s);
  EXPECT_EQ(s->spike.source, (NeuronAddr{0, 9}));
}

// l.204: tabs += field for every 'A' packet, from whichever address, mapped or not (the id is
// looked up after, l.216).
TEST(LegacyCore, PresynapticTimesRunOnOneHubClock) {
  LegacyCore c(config());
  const Time t0 = 10 * kSecond;
  EXPECT_EQ(a_time(c, 1, 999, t0), t0);  // the first packet anchors the clock at its arrival
  // 100 ticks = 5 ms later; arrives 7 ms later (2 ms more network delay).
  EXPECT_EQ(a_time(c, 1, 100, t0 + 7 * kMillisecond), t0 + 100 * kTick);
  // Another address (a second 'A' partner): its field continues the same clock.
  EXPECT_EQ(a_time(c, 3, 40, t0 + 9 * kMillisecond, addr("127.0.0.1:10001")), t0 + 140 * kTick);
  // An unmapped id advances the clock too.
  EXPECT_FALSE(c.on_datagram(kA, pkt(kSenderA, 77, 0, 20), t0 + 10 * kMillisecond));
  EXPECT_EQ(a_time(c, 1, 20, t0 + 11 * kMillisecond), t0 + 180 * kTick);
}

TEST(LegacyCore, PresynapticTimeIsClampedToArrivalAndReanchoredWhenFarBehind) {
  LegacyCore c(config());
  const Time t0 = 10 * kSecond;
  a_time(c, 1, 0, t0);
  // Claims 10 ms but arrives after 4 ms: a spike is never recorded before it is heard of.
  EXPECT_EQ(a_time(c, 1, 200, t0 + 4 * kMillisecond), t0 + 4 * kMillisecond);
  EXPECT_EQ(c.counters().clamped, 1u);
  // The clock now runs from the clamped time.
  EXPECT_EQ(a_time(c, 1, 20, t0 + 6 * kMillisecond), t0 + 5 * kMillisecond);
  EXPECT_EQ(c.counters().reanchored, 0u);
  // 2 s of silence with a field of 1 tick: more than max_lag (1 s) behind → at the arrival.
  EXPECT_EQ(a_time(c, 1, 1, t0 + 2 * kSecond), t0 + 2 * kSecond);
  EXPECT_EQ(c.counters().reanchored, 1u);
  EXPECT_EQ(a_time(c, 1, 100, t0 + 2 * kSecond + 6 * kMillisecond), t0 + 2 * kSecond + 5 * kMillisecond);
}

// An old sender masked its fields to 20 bits (l.325–326 is how the reference packed them): after
// 60 s of silence it sends 60 s − 2^20 ticks. The lost turn is restored, not re-anchored.
TEST(LegacyCore, TwentyBitFieldsThatLostATurnAreUnwrapped) {
  LegacyCore c(config());
  const Time t0 = 10 * kSecond;
  a_time(c, 1, 0, t0);
  const uint32_t sixty_s = 60 * 20000;
  EXPECT_EQ(a_time(c, 1, sixty_s & lg::kMask20, t0 + 60 * kSecond), t0 + 60 * kSecond);
  EXPECT_EQ(c.counters().reanchored, 0u);
  // A 'D' of bio, 60 s after that spike of pre, masked the same way.
  auto s = d_spike(c, 2, 2, sixty_s & lg::kMask20, t0 + 120 * kSecond + kMillisecond);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->t, t0 + 120 * kSecond);
  EXPECT_EQ(c.counters().reanchored, 0u);
}

// l.443–465: a 'D' neuron that is postsynaptic to something is timed from the latest spike of its
// presynaptic neurons, not from the partner's previous packet.
TEST(LegacyCore, PostsynapticTimeIsLatestPresynapticSpikePlusField) {
  LegacyCore c(config());
  const Time t0 = 10 * kSecond;
  a_time(c, 1, 0, t0);
  auto s = d_spike(c, 2, 1, 60, t0 + 5 * kMillisecond);  // 3 ms after pre's spike
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source, kBio);
  EXPECT_EQ(s->kind, SpikeKind::evoked);
  EXPECT_EQ(s->t, t0 + 60 * kTick);
  a_time(c, 1, 2000, t0 + 100 * kMillisecond + kMillisecond);  // pre fires again at t0 + 100 ms
  // The field counts from that spike; bio's own previous spike does not matter.
  s = d_spike(c, 2, 2, 200, t0 + 111 * kMillisecond);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, SpikeKind::spontaneous);
  EXPECT_EQ(s->t, t0 + 110 * kMillisecond);
  // The latest of several presynaptic neurons: an ion spike of kIonPre at t0 + 150 ms.
  c.saw_spike(Spike{kIonPre, t0 + 150 * kMillisecond, SpikeKind::spike});
  s = d_spike(c, 2, 0, 40, t0 + 160 * kMillisecond);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, SpikeKind::psp);
  EXPECT_EQ(s->t, t0 + 152 * kMillisecond);
}

// l.467–473: a neuron with no presynaptic neuron is timed from its own previous spike.
TEST(LegacyCore, PostsynapticWithoutPresynapticNeuronIsTimedFromItsOwnPreviousSpike) {
  LegacyCore c(config());
  const Time t0 = 10 * kSecond;
  auto s = d_spike(c, 4, 2, 777, t0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->t, t0);  // no previous spike: at the arrival (ion; counted)
  EXPECT_EQ(c.counters().no_reference, 1u);
  EXPECT_EQ(d_spike(c, 4, 2, 400, t0 + 21 * kMillisecond)->t, t0 + 20 * kMillisecond);
  EXPECT_EQ(d_spike(c, 4, 1, 400, t0 + 41 * kMillisecond)->t, t0 + 40 * kMillisecond);
}

// l.481–483: only APs register; a PSP is never a neuron's previous spike, nor a presynaptic one.
TEST(LegacyCore, PspsAreNoReference) {
  LegacyCore c(config());
  const Time t0 = 10 * kSecond;
  d_spike(c, 4, 2, 0, t0);
  EXPECT_EQ(d_spike(c, 4, 0, 100, t0 + 6 * kMillisecond)->t, t0 + 5 * kMillisecond);
  // The next AP counts from the last AP (t0), not from the PSP.
  EXPECT_EQ(d_spike(c, 4, 2, 200, t0 + 11 * kMillisecond)->t, t0 + 10 * kMillisecond);
  // bio's PSP is no presynaptic spike of post (id 3 is an 'A' neuron here, so use a 'D' packet).
  a_time(c, 1, 0, t0 + 20 * kMillisecond);
  d_spike(c, 2, 1, 20, t0 + 22 * kMillisecond);  // bio AP at t0 + 21 ms
  d_spike(c, 2, 0, 60, t0 + 24 * kMillisecond);  // bio PSP at t0 + 23 ms
  auto s = c.on_datagram(kD, pkt(kSenderD, 3, 2, 100), t0 + 30 * kMillisecond);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->spike.t, t0 + 26 * kMillisecond);  // from bio's AP, not its PSP
  // Nor does an ion PSP or a spike of a neuron the bridge does not know register.
  c.saw_spike(Spike{kIonPre, t0 + 40 * kMillisecond, SpikeKind::psp});
  c.saw_spike(Spike{NeuronAddr{7, 7}, t0 + 40 * kMillisecond, SpikeKind::spike});
  EXPECT_EQ(d_spike(c, 2, 1, 20, t0 + 41 * kMillisecond)->t, t0 + 21 * kMillisecond);
}

TEST(LegacyCore, PostsynapticTimeIsClampedAndWithoutReferenceTakenAtArrival) {
  LegacyCore c(config());
  const Time t0 = 10 * kSecond;
  EXPECT_EQ(d_spike(c, 2, 1, 100, t0)->t, t0);  // pre never fired: no reference yet
  EXPECT_EQ(c.counters().no_reference, 1u);
  a_time(c, 1, 0, t0 + 10 * kMillisecond);
  EXPECT_EQ(d_spike(c, 2, 1, 1000, t0 + 12 * kMillisecond)->t, t0 + 12 * kMillisecond);  // 50 ms claimed
  EXPECT_EQ(c.counters().clamped, 1u);
  EXPECT_EQ(d_spike(c, 2, 1, 1, t0 + 3 * kSecond)->t, t0 + 3 * kSecond);  // 3 s behind
  EXPECT_EQ(c.counters().reanchored, 1u);
}

// l.317–331: 'S' = id of the target, aux = round(clip(255·(R − Rmin)/(Rmax − Rmin))) of the read,
// time = tabs masked to 20 bits, to the postsynaptic partner for an 'A' spike.
TEST(LegacyCore, SDatagramCarriesTheReferenceByteAndHubTicks) {
  LegacyCore c(config());
  const Time t0 = 10 * kSecond;
  a_time(c, 1, 12345, t0);
  c.on_weight(WeightUpdate{0, t0, 7049.0f, 0.39f, PlasticityAction::read});
  const SynapticInput in{kBio, 0, 0.39f, t0};
  auto out = c.on_input(in, kSenderA);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->to, kD);
  lg::Packet p = sent(*out);
  EXPECT_EQ(p.sender, lg::Sender::hub);
  EXPECT_EQ(p.neuron_id, 2u);
  EXPECT_EQ(p.aux, 155);                      // 155.499: higher resistance, higher byte (255 · w would be 99)
  EXPECT_EQ(p.ticks, 12345u);                 // the hub clock's tick count of the spike
  a_time(c, 1, 2000000, t0 + 100 * kSecond);  // 24-bit field: tabs = 2 012 345
  out = c.on_input(SynapticInput{kBio, 0, 0.39f, t0 + 100 * kSecond}, kSenderA);
  EXPECT_EQ(sent(*out).ticks, 2012345u & lg::kMask20);
  c.on_weight(WeightUpdate{0, t0, 3000.0f, 1.0f, PlasticityAction::potentiate});
  EXPECT_EQ(sent(*c.on_input(in, kSenderA)).aux, 0);
  c.on_weight(WeightUpdate{0, t0, 12000.0f, 0.0f, PlasticityAction::depress});
  EXPECT_EQ(sent(*c.on_input(in, kSenderA)).aux, 255);
  c.on_weight(WeightUpdate{1, t0, 6500.0f, 0.5f, PlasticityAction::read});
  EXPECT_EQ(sent(*c.on_input(SynapticInput{kPost, 1, 0.5f, t0}, kSenderD)).aux, 127);  // 127.49999999999999
}

// Before any recorded read-back the byte is that of the resistance the weight stands for.
TEST(LegacyCore, SByteWithoutReadBackFollowsTheForwardedWeight) {
  LegacyCore c(config());
  EXPECT_EQ(sent(*c.on_input(SynapticInput{kBio, 0, 0.8f, 0}, kSenderA)).aux, 51);  // 5000 Ω
  EXPECT_EQ(sent(*c.on_input(SynapticInput{kBio, 0, std::numeric_limits<float>::quiet_NaN(), 0}, kSenderA)).aux, 255);
  c.on_weight(WeightUpdate{9, 0, 4100.0f, 1.0f, PlasticityAction::read});  // not this hub's synapse
  EXPECT_EQ(sent(*c.on_input(SynapticInput{kBio, 0, 0.8f, 0}, kSenderA)).aux, 51);
}

// l.331 and l.600: the destination follows the cause; ion-caused inputs stay on ion.
TEST(LegacyCore, ConfiguredBindingSendsToThePartnerOfTheTargetSide) {
  LegacyCore c(config());
  const SynapticInput to_bio{kBio, 0, 0.5f, kSecond}, to_post{kPost, 1, 0.5f, kSecond};
  EXPECT_EQ(c.on_input(to_bio, kSenderA)->to, kD);
  EXPECT_EQ(c.on_input(to_post, kSenderD)->to, kA);
  EXPECT_FALSE(c.on_input(to_bio, std::nullopt));                                   // an ion spike's input
  EXPECT_FALSE(c.on_input(SynapticInput{NeuronAddr{5, 5}, 0, 0.5f, 0}, kSenderA));  // not mapped
  LegacyCoreConfig only_post = config();
  only_post.pre_partner.reset();
  LegacyCore d(only_post);
  EXPECT_TRUE(d.on_input(to_bio, kSenderA));
  EXPECT_FALSE(d.on_input(to_post, kSenderD));
}

// 'R' is a hub → partner packet (l.139–156): receiving one binds nothing. Learned binding (ion)
// answers the address that last sent an 'A' or 'D' for the id.
TEST(LegacyCore, LearnedBindingComesFromSpikesNotFromReady) {
  LegacyCore c(config(LegacyBinding::learned));
  const SynapticInput to_bio{kBio, 0, 0.5f, 2 * kSecond};
  EXPECT_FALSE(c.on_datagram(kD, pkt(lg::Sender::ready, 2, 0, 0), 0));
  EXPECT_FALSE(c.on_input(to_bio, kSenderA));
  const SockAddr lab = addr("127.0.0.1:6001");
  ASSERT_TRUE(c.on_datagram(lab, pkt(kSenderD, 2, 2, 0), 0));
  EXPECT_EQ(c.on_input(to_bio, kSenderA)->to, lab);
  EXPECT_EQ(c.on_input(to_bio, std::nullopt)->to, lab);
  ASSERT_TRUE(c.on_datagram(kD, pkt(kSenderD, 2, 0, 0), 0));
  EXPECT_EQ(c.on_input(to_bio, kSenderD)->to, kD);
  EXPECT_FALSE(c.on_datagram(kA, pkt(kSenderD, 2, 9, 0), 0));  // an ignored packet binds nothing either
  EXPECT_EQ(c.on_input(to_bio, kSenderD)->to, kD);
}

TEST(LegacyCore, HubClockSurvivesHugeFieldsWithoutOverflow) {
  LegacyCore c(config());
  Time t = kSecond;
  a_time(c, 1, 0, t);
  for (int i = 0; i < 70000; ++i) {  // 70 000 × (2^24 − 1) ticks > 2^40
    t += kMillisecond;
    ASSERT_EQ(a_time(c, 1, lg::kMask24, t), t);  // each claims 839 s: clamped to the arrival
  }
  // The 20 bits an 'S' carries still follow the clock exactly.
  const uint64_t total = uint64_t{70000} * lg::kMask24;
  EXPECT_EQ(sent(*c.on_input(SynapticInput{kBio, 0, 0.5f, t}, kSenderA)).ticks, total & lg::kMask20);
  EXPECT_EQ(a_time(c, 1, 20, t + 2 * kMillisecond), t + kMillisecond);
}

TEST(LegacyCore, ParseIpRejectsNonsense) {
  EXPECT_TRUE(parse_ip("10.0.0.7").is_ok());
  auto bad = parse_ip("not-an-ip");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("not-an-ip"), std::string::npos);
}
