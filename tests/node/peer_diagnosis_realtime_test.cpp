// SPDX-License-Identifier: Apache-2.0
// What `ion node` processes say when a peer fails (docs/reliability.md, "Peers that fail"), on
// loopback in real time: a key file that differs between two sites (both name the peer and the
// key file; neither exits 0), a time master that stops answering (SIGSTOP: the other sites name
// it and exit 3), and key directories or files others could replace (refused before running).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "../common/loopback_experiment.hpp"
#include "../common/node_process.hpp"
#include "experiment/builtin.hpp"
#include "node/status.hpp"

using namespace ion;
using ion::testing::NodeProcess;
using ion::testing::run_command;

namespace {

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";

std::string setup(const std::string& name, const std::string& host) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-runs/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string text = ion::testing::pin_loopback(std::string(experiment::builtin_experiment_text()), host);
  std::ofstream(dir + "/experiment.toml") << text;
  auto k = run_command(kIon + " keygen --sites zurich,southampton,padova --out " + dir + "/keys");
  EXPECT_EQ(k.code, 0) << k.text;
  return dir;
}

std::string node(const std::string& dir, const std::string& site, const std::string& keys, const std::string& extra) {
  return kIon + " node " + dir + "/experiment.toml --site " + site + " --out " + dir + "/out --keys " + keys +
         " --warmup 1s " + extra;
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// The site's status file (written every second by ion node) says it runs the experiment.
bool running(const std::string& dir, const std::string& site) {
  auto s = site::read_status_file(real_storage(), dir + "/out/" + site + ".status");
  return s && s->site == site && s->state == "running";
}

}  // namespace

TEST(PeerDiagnosisRealtime, MismatchedKeyFileIsNamedByBothSitesAndNeitherClaimsSuccess) {
  const std::string dir = setup("diagnosis-mismatched-key", "127.0.102.1");
  // padova gets its own key directory whose padova.southampton.key holds another key.
  const std::string pkeys = dir + "/padova-keys";
  auto k = run_command(kIon + " keygen --sites padova,southampton --out " + pkeys);
  ASSERT_EQ(k.code, 0) << k.text;
  NodeProcess s(node(dir, "southampton", dir + "/keys", "--duration 5s"), dir + "/s.pid");
  NodeProcess z(node(dir, "zurich", dir + "/keys", "--duration 5s"), dir + "/z.pid");
  NodeProcess p(node(dir, "padova", pkeys, "--duration 5s --sync-timeout 3s"), dir + "/p.pid");
  const auto& po = p.wait();
  EXPECT_EQ(po.code, 1) << po.text;
  EXPECT_TRUE(has(po.text, "no clock synchronisation with the time master 'southampton'")) << po.text;
  EXPECT_TRUE(has(po.text, "failed authentication: the key file " + pkeys +
                               "/padova.southampton.key does not match "
                               "southampton's copy"))
      << po.text;
  EXPECT_FALSE(has(po.text, "is it running and reachable")) << po.text;
  const auto& so = s.wait();
  EXPECT_EQ(so.code, 3) << so.text;
  EXPECT_TRUE(has(so.text, "peer padova never authenticated")) << so.text;
  EXPECT_TRUE(has(so.text, "failed authentication: the key file " + dir +
                               "/keys/padova.southampton.key does not "
                               "match padova's copy"))
      << so.text;
  EXPECT_EQ(z.wait().code, 0) << z.wait().text;
}

TEST(PeerDiagnosisRealtime, StoppedTimeMasterIsNamedAndTheOtherSitesExit3) {
  const std::string dir = setup("diagnosis-stopped-master", "127.0.103.1");
  NodeProcess s(node(dir, "southampton", dir + "/keys", "--duration 8s"), dir + "/s.pid");
  NodeProcess z(node(dir, "zurich", dir + "/keys", "--duration 8s"), dir + "/z.pid");
  NodeProcess p(node(dir, "padova", dir + "/keys", "--duration 8s"), dir + "/p.pid");
  // Stop the time master once both other sites run the experiment (start-up takes seconds when
  // the machine is loaded), then freeze it: it stops answering without closing anything.
  for (int i = 0; i < 200 && !(running(dir, "zurich") && running(dir, "padova")); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(running(dir, "zurich") && running(dir, "padova"));
  s.signal(SIGSTOP);
  for (NodeProcess* n : {&z, &p}) {
    const auto& o = n->wait();
    EXPECT_EQ(o.code, 3) << o.text;
    EXPECT_TRUE(has(o.text, "peer southampton: down (stopped answering at experiment time ")) << o.text;
    EXPECT_TRUE(has(o.text, "incomplete: peer southampton stopped answering: last heard at experiment time "))
        << o.text;
  }
  s.signal(SIGKILL);
}

TEST(PeerDiagnosisRealtime, KeysOthersCouldReplaceAreRefusedBeforeTheRun) {
  const std::string dir = setup("diagnosis-key-permissions", "127.0.104.1");
  ASSERT_EQ(::chmod((dir + "/keys").c_str(), 0777), 0);
  auto o = run_command(node(dir, "padova", dir + "/keys", "--duration 2s"));
  EXPECT_EQ(o.code, 1) << o.text;
  EXPECT_TRUE(has(o.text, "directory " + dir + "/keys has mode 0777")) << o.text;
  EXPECT_TRUE(has(o.text, "chmod go-w " + dir + "/keys")) << o.text;
  ASSERT_EQ(::chmod((dir + "/keys").c_str(), 0700), 0);
  if (::geteuid() == 0) {  // a key file of another user (only root can give one away)
    ASSERT_EQ(::chown((dir + "/keys/padova.southampton.key").c_str(), 65534, static_cast<gid_t>(-1)), 0);
    o = run_command(node(dir, "padova", dir + "/keys", "--duration 2s"));
    EXPECT_EQ(o.code, 1) << o.text;
    EXPECT_TRUE(has(o.text, "key file " + dir + "/keys/padova.southampton.key is owned by uid 65534")) << o.text;
  }
}
