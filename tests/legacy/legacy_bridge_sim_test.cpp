// SPDX-License-Identifier: Apache-2.0
// LegacyBridge on SimWorld with examples/legacy_bridge.toml: a legacy partner node sends 'A'
// packets over a link with 2 ms ± 1 ms latency; the hub-side bridge rebuilds the partner's spike
// times exactly (the first packet sets the anchor), binds ids, answers inputs with 'S' datagrams,
// refuses an unlisted address, and records its counters as notes.
#include <gtest/gtest.h>

#include "env/sim_world.hpp"
#include "experiment/load.hpp"
#include "site/node/legacy_bridge.hpp"

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

struct Harness {
  experiment::Experiment e = example();
  SimWorld world{SimWorldOptions{7, "", {}}};
  SimEnv& hub = world.add_node("southampton");
  SimEnv& lab = world.add_node("lab");
  SimEnv& rogue = world.add_node("rogue");
  std::vector<Spike> spikes;
  std::vector<std::string> notes;
  std::vector<lg::Packet> lab_rx;
  std::unique_ptr<LegacyBridge> bridge;
  SocketId lab_sock = 0, rogue_sock = 0;

  Harness() {
    LinkImpairments imp;
    imp.latency_ns = 2 * kMillisecond;
    imp.jitter_ns = kMillisecond;
    world.set_link_both("lab", "southampton", imp);
    LegacyHooks h;
    h.to_experiment = [](Time local) { return local; };
    h.on_spike = [this](const Spike& s) {
      spikes.push_back(s);
      return true;
    };
    h.note = [this](std::string_view n) { notes.emplace_back(n); };
    auto b = LegacyBridge::create_for(e, *e.find_site("southampton"), hub, h);
    EXPECT_TRUE(b.is_ok()) << b.status().message();
    bridge = std::move(b).value();
    lab_sock = lab.open_socket(SockAddr::parse("127.0.0.1:6000").value(), [this](const Datagram& d) {
                    if (auto p = lg::decode(d.data)) lab_rx.push_back(*p);
                  }).value();
    rogue_sock = rogue.open_socket(SockAddr::parse("127.0.0.2:6000").value(), [](const Datagram&) {}).value();
  }
  void lab_send(lg::Sender s, uint32_t id, uint32_t ticks) {
    auto b = lg::encode(lg::Packet{s, id, 1, ticks}).value();
    ASSERT_TRUE(lab.send_to(lab_sock, bridge->local_address(), b).is_ok());
  }
};

}  // namespace

TEST(LegacyBridgeSim, OffOrOnAnotherSiteGivesNoBridge) {
  Harness h;
  auto other = LegacyBridge::create_for(h.e, *h.e.find_site("zurich"), h.world.add_node("z"), {});
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ(other->get(), nullptr);
  experiment::Experiment off = h.e;
  off.legacy.enabled = false;
  auto none = LegacyBridge::create_for(off, *off.find_site("southampton"), h.world.add_node("s2"), {});
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->get(), nullptr);
}

TEST(LegacyBridgeSim, RebuildsPartnerTimesAndAnswersWithWeights) {
  Harness h;
  EXPECT_EQ(h.bridge->local_address().to_string(), "127.0.0.1:5005");
  const NeuronAddr anpre = h.e.find_neuron("ANpre")->addr, bn = h.e.find_neuron("BN")->addr;
  // Partner 'A' (ANpre, legacy id 1): packets every 20 ms of partner time, each carrying the
  // 400-tick delta. The first one sets the anchor at its arrival.
  for (int i = 0; i < 50; ++i) {
    h.world.schedule_at(kSecond + i * 20 * kMillisecond, [&h, i] { h.lab_send(lg::Sender::presynaptic, 1, i == 0 ? 0 : 400); });
  }
  h.world.schedule_at(900 * kMillisecond, [&h] { h.lab_send(lg::Sender::ready, 2, 0); });  // BN lives on the lab
  h.world.run_until(3 * kSecond);
  ASSERT_EQ(h.spikes.size(), 50u);
  const Time anchor = h.spikes[0].t;
  EXPECT_GE(anchor, kSecond + kMillisecond);  // 2 ms ± 1 ms after the first send
  EXPECT_LE(anchor, kSecond + 3 * kMillisecond);
  for (size_t i = 0; i < h.spikes.size(); ++i) {
    EXPECT_EQ(h.spikes[i].source, anpre);
    EXPECT_EQ(h.spikes[i].kind, SpikeKind::evoked);
    // Rebuilt = min(anchor + i·20 ms, arrival): never later than the arrival, so within the
    // jitter of the true partner time.
    EXPECT_LE(h.spikes[i].t, anchor + static_cast<Time>(i) * 400 * kTick);
    EXPECT_GE(h.spikes[i].t, kSecond + static_cast<Time>(i) * 20 * kMillisecond + kMillisecond);
  }
  // The hub answers BN with an 'S' datagram carrying the weight byte and the time in ticks.
  ASSERT_TRUE(h.bridge->forward(SynapticInput{bn, 0, 0.25f, 3 * kSecond}));
  // ANpost (legacy id 3) is mapped but no legacy peer has spoken for it: it stays on ion.
  EXPECT_FALSE(h.bridge->forward(SynapticInput{h.e.find_neuron("ANpost")->addr, 1, 0.25f, 3 * kSecond}));
  h.world.run_for(100 * kMillisecond);
  ASSERT_GE(h.lab_rx.size(), 1u);
  EXPECT_EQ(h.lab_rx[0].sender, lg::Sender::hub);
  EXPECT_EQ(h.lab_rx[0].neuron_id, 2u);
  EXPECT_EQ(h.lab_rx[0].aux, 64);  // round(255 · 0.25)
  EXPECT_EQ(h.lab_rx[0].ticks, static_cast<uint32_t>(3 * kSecond / kTick));
  const LegacyCounters& c = h.bridge->counters();
  EXPECT_EQ(c.received, 51u);
  EXPECT_EQ(c.forwarded, 50u);
  EXPECT_GE(c.sent, 1u);
  EXPECT_EQ(c.refused_address + c.malformed + c.unmapped, 0u);
}

TEST(LegacyBridgeSim, UnlistedAddressIsRefusedAndCountersAreNoted) {
  Harness h;
  auto b = lg::encode(lg::Packet{lg::Sender::presynaptic, 1, 0, 0}).value();
  h.world.schedule_at(100 * kMillisecond, [&h, b] {
    ASSERT_TRUE(h.rogue.send_to(h.rogue_sock, h.bridge->local_address(), b).is_ok());
    const uint8_t junk[3] = {1, 2, 3};
    ASSERT_TRUE(h.lab.send_to(h.lab_sock, h.bridge->local_address(), junk).is_ok());
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
  SimWorld world{SimWorldOptions{1, "", {}}};
  SimEnv& hub = world.add_node("southampton");
  ASSERT_TRUE(hub.open_socket(SockAddr::parse("127.0.0.1:5005").value(), [](const Datagram&) {}).is_ok());
  auto b = LegacyBridge::create_for(e, *e.find_site("southampton"), hub, {});
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("legacy bridge on southampton"), std::string::npos) << b.status().message();
  EXPECT_NE(b.status().message().find("5005"), std::string::npos) << b.status().message();
}

TEST(LegacyBridgeSim, UnknownNeuronInTheTableIsAClearError) {
  experiment::Experiment e = example();
  e.legacy.neurons[9] = "nobody";  // a hand-built Experiment (the loader refuses this earlier)
  SimWorld world{SimWorldOptions{1, "", {}}};
  auto b = LegacyBridge::create_for(e, *e.find_site("southampton"), world.add_node("southampton"), {});
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("'nobody' (legacy id 9)"), std::string::npos) << b.status().message();
}
