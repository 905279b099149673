// SPDX-License-Identifier: Apache-2.0
// LegacyBridge on SimWorld with examples/legacy_bridge.toml: the two old partners of the
// reference hub ('A' at pre_partner, 'D' at post_partner) over links of 2 ms ± 1 ms. The hooks
// stand in for the hub role (an input per spike, emitted synchronously, as HubCore does). The
// bridge rebuilds the partners' times as the reference did, answers each side at its configured
// address with the reference byte and tick count, refuses an unlisted address, and records its
// counters as notes.
#include <gtest/gtest.h>

#include "env/sim_world.hpp"
#include "experiment/load.hpp"
#include "node/legacy_bridge.hpp"

using namespace ion;
using namespace ion::site;
namespace lg = ion::wire::legacy;

namespace {

constexpr Duration kTick = 50 * kMicrosecond;

experiment::Experiment example() {
  auto e = experiment::load_experiment(std::string(ION_SOURCE_DIR) + "/examples/legacy_bridge.toml");
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  return std::move(e).value();
}

struct Received {
  Time t;
  lg::Packet p;
};

struct Harness {
  experiment::Experiment e = example();
  SimWorld world{SimWorldOptions{7, ""}};
  SimEnv& hub = *world.add_node("southampton").value();
  SimEnv& a_lab = *world.add_node("a-lab").value();
  SimEnv& d_lab = *world.add_node("d-lab").value();
  SimEnv& rogue = *world.add_node("rogue").value();
  const NeuronAddr anpre = e.find_neuron("ANpre")->addr, bn = e.find_neuron("BN")->addr,
                   anpost = e.find_neuron("ANpost")->addr;
  std::vector<Spike> spikes;
  std::vector<std::string> notes;
  std::vector<Received> a_rx, d_rx;
  std::unique_ptr<LegacyBridge> bridge;
  SocketId a_sock = 0, d_sock = 0, rogue_sock = 0;

  Harness() {
    LinkImpairments imp;
    imp.latency_ns = 2 * kMillisecond;
    imp.jitter_ns = kMillisecond;
    EXPECT_TRUE(world.set_link_both("a-lab", "southampton", imp).is_ok());
    EXPECT_TRUE(world.set_link_both("d-lab", "southampton", imp).is_ok());
    LegacyHooks h;
    h.to_experiment = [](Time local) { return local; };
    h.on_spike = [this](const Spike& s) { return take(s); };
    h.note = [this](std::string_view n) { notes.emplace_back(n); };
    auto b = LegacyBridge::create_for(e, *e.find_site("southampton"), hub, h);
    EXPECT_TRUE(b.is_ok()) << b.status().message();
    bridge = std::move(b).value();
    a_sock = open(a_lab, "127.0.0.1:10000", a_rx);
    d_sock = open(d_lab, "127.0.0.1:25003", d_rx);
    rogue_sock = rogue.open_socket(SockAddr::parse("127.0.0.2:6000").value(), [](const Datagram&) {}).value();
  }
  SocketId open(SimEnv& env, const char* at, std::vector<Received>& rx) {
    return env
        .open_socket(SockAddr::parse(at).value(),
                     [&rx, &env](const Datagram& d) {
                       if (auto p = lg::decode(d.data)) rx.push_back(Received{env.now(), *p});
                     })
        .value();
  }
  // The hub role's part: ANpre → BN (ABsyn), BN → ANpost (BAsyn); PSPs do not propagate.
  bool take(const Spike& s) {
    spikes.push_back(s);
    if (s.kind == SpikeKind::psp) return true;
    if (s.source == anpre) bridge->forward(SynapticInput{bn, e.find_synapse("ABsyn")->id, 0.4f, s.t});
    if (s.source == bn) bridge->forward(SynapticInput{anpost, e.find_synapse("BAsyn")->id, 0.4f, s.t});
    return true;
  }
  void send(SimEnv& env, SocketId sock, lg::Sender s, uint32_t id, uint8_t aux, uint32_t ticks) {
    auto b = lg::encode(lg::Packet{s, id, aux, ticks}).value();
    ASSERT_TRUE(env.send_to(sock, bridge->local_address(), b).is_ok());
  }
};

}  // namespace

TEST(LegacyBridgeSim, OffOrOnAnotherSiteGivesNoBridge) {
  Harness h;
  auto other = LegacyBridge::create_for(h.e, *h.e.find_site("zurich"), *h.world.add_node("z").value(), {});
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ(other->get(), nullptr);
  experiment::Experiment off = h.e;
  off.legacy.enabled = false;
  auto none = LegacyBridge::create_for(off, *off.find_site("southampton"), *h.world.add_node("s2").value(), {});
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->get(), nullptr);
}

// Partner 'A' sends ANpre every 20 ms (field 400 ticks; its first field 7). Partner 'D' answers
// every 'S' for BN with a PSP 1 ms after it arrived and a stimulated AP 5 ms later, whose fields
// say 3 ms and 8 ms after the presynaptic spike (60 and 160 ticks).
TEST(LegacyBridgeSim, TwoPartnersAsTheReferenceHubSawThem) {
  Harness h;
  EXPECT_EQ(h.bridge->local_address().to_string(), "127.0.0.1:5005");
  h.bridge->on_weight(WeightUpdate{h.e.find_synapse("ABsyn")->id, 0, 13500.0f, 0.43f, PlasticityAction::read});
  for (int i = 0; i < 50; ++i)
    h.world.schedule_at(kSecond + i * 20 * kMillisecond,
                        [&h, i] { h.send(h.a_lab, h.a_sock, lg::Sender::presynaptic, 1, 0, i == 0 ? 7 : 400); });
  size_t answered = 0;
  std::function<void()> answer = [&] {
    for (; answered < h.d_rx.size(); ++answered) {
      h.d_lab.schedule_after(kMillisecond, [&h] { h.send(h.d_lab, h.d_sock, lg::Sender::postsynaptic, 2, 0, 60); });
      h.d_lab.schedule_after(6 * kMillisecond,
                             [&h] { h.send(h.d_lab, h.d_sock, lg::Sender::postsynaptic, 2, 1, 160); });
    }
    h.d_lab.schedule_after(100 * kMicrosecond, answer);
  };
  h.d_lab.schedule_after(0, answer);
  h.world.run_until(3 * kSecond);
  std::vector<Spike> pre, bio;
  for (const Spike& s : h.spikes) (s.source == h.anpre ? pre : bio).push_back(s);
  ASSERT_EQ(pre.size(), 50u);
  ASSERT_EQ(bio.size(), 100u);
  const Time anchor = pre[0].t;  // the first 'A' anchors the hub clock at its arrival
  EXPECT_GE(anchor, kSecond + kMillisecond);
  EXPECT_LE(anchor, kSecond + 3 * kMillisecond);
  for (size_t i = 0; i < pre.size(); ++i) {
    EXPECT_EQ(pre[i].kind, SpikeKind::spike);  // aux 0 on 'A' is an action potential
    // anchor + i·20 ms, or earlier where a faster packet moved the clock (never after arrival).
    EXPECT_LE(pre[i].t, anchor + static_cast<Time>(i) * 400 * kTick);
    EXPECT_GE(pre[i].t, kSecond + static_cast<Time>(i) * 20 * kMillisecond + kMillisecond);
  }
  // Each BN packet is timed from the latest ANpre spike the hub had: its PSP 3 ms and its AP 8 ms
  // after it, exactly, whatever the jitter of either link.
  size_t k = 0;
  for (size_t i = 0; i < bio.size(); i += 2) {
    while (k + 1 < pre.size() && pre[k + 1].t < bio[i].t) ++k;
    EXPECT_EQ(bio[i].kind, SpikeKind::psp);
    EXPECT_EQ(bio[i + 1].kind, SpikeKind::evoked);
    EXPECT_EQ(bio[i].t, pre[k].t + 60 * kTick) << i;
    EXPECT_EQ(bio[i + 1].t, pre[k].t + 160 * kTick) << i;
  }
  // 'S' for BN went to post_partner with the reference byte and partner 'A''s own tick count.
  ASSERT_EQ(h.d_rx.size(), 50u);
  for (size_t i = 0; i < h.d_rx.size(); ++i) {
    EXPECT_EQ(h.d_rx[i].p.sender, lg::Sender::hub);
    EXPECT_EQ(h.d_rx[i].p.neuron_id, 2u);
    EXPECT_EQ(h.d_rx[i].p.aux, 109);  // 13.5 kΩ in ABsyn's 12–15.5 kΩ: round(255·1500/3500)
    EXPECT_EQ(h.d_rx[i].p.ticks, 7 + 400 * i);
  }
  // 'S' for ANpost (one per BN AP, none per PSP) went to pre_partner.
  ASSERT_EQ(h.a_rx.size(), 50u);
  EXPECT_EQ(h.a_rx[0].p.neuron_id, 3u);
  const LegacyCounters& c = h.bridge->counters();
  EXPECT_EQ(c.received, 150u);
  EXPECT_EQ(c.forwarded, 150u);
  EXPECT_EQ(c.sent, 100u);
  EXPECT_EQ(c.refused_address + c.malformed + c.unmapped + c.no_reference + c.reanchored, 0u);
}

TEST(LegacyBridgeSim, UnlistedAddressIsRefusedAndCountersAreNoted) {
  Harness h;
  auto b = lg::encode(lg::Packet{lg::Sender::presynaptic, 1, 0, 0}).value();
  h.world.schedule_at(100 * kMillisecond, [&h, b] {
    ASSERT_TRUE(h.rogue.send_to(h.rogue_sock, h.bridge->local_address(), b).is_ok());
    const uint8_t junk[3] = {1, 2, 3};
    ASSERT_TRUE(h.a_lab.send_to(h.a_sock, h.bridge->local_address(), junk).is_ok());
  });
  h.world.run_until(2500 * kMillisecond);
  EXPECT_TRUE(h.spikes.empty());
  EXPECT_EQ(h.bridge->counters().refused_address, 1u);
  EXPECT_EQ(h.bridge->counters().malformed, 1u);
  ASSERT_GE(h.notes.size(), 2u);  // "listening on", then the counters once they changed
  EXPECT_NE(h.notes.back().find("refused_address=1 malformed=1"), std::string::npos) << h.notes.back();
}

TEST(LegacyBridgeSim, PortInUseIsAClearError) {
  experiment::Experiment e = example();
  SimWorld world{SimWorldOptions{1, ""}};
  SimEnv& hub = *world.add_node("southampton").value();
  ASSERT_TRUE(hub.open_socket(SockAddr::parse("127.0.0.1:5005").value(), [](const Datagram&) {}).is_ok());
  auto b = LegacyBridge::create_for(e, *e.find_site("southampton"), hub, {});
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("legacy bridge on southampton"), std::string::npos) << b.status().message();
  EXPECT_NE(b.status().message().find("5005"), std::string::npos) << b.status().message();
}

TEST(LegacyBridgeSim, UnknownNeuronOrBadPartnerInAHandBuiltExperimentIsAClearError) {
  experiment::Experiment e = example();
  e.legacy.neurons[9] = "nobody";  // a hand-built Experiment (the loader refuses this earlier)
  SimWorld world{SimWorldOptions{1, ""}};
  auto b = LegacyBridge::create_for(e, *e.find_site("southampton"), *world.add_node("southampton").value(), {});
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("'nobody' (legacy id 9)"), std::string::npos) << b.status().message();
  experiment::Experiment f = example();
  f.legacy.post_partner = "127.0.0.1";
  auto c = LegacyBridge::create_for(f, *f.find_site("southampton"), *world.add_node("s2").value(), {});
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("bad post_partner '127.0.0.1'"), std::string::npos) << c.status().message();
}
