// SPDX-License-Identifier: Apache-2.0
// The original report of issue 12, finding 1, on real `ion node` processes over loopback: with
// the keys reused across runs, a hello of padova's earlier run, replayed from another port, must
// neither cut padova off nor be answered. Run 1 is a short run that leaves padova's epoch in its
// log; the test (which holds the key, as a capture would hold the bytes) builds that epoch's
// authentic hellos and replays them in run 2 before padova starts (refused thanks to the epoch
// state the hub kept beside its keys), and hellos of an even earlier run in the middle of it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "../common/node_process.hpp"
#include "../common/process_helpers.hpp"
#include "experiment/load.hpp"
#include "record/merge.hpp"
#include "wire/channel.hpp"
#include "wire/keyfile.hpp"

using namespace ion;
using ion::testing::NodeProcess;

namespace {

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";
const std::string kHost = "127.0.89.1";

// The built-in experiment on this test's own loopback address, in a fresh run directory.
std::string setup_dir() {
  const std::string dir = ion::testing::fresh_dir("hostile-replay-realtime");
  ion::testing::write_loopback_experiment(
      dir, kHost, ion::testing::slurp(std::string(ION_SOURCE_DIR) + "/examples/three_neuron.toml"));
  return dir;
}

std::string node_cmd(const std::string& dir, const std::string& run, const std::string& site, const std::string& dur) {
  return kIon + " node " + dir + "/experiment.toml --site " + site + " --out " + dir + "/" + run + " --keys " + dir +
         "/keys --warmup 1s --duration " + dur + " --sync-timeout 8s";
}

// UDP datagrams to the hub from the attacker's own port.
struct Attacker {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in hub{};
  explicit Attacker(uint16_t port) {
    sockaddr_in me{};
    me.sin_family = hub.sin_family = AF_INET;
    me.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.89.9", &me.sin_addr);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me), 0);
    hub.sin_port = htons(7201);
    inet_pton(AF_INET, kHost.c_str(), &hub.sin_addr);
  }
  ~Attacker() { close(fd); }
  void send(const std::vector<uint8_t>& d) {
    EXPECT_EQ(sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&hub), sizeof hub),
              static_cast<ssize_t>(d.size()));
  }
};

// The per-class refusals of one peer in a site's "link refusals:" note ("" if absent).
std::string refusals_of(const record::MergedRecording& m, SiteId site, const std::string& peer) {
  for (const auto& note : m.notes) {
    if (note.site != site || note.text.rfind("link refusals:", 0) != 0) continue;
    const size_t at = note.text.find("peer " + peer + ":");
    if (at == std::string::npos) return "";
    const size_t end = note.text.find(';', at);
    return note.text.substr(at, end == std::string::npos ? std::string::npos : end - at) + " ";
  }
  return "";
}

// Notes of `site` containing `needle`, recorded before experiment time `before`.
size_t count_notes(const record::MergedRecording& m, SiteId site, const std::string& needle, Time before = kTimeNever) {
  size_t n = 0;
  for (const auto& note : m.notes)
    n += note.site == site && note.t < before && note.text.find(needle) != std::string::npos;
  return n;
}

}  // namespace

TEST(HostileReplay, HelloOfPadovasEarlierRunReplayedFromAnotherPortIsRefusedAndCutsNothing) {
  const std::string dir = setup_dir();
  auto keygen = ion::testing::run_command(kIon + " keygen --sites zurich,southampton,padova --out " + dir + "/keys");
  ASSERT_EQ(keygen.code, 0) << keygen.text;
  auto e = experiment::load_experiment(dir + "/experiment.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  const SiteId hub = e->find_site("southampton")->id, bio = e->find_site("padova")->id;

  // Run 1: padova's epoch of that run is in its log.
  {
    NodeProcess s(node_cmd(dir, "run1", "southampton", "3s"), dir + "/s.pid");
    NodeProcess z(node_cmd(dir, "run1", "zurich", "3s"), dir + "/z.pid");
    NodeProcess p(node_cmd(dir, "run1", "padova", "3s"), dir + "/p.pid");
    for (NodeProcess* n : {&s, &z, &p}) ASSERT_EQ(n->wait().code, 0) << n->wait().text;
  }
  auto run1 = record::merge_logs({dir + "/run1/padova.ionlog"});
  ASSERT_TRUE(run1.is_ok()) << run1.status().message();
  ASSERT_EQ(run1->sessions.size(), 1u);
  const uint64_t old_epoch = run1->sessions[0].epoch;

  // The hellos of that incarnation as the hub received them in run 1 (seq 0, 1), and of an even
  // earlier one (a run before it, one hour earlier), which the hub of run 2 has never seen.
  auto psk = wire::load_pair_key(dir + "/keys", "southampton", "padova");
  ASSERT_TRUE(psk.is_ok()) << psk.status().message();
  auto hellos_of = [&](uint64_t epoch, int n) {
    wire::ChannelConfig cc;
    cc.self = bio;
    cc.peer = hub;
    cc.self_epoch = epoch;
    cc.psk = *psk;
    wire::Channel old_padova(cc);
    wire::DatagramBuilder b;
    std::vector<std::vector<uint8_t>> out;
    for (int i = 0; i < n; ++i) {
      auto d = old_padova.encode_control(b, wire::Hello{false, wire::kMaxDatagramBytes}, 0);
      out.emplace_back(d.begin(), d.end());
    }
    return out;
  };
  const auto run1_hellos = hellos_of(old_epoch, 2);
  const auto run0_hellos = hellos_of(old_epoch - uint64_t{3600} * 1'000'000'000, 3);

  // Run 2: the hub first; the replay reaches it before padova exists, then again mid-run.
  NodeProcess s(node_cmd(dir, "run2", "southampton", "8s"), dir + "/s.pid");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  Attacker a1(41000), a2(41001);
  a1.send(run1_hellos[0]);
  a1.send(run1_hellos[1]);
  NodeProcess z(node_cmd(dir, "run2", "zurich", "8s"), dir + "/z.pid");
  NodeProcess p(node_cmd(dir, "run2", "padova", "8s"), dir + "/p.pid");
  std::this_thread::sleep_for(std::chrono::seconds(5));  // the experiment runs (warm-up 1 s)
  a2.send(run0_hellos[0]);
  a2.send(run0_hellos[1]);
  a2.send(run0_hellos[0]);  // and a copy
  for (NodeProcess* n : {&s, &z, &p}) EXPECT_EQ(n->wait().code, 0) << n->wait().text;

  auto m = record::merge_logs({dir + "/run2/southampton.ionlog", dir + "/run2/padova.ionlog"});
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  // Every replayed hello was refused as an older epoch, and counted.
  const std::string refused = refusals_of(*m, hub, "padova");
  EXPECT_NE(refused.find(" old_epoch=5 "), std::string::npos) << refused;
  EXPECT_EQ(count_notes(*m, hub, "peer padova: 1 datagram carried an older epoch of padova"), 1u);
  // Padova was never cut off: no down before the end of the experiment (8 s; at the end the sites
  // say goodbye, which is a down), and the hub kept accepting its datagrams through the last 2 s.
  EXPECT_EQ(count_notes(*m, hub, "peer padova: down", 8 * kSecond), 0u);
  EXPECT_EQ(count_notes(*m, bio, "peer southampton: down", 8 * kSecond), 0u);
  const auto& rows = m->links[{hub, bio}];
  ASSERT_FALSE(rows.empty());
  const LinkStats* at_6s = nullptr;
  const LinkStats* at_8s = nullptr;
  for (const auto& r : rows) {
    if (r.t <= 6 * kSecond) at_6s = &r;
    if (r.t < 8 * kSecond) at_8s = &r;
  }
  ASSERT_TRUE(at_6s && at_8s);
  EXPECT_TRUE(at_8s->peer_up);
  EXPECT_GT(at_8s->received, at_6s->received + 5) << "the hub accepted nothing from padova after 6 s";
  Time last_input = 0;
  for (const auto& in : m->inputs)
    if (in.log_site == bio) last_input = std::max(last_input, in.t);
  EXPECT_GT(last_input, 6 * kSecond) << "padova received no input in the last 2 s";
  std::printf("replayed 5 hellos of padova's earlier epochs (run 1: %llu); last input at padova %.3f s\n",
              (unsigned long long)old_epoch, static_cast<double>(last_input) / 1e9);
}
