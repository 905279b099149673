// SPDX-License-Identifier: Apache-2.0
// End to end over loopback: a hub Node (RealEnv) hosting the legacy bridge, and a legacy-format
// lab script in Python (tests/legacy/legacy_peer.py, standard library only). The script sends
// 'A' spikes of ANpre and announces with 'R' that it hosts BN; the hub forwards each ANpre spike
// through ABsyn to BN, which leaves as an 'S' datagram with the weight byte. Bounded: ~4 s.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

#include "env/real_env.hpp"
#include "experiment/load.hpp"
#include "site/node/node.hpp"

using namespace ion;

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
address = "127.0.0.1:)" + port(0) + R"("
[sites.southampton]
role = "hub"
address = "127.0.0.1:)" + port(1) + R"("
instrument = { kind = "simulated" }
[sites.padova]
role = "bio"
address = "127.0.0.1:)" + port(2) + R"("
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
port = )" + std::to_string(legacy_port) + R"(
allowed_peers = ["127.0.0.1"]
neurons = { "1" = "ANpre", "2" = "BN" }
)";
}

std::string read_all(FILE* f) {
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

uint64_t json_int(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\": (\\d+)"))) return UINT64_MAX;
  return std::stoull(m[1]);
}

}  // namespace

TEST(LegacyBridgeRealtime, PythonLegacyPeerExchangesSpikesWithAHubNode) {
  const int base = 24000 + static_cast<int>(getpid() % 8000) * 4;
  auto e = experiment::load_experiment_text(experiment_text(base, base + 3), "legacy-e2e.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  const std::string out = std::filesystem::temp_directory_path() / ("ion-legacy-e2e-" + std::to_string(getpid()));
  RealEnv env(RealEnvOptions{"southampton", 3, ""});
  site::NodeOptions no;
  no.out_dir = out;
  no.warmup = 200 * kMillisecond;
  auto node = site::Node::create(*e, "southampton", env, no);
  ASSERT_TRUE(node.is_ok()) << node.status().message();
  const site::LegacyBridge* bridge = (*node)->legacy_bridge();
  ASSERT_NE(bridge, nullptr);
  const std::string cmd = "/usr/bin/python3 " + std::string(ION_SOURCE_DIR) + "/tests/legacy/legacy_peer.py --hub " +
                          bridge->local_address().to_string() + " --seconds 2.0 --rate 100";
  FILE* py = ::popen(cmd.c_str(), "r");  // runs while the node's loop runs below
  ASSERT_NE(py, nullptr);
  env.schedule_after(8 * kSecond, [&env] { env.stop(); });  // bound, should the node hang
  ASSERT_TRUE(env.run().is_ok());
  EXPECT_EQ((*node)->state(), site::NodeState::done) << (*node)->failure().message();
  const std::string json = read_all(py);
  ASSERT_FALSE(json.empty());
  const uint64_t sent_a = json_int(json, "sent_a"), sent_r = json_int(json, "sent_r");
  ASSERT_GE(sent_a, 150u) << json;
  const site::LegacyCounters& c = bridge->counters();
  EXPECT_EQ(c.received, sent_a + sent_r);  // loopback: nothing lost
  EXPECT_EQ(c.refused_address, json_int(json, "sent_rogue"));
  EXPECT_EQ(c.malformed, 1u);
  EXPECT_EQ(c.forwarded + c.dropped, sent_a);
  EXPECT_GE(c.forwarded, sent_a * 8 / 10);  // the first ~0.2 s fall in the warm-up
  EXPECT_EQ(c.sent, c.forwarded);           // every ANpre spike became one input for BN
  // What the script got: 'S' datagrams for BN (id 2), weight byte of r0 = 5 kΩ on 4..9 kΩ
  // (low R strong: w = 0.8 → 204), times in ticks within the experiment.
  std::smatch m;
  std::string rest = json;
  uint64_t n = 0;
  const std::regex rx("\\{\"code\": \"S\", \"id\": (\\d+), \"aux\": (\\d+), \"ticks\": (\\d+)\\}");
  while (std::regex_search(rest, m, rx)) {
    EXPECT_EQ(std::stoul(m[1]), 2u);
    EXPECT_NEAR(static_cast<double>(std::stoul(m[2])), 204.0, 3.0);
    EXPECT_LE(std::stoull(m[3]) * 50 * kMicrosecond, 3 * kSecond);
    ++n;
    rest = m.suffix();
  }
  EXPECT_EQ(n, c.sent) << json;
  std::filesystem::remove_all(out);
}
