// SPDX-License-Identifier: Apache-2.0
// End to end over loopback with ion's learned binding (no partner addresses configured): a hub
// Node (RealEnv) hosting the legacy bridge and two old partners, tests/node/legacy_peer.py in
// roles 'A' (ANpre) and 'D' (BN), each on an ephemeral port. The hub answers BN at the address
// that last sent a 'D' packet for it; an unlisted address and a short datagram are refused and
// counted. Ports depend on the pid. Bounded: ~4 s.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "env/real_env.hpp"
#include "experiment/load.hpp"
#include "legacy_peer_process.hpp"
#include "node/node.hpp"

using namespace ion;
using nlohmann::json;

namespace {

std::string experiment_text(int base_port, int legacy_port) {
  auto port = [base_port](int k) { return std::to_string(base_port + k); };
  return R"(
[experiment]
name = "legacy-e2e"
duration = "3s"
seed = 3
[sites.zurich]
role = "silicon"
address = "127.0.0.1:)" +
         port(0) + R"("
[sites.southampton]
role = "hub"
address = "127.0.0.1:)" +
         port(1) + R"("
instrument = { kind = "simulated" }
[sites.padova]
role = "bio"
address = "127.0.0.1:)" +
         port(2) + R"("
source = { kind = "culture" }
[links.default]
insecure = true
[[neurons]]
name = "ANpre"
site = "zurich"
model = "dpi"
[[neurons]]
name = "BN"
site = "padova"
model = "hh-hippocampal"
[[synapses]]
name = "ABsyn"
pre = "ANpre"
post = "BN"
hub = "southampton"
cell = [3, 7]
device = { model = "data-driven", preset = "tiox-dut1", r0 = "5kohm" }
[legacy]
enabled = true
hub = "southampton"
port = )" +
         std::to_string(legacy_port) + R"(
allowed_peers = ["127.0.0.1"]
neurons = { "1" = "ANpre", "2" = "BN" }
)";
}

}  // namespace

TEST(LegacyBridgeRealtime, LearnedBindingAnswersTheAddressThatSpokeForTheNeuron) {
  const int base = 24000 + static_cast<int>(getpid() % 8000) * 4;
  auto e = experiment::load_experiment_text(experiment_text(base, base + 3), "legacy-e2e.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  ASSERT_TRUE(e->legacy.learned_binding);
  const std::string out = std::filesystem::temp_directory_path() / ("ion-legacy-e2e-" + std::to_string(getpid()));
  RealEnv env(RealEnvOptions{"southampton", 3, ""});
  site::NodeOptions no;
  no.out_dir = out;
  no.warmup_ns = 200 * kMillisecond;
  auto node = site::Node::create(*e, "southampton", env, no);
  ASSERT_TRUE(node.is_ok()) << node.status().message();
  const site::LegacyBridge* bridge = (*node)->legacy_bridge();
  ASSERT_NE(bridge, nullptr);
  const std::string peer = "--hub " + bridge->local_address().to_string() + " --start 0.4 --seconds 1.8 --linger 0.4 ";
  // The 'D' partner's spontaneous APs (the first is only 0.1 s in) bind BN to its address.
  FILE* a_peer = legacy_test::start_peer(peer + "--role A --rate 50 --rogue 127.0.0.2 --malformed");
  FILE* d_peer = legacy_test::start_peer(peer + "--role D --spont 10 --evoke 0");
  ASSERT_TRUE(a_peer && d_peer);
  env.schedule_after(8 * kSecond, [&env] { env.stop(); });  // bound, should the node hang
  ASSERT_TRUE(env.run().is_ok());
  EXPECT_EQ((*node)->state(), site::NodeState::done) << (*node)->failure().message();
  const json a = legacy_test::finish_peer(a_peer), d = legacy_test::finish_peer(d_peer);
  ASSERT_FALSE(a.is_discarded() || d.is_discarded());
  std::filesystem::remove_all(out);
  const size_t sent_a = a["sent"].size(), sent_d = d["sent"].size();
  ASSERT_GE(sent_a, 60u);
  ASSERT_GE(sent_d, 8u);
  const site::LegacyCounters& c = bridge->counters();
  EXPECT_EQ(c.received, sent_a + sent_d);  // loopback: nothing lost
  EXPECT_EQ(c.refused_address, a["sent_rogue"].get<uint64_t>());
  EXPECT_EQ(c.malformed, 1u);
  EXPECT_EQ(c.forwarded, sent_a + sent_d);
  // Every ANpre spike becomes one 'S' for BN (id 2), sent to the 'D' partner once it has spoken
  // for BN (before that the inputs go over ion to padova).
  json s_to_d = json::array();
  for (const json& r : d["received"])
    if (r[1] == "S") s_to_d.push_back(r);
  EXPECT_TRUE(a["received"].empty());  // nobody bound ANpre's targets to the 'A' partner
  EXPECT_EQ(s_to_d.size(), c.sent);
  EXPECT_GE(c.sent, sent_a * 2 / 3);
  const double first_d = d["sent"][0][0];
  for (const json& r : s_to_d) {
    EXPECT_EQ(r[2], 2);
    EXPECT_GT(r[0].get<double>(), first_d);
  }
}
