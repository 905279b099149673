// SPDX-License-Identifier: Apache-2.0
// What a node says when a peer fails (issue 12, "Clear diagnosis"; docs/reliability.md): a key
// that differs between two sites is reported as an authentication failure by BOTH, naming the
// peer and the key file; a peer that stops answering is named; neither site reports success.
// The sites run on one SimWorld as in run_sim, with a key provider the test controls.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "env/sim_world.hpp"
#include "experiment/builtin.hpp"
#include "experiment/ports.hpp"
#include "node/launch/sim_runner.hpp"
#include "node/node.hpp"
#include "record/merge.hpp"
#include "wire/channel.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

struct Sites {
  experiment::Experiment e;
  SimWorld world{SimWorldOptions{5, ""}};
  std::vector<std::unique_ptr<site::Node>> nodes;
  std::map<std::string, std::vector<std::string>> warnings;
  std::string dir;

  Sites(const std::string& name, const std::string& wrong_key_site, const std::string& absent_site = "") {
    auto b = experiment::builtin_experiment();
    EXPECT_TRUE(b.is_ok());
    e = std::move(b).value();
    experiment::scale_duration(e, 4_s);
    experiment::assign_sim_ports(e);  // the built-in leaves its ports to the runner
    dir = std::string(ION_BINARY_DIR) + "/test-runs/peer-diagnosis/" + name;
    std::filesystem::remove_all(dir);
    for (const auto& s : e.sites) {
      SimEnv& env = *world.add_node(s.name).value();
      if (s.name == absent_site) continue;
      site::NodeOptions no;
      no.out_dir = dir;
      no.warmup_ns = 1_s;
      no.sync_timeout_ns = 3_s;
      no.epoch = 100 + s.id;
      no.key_dir = "/etc/ion/keys";                                   // only named in messages
      const uint64_t seed = s.name == wrong_key_site ? 999 : e.seed;  // a different key file content
      no.keys = [seed](const std::string& a, const std::string& c) -> Result<wire::Psk> {
        return site::simulation_psk(seed, a, c);
      };
      no.on_warning = [this, name = s.name](const std::string& w) { warnings[name].push_back(w); };
      auto n = site::Node::create(e, s.name, env, no);
      EXPECT_TRUE(n.is_ok()) << n.status().message();
      nodes.push_back(std::move(n).value());
    }
  }
  site::Node& node(const std::string& name) {
    for (auto& n : nodes)
      if (n->site().name == name) return *n;
    throw std::runtime_error("no site " + name);
  }
  bool ended(const std::string& name) {
    const auto s = node(name).state();
    return s == site::NodeState::done || s == site::NodeState::failed;
  }
  void run_until_ended(const std::vector<std::string>& names) {
    for (int i = 0; i < 60; ++i) {
      bool all = true;
      for (const auto& n : names) all = all && ended(n);
      if (all) return;
      world.run_for(1_s);
    }
    ADD_FAILURE() << "sites did not end";
  }
  bool warned(const std::string& site, const std::string& needle) {
    for (const auto& w : warnings[site])
      if (w.find(needle) != std::string::npos) return true;
    return false;
  }
};

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace

TEST(PeerDiagnosisSim, MismatchedKeyIsAnAuthenticationFailureNamedByBothSites) {
  Sites s("mismatched-key", "padova");  // padova's copy of padova.southampton.key differs
  s.run_until_ended({"zurich", "southampton", "padova"});
  const std::string key = "key file /etc/ion/keys/padova.southampton.key";
  // padova: fails at its sync timeout, saying why.
  ASSERT_EQ(s.node("padova").state(), site::NodeState::failed);
  const std::string why = s.node("padova").failure().message();
  EXPECT_TRUE(contains(why, "no clock synchronisation with the time master 'southampton'")) << why;
  EXPECT_TRUE(contains(why, "failed authentication: the " + key + " does not match southampton's copy")) << why;
  EXPECT_FALSE(contains(why, "is it running and reachable")) << why;
  EXPECT_TRUE(s.warned("padova", "peer southampton: 1 datagram failed authentication: the " + key));
  // southampton: runs to its end, but does not claim success: padova never authenticated.
  ASSERT_EQ(s.node("southampton").state(), site::NodeState::done);
  ASSERT_EQ(s.node("southampton").peer_problems().size(), 1u);
  const std::string p = s.node("southampton").peer_problems()[0];
  EXPECT_TRUE(contains(p, "peer padova never authenticated: ")) << p;
  EXPECT_TRUE(contains(p, "datagrams from it failed authentication: the " + key + " does not match padova's copy"))
      << p;
  EXPECT_TRUE(s.warned("southampton", "peer padova: 1 datagram failed authentication"));
  EXPECT_TRUE(s.warned("southampton", "incomplete: peer padova never authenticated"));
  // zurich's links were fine.
  ASSERT_EQ(s.node("zurich").state(), site::NodeState::done);
  EXPECT_TRUE(s.node("zurich").peer_problems().empty());
  // The hub's log keeps the refusal notes (counts 1, 10, 100, …).
  s.nodes.clear();  // closes the logs
  auto m = record::merge_logs({s.dir + "/southampton.ionlog"});
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  size_t auth_notes = 0;
  for (const auto& n : m->notes)
    auth_notes += contains(n.text, "datagrams failed authentication") ||
                  contains(n.text, "datagram failed authentication");
  EXPECT_GE(auth_notes, 2u);
}

TEST(PeerDiagnosisSim, APeerThatStopsAnsweringIsNamedAndTheRunIsNotASuccess) {
  Sites s("silent-hub", "");
  s.world.schedule_at(2500_ms, [&s] { s.world.find_node("southampton")->stop(); });  // frozen: silent
  s.run_until_ended({"zurich", "padova"});
  for (const char* site : {"zurich", "padova"}) {
    SCOPED_TRACE(site);
    ASSERT_EQ(s.node(site).state(), site::NodeState::done);  // kept running on its last clock estimate
    ASSERT_EQ(s.node(site).peer_problems().size(), 1u);
    const std::string p = s.node(site).peer_problems()[0];
    EXPECT_TRUE(contains(p, "peer southampton stopped answering: last heard at experiment time 1.")) << p;
    EXPECT_TRUE(s.warned(site, "incomplete: peer southampton stopped answering"));
    EXPECT_TRUE(s.warned(site, "peer southampton: down (stopped answering at experiment time "));
  }
}

TEST(PeerDiagnosisSim, ANormalRunHasNoPeerProblems) {
  Sites s("normal", "");
  s.run_until_ended({"zurich", "southampton", "padova"});
  for (const auto& n : s.nodes) {
    EXPECT_EQ(n->state(), site::NodeState::done) << n->site().name;
    EXPECT_TRUE(n->peer_problems().empty()) << n->site().name << ": " << n->peer_problems().front();
    EXPECT_TRUE(s.warnings[n->site().name].empty()) << n->site().name << ": " << s.warnings[n->site().name].front();
  }
}

TEST(PeerDiagnosisSim, APeerOfAnotherWireVersionIsNamed) {
  Sites s("other-version", "", "padova");  // padova's address is held by a version-3 peer
  SimEnv& old_padova = *s.world.find_node("padova");
  const experiment::Site& p = *s.e.find_site("padova");
  const experiment::Site& hub = *s.e.find_site("southampton");
  const SocketId sock = old_padova.open_socket(SockAddr::parse(p.address.text).value(), [](const Datagram&) {}).value();
  wire::ChannelConfig cc;
  cc.self = p.id;
  cc.peer = hub.id;
  cc.self_epoch = 7;
  cc.psk = site::simulation_psk(s.e.seed, "padova", "southampton");
  wire::Channel ch(cc);
  wire::DatagramBuilder b;
  for (Time t = 0; t < 3_s; t += 100_ms) {
    s.world.schedule_at(t, [&] {
      auto d = ch.encode_control(b, wire::Hello{false, wire::kMaxDatagramBytes}, 0);
      std::vector<uint8_t> v1(d.begin(), d.end());
      v1[2] = 3;  // header version 3 (before AEAD negotiation; 1 and 2: tests/wire/codec_test.cpp)
      ASSERT_TRUE(old_padova.send_to(sock, SockAddr::parse(hub.address.text).value(), v1).is_ok());
    });
  }
  s.run_until_ended({"zurich", "southampton"});
  EXPECT_TRUE(s.warned("southampton", "peer padova: 1 datagram carried another version of the wire protocol"));
  ASSERT_EQ(s.node("southampton").peer_problems().size(), 1u);
  const std::string problem = s.node("southampton").peer_problems()[0];
  EXPECT_TRUE(contains(problem, "peer padova never authenticated: 30 datagrams from it carried another version"))
      << problem;
}
