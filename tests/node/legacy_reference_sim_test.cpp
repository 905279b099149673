// SPDX-License-Identifier: Apache-2.0
// The reference hub's rules (arc1_pyqt ProgPanels/UDPmod.py at 63b6fb3; docs/protocol.md §8),
// one test each, through the bridge's public API on SimWorld (zero-latency links, so arrival =
// send time): the defects issue 11 §2 lists for the bridge before it followed them.
#include <gtest/gtest.h>

#include "env/sim_world.hpp"
#include "experiment/load.hpp"
#include "node/legacy_bridge.hpp"

using namespace ion;
using namespace ion::site;
namespace lg = ion::wire::legacy;

namespace {

// ANpre → BN → ANpost; no partner addresses (learned binding).
constexpr const char* kExperiment = R"(
[experiment]
name = "legacy-reference"
duration = "10s"
[sites.zurich]
role = "silicon"
address = "127.0.0.1:7321"
[sites.southampton]
role = "hub"
address = "127.0.0.1:7221"
instrument = { kind = "simulated" }
[sites.padova]
role = "bio"
address = "127.0.0.1:7121"
source = { kind = "culture" }
[[neurons]]
name = "ANpre"
site = "zurich"
model = "dpi"
[[neurons]]
name = "BN"
site = "padova"
model = "hh-hippocampal"
[[neurons]]
name = "ANpost"
site = "zurich"
model = "dpi"
[[synapses]]
name = "ABsyn"
pre = "ANpre"
post = "BN"
hub = "southampton"
cell = [3, 7]
device = { model = "data-driven", preset = "tiox-dut1" }
[[synapses]]
name = "BAsyn"
pre = "BN"
post = "ANpost"
hub = "southampton"
cell = [4, 7]
device = { model = "data-driven", preset = "tiox-dut1" }
[legacy]
enabled = true
allowed_peers = ["127.0.0.1"]
neurons = { "1" = "ANpre", "2" = "BN", "3" = "ANpost" }
)";

experiment::Experiment load() {
  auto e = experiment::load_experiment_text(kExperiment, "reference.toml");
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  return std::move(e).value();
}

struct Harness {
  experiment::Experiment e = load();
  SimWorld world{SimWorldOptions{3, ""}};
  SimEnv& hub = *world.add_node("southampton").value();
  SimEnv& lab = *world.add_node("lab").value();
  const NeuronAddr anpre = e.find_neuron("ANpre")->addr, bn = e.find_neuron("BN")->addr;
  const SynapseId absyn = e.find_synapse("ABsyn")->id;
  std::vector<Spike> spikes;
  std::vector<lg::Packet> rx;  // what the lab's first socket received
  std::unique_ptr<LegacyBridge> bridge;
  SocketId sock[2] = {0, 0};

  Harness() {
    LegacyHooks h;
    h.to_experiment = [](Time local) { return local; };
    h.on_spike = [this](const Spike& s) {
      spikes.push_back(s);
      return true;
    };
    bridge = LegacyBridge::create_for(e, *e.find_site("southampton"), hub, h).value();
    sock[0] = lab.open_socket(SockAddr::parse("127.0.0.1:6000").value(),
                              [this](const Datagram& d) {
                                if (auto p = lg::decode(d.data)) rx.push_back(*p);
                              })
                  .value();
    sock[1] = lab.open_socket(SockAddr::parse("127.0.0.1:6001").value(), [](const Datagram&) {}).value();
  }
  // Sends at experiment time t from the lab's socket `from` (0 or 1).
  void at(Time t, int from, lg::Sender s, uint32_t id, uint8_t aux, uint32_t ticks) {
    world.schedule_at(t, [this, from, s, id, aux, ticks] {
      auto b = lg::encode(lg::Packet{s, id, aux, ticks}).value();
      ASSERT_TRUE(lab.send_to(sock[from], bridge->local_address(), b).is_ok());
    });
  }
  void run() { world.run_until(world.now() + 2 * kSecond); }
  Time t(size_t i) const { return spikes.at(i).t; }
};

constexpr auto kSenderA = lg::Sender::presynaptic;
constexpr auto kSenderD = lg::Sender::postsynaptic;

}  // namespace

// UDPmod.py l.200–435: aux of an 'A' packet is never read; every one is an action potential (l.211).
TEST(LegacyReference, EveryPresynapticPacketIsAnActionPotential) {
  Harness h;
  for (uint8_t aux = 0; aux < 3; ++aux) h.at(kSecond + aux * kMillisecond, 0, kSenderA, 1, aux, 20);
  h.run();
  ASSERT_EQ(h.spikes.size(), 3u);
  for (const Spike& s : h.spikes) EXPECT_EQ(s.kind, SpikeKind::spike);
}

// l.204: one running clock, tabs += field, for every 'A' packet, whichever partner sent it and
// whether or not its id is connected.
TEST(LegacyReference, PresynapticFieldsAdvanceOneHubClock) {
  Harness h;
  h.at(kSecond, 0, kSenderA, 1, 0, 7);                         // anchors: tick 7 at 1 s
  h.at(kSecond + 25 * kMillisecond, 1, kSenderA, 3, 0, 400);   // another address; claims 1.020 s
  h.at(kSecond + 45 * kMillisecond, 0, kSenderA, 1, 0, 400);   // 1.040 s on the same clock
  h.at(kSecond + 65 * kMillisecond, 0, kSenderA, 77, 0, 400);  // unmapped, still 20 ms of clock
  h.at(kSecond + 85 * kMillisecond, 0, kSenderA, 1, 0, 400);   // 1.080 s
  h.run();
  ASSERT_EQ(h.spikes.size(), 4u);
  EXPECT_EQ(h.t(0), kSecond);
  EXPECT_EQ(h.t(1), kSecond + 20 * kMillisecond);
  EXPECT_EQ(h.t(2), kSecond + 40 * kMillisecond);
  EXPECT_EQ(h.t(3), kSecond + 80 * kMillisecond);
}

// l.443–473: a 'D' time is the latest spike of the neuron's presynaptic neurons + field, or its
// own latest spike + field when it has none (ANpre has no presynaptic neuron here).
TEST(LegacyReference, PostsynapticTimesCountFromTheReferenceSpike) {
  Harness h;
  h.at(kSecond, 0, kSenderA, 1, 0, 0);                        // ANpre at 1.000 s
  h.at(kSecond + 5 * kMillisecond, 1, kSenderD, 2, 1, 60);    // BN 3 ms after ANpre
  h.at(kSecond + 10 * kMillisecond, 1, kSenderD, 2, 2, 100);  // BN 5 ms after ANpre, not after BN
  h.at(kSecond + 30 * kMillisecond, 1, kSenderD, 1, 2, 400);  // ANpre 20 ms after its own spike
  h.at(kSecond + 45 * kMillisecond, 1, kSenderD, 1, 2, 200);  // 10 ms after that one
  h.run();
  ASSERT_EQ(h.spikes.size(), 5u);
  EXPECT_EQ(h.spikes[1].source, h.bn);
  EXPECT_EQ(h.t(1), kSecond + 3 * kMillisecond);
  EXPECT_EQ(h.t(2), kSecond + 5 * kMillisecond);
  EXPECT_EQ(h.t(3), kSecond + 20 * kMillisecond);
  EXPECT_EQ(h.t(4), kSecond + 30 * kMillisecond);
}

// l.481–483: a PSP does not register: the next 'D' of the neuron still counts from its last AP.
TEST(LegacyReference, PspIsNoReferenceSpike) {
  Harness h;
  h.at(kSecond, 1, kSenderD, 1, 2, 0);                        // ANpre AP, no reference yet: at arrival
  h.at(kSecond + 12 * kMillisecond, 1, kSenderD, 1, 2, 200);  // AP 10 ms after it
  h.at(kSecond + 16 * kMillisecond, 1, kSenderD, 1, 0, 100);  // PSP 5 ms after the last AP
  h.at(kSecond + 30 * kMillisecond, 1, kSenderD, 1, 2, 300);  // AP 15 ms after the last AP, not the PSP
  h.run();
  ASSERT_EQ(h.spikes.size(), 4u);
  EXPECT_EQ(h.t(1), kSecond + 10 * kMillisecond);
  EXPECT_EQ(h.spikes[2].kind, SpikeKind::psp);
  EXPECT_EQ(h.t(2), kSecond + 15 * kMillisecond);
  EXPECT_EQ(h.t(3), kSecond + 25 * kMillisecond);
}

// l.321: aux = round(clip(255·(R − Rmin)/(Rmax − Rmin))): weight 0.8 with ion's default map
// (low R strong, 4..9 kΩ) is 5 kΩ, byte 51 — not 255 · 0.8.
TEST(LegacyReference, SByteIsTheReferenceFormulaOfTheResistance) {
  Harness h;
  h.at(kSecond, 0, kSenderD, 2, 2, 0);  // binds BN to the lab's first socket (learned binding)
  h.run();
  ASSERT_TRUE(h.bridge->forward(SynapticInput{h.bn, h.absyn, 0.8f, h.world.now()}));
  h.run();
  ASSERT_EQ(h.rx.size(), 1u);
  EXPECT_EQ(h.rx[0].sender, lg::Sender::hub);
  EXPECT_EQ(h.rx[0].neuron_id, 2u);
  EXPECT_EQ(h.rx[0].aux, 51);
}

// l.323–326: the time of an 'S' is the presynaptic spike's tick count on the hub clock (tabs),
// masked to 20 bits.
TEST(LegacyReference, STimeIsTheHubTickCountMaskedTo20Bits) {
  Harness h;
  h.at(kSecond, 0, kSenderA, 1, 0, 1100000);  // tabs = 1 100 000 (55 s of partner time)
  h.at(kSecond, 0, kSenderD, 2, 2, 0);        // binds BN
  h.run();
  ASSERT_EQ(h.spikes.size(), 2u);
  ASSERT_TRUE(h.bridge->forward(SynapticInput{h.bn, h.absyn, 0.5f, h.t(0)}));
  h.run();
  ASSERT_EQ(h.rx.size(), 1u);
  EXPECT_EQ(h.rx[0].ticks, 1100000u & lg::kMask20);
}

// l.139–156: 'R' is what the hub would send to a partner; a partner's 'R' binds nothing.
TEST(LegacyReference, ReadyFromAPartnerBindsNothing) {
  Harness h;
  h.at(kSecond, 0, lg::Sender::ready, 2, 0, 0);
  h.run();
  EXPECT_FALSE(h.bridge->forward(SynapticInput{h.bn, h.absyn, 0.5f, h.world.now()}));
  EXPECT_TRUE(h.spikes.empty());
}
