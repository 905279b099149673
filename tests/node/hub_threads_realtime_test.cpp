// SPDX-License-Identifier: Apache-2.0
// `ion run --realtime` of the built-in experiment with its hub on two threads (`threads = 2`,
// node/hub_threads.hpp): the hub forwards and pulses, its final note carries the ring counter and
// agrees with its log, and every pulse the crossbar applied is in the log in pulse order (a
// replay of the logged pulses on a fresh instrument gives each logged resistance and the final
// state; the k-th logged pulse is the array's pulse k).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "../common/run_command.hpp"
#include "device_replay.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "record/merge.hpp"

using namespace ion;

namespace {

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";

// The built-in experiment on 127.0.230.1 (ports from --base-port), its hub on two threads.
std::string write_experiment(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::string text(experiment::builtin_experiment_text());
  for (size_t at = 0; (at = text.find("\"127.0.0.1\"", at)) != std::string::npos;)
    text.replace(at, 11, "\"127.0.230.1\"");
  const size_t hub = text.find("[sites.southampton]");
  text.insert(text.find('\n', hub) + 1, "threads = 2\n");
  const std::string path = dir + "/experiment.toml";
  std::ofstream(path) << text;
  return path;
}

// "key=value" pairs of the hub's final note.
std::map<std::string, long long> hub_counters(const record::MergedRecording& m, SiteId hub) {
  std::map<std::string, long long> out;
  for (const auto& n : m.notes) {
    if (n.site != hub || n.text.rfind("hub: spikes=", 0) != 0) continue;
    std::istringstream in(n.text.substr(5));
    std::string kv;
    while (in >> kv) {
      const size_t eq = kv.find('=');
      if (eq != std::string::npos) out[kv.substr(0, eq)] = std::stoll(kv.substr(eq + 1));
    }
  }
  return out;
}

TEST(HubThreadsRealtime, TwoThreadHubForwardsPulsesAndLogsEveryPulseInOrder) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-runs/hub-threads-realtime";
  std::filesystem::remove_all(dir);
  const std::string file = write_experiment(dir + "-cfg");
  const int base_port = 20000 + static_cast<int>(getpid() % 20000);  // three ports, apart from other runs
  const auto o = ion::testing::run_command("timeout 120 " + kIon + " run " + file +
                                           " --realtime --quiet --duration 6s --warmup 2s --base-port " +
                                           std::to_string(base_port) + " --out " + dir);
  ASSERT_EQ(o.code, 0) << o.text;
  auto e = experiment::load_experiment(file);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  ASSERT_EQ(e->find_site("southampton")->threads, 2u);
  std::vector<std::string> logs;
  for (const char* s : {"zurich", "southampton", "padova"}) logs.push_back(dir + "/" + s + ".ionlog");
  auto m = record::merge_logs(logs);
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  auto c = hub_counters(*m, e->find_site("southampton")->id);
  ASSERT_TRUE(c.count("ring_full_waits")) << "no two-thread hub note in the hub's log";
  EXPECT_GT(c["spikes"], 0);
  EXPECT_GT(c["forwarded"], 0);
  EXPECT_GT(c["ltp"] + c["ltd"], 0);
  EXPECT_EQ(c["device_errors"], 0);
  // Every forwarded input went out from the loop thread: the post sites received at most those.
  EXPECT_GT(m->inputs.size(), 0u);
  EXPECT_LE(static_cast<long long>(m->inputs.size()), c["forwarded"]);
  // Every read-back was drained into the log before the note: its LTP/LTD records are the note's.
  long long pulses = 0;
  for (const auto& [id, rows] : m->synapses)
    for (const auto& r : rows) pulses += r.action != static_cast<int8_t>(PlasticityAction::read);
  EXPECT_EQ(pulses, c["ltp"] + c["ltd"]);
  const auto replay = crashtest::expect_device_is_replay_of_log(*e, "southampton", dir, 0);
  EXPECT_EQ(replay.pulses, c["ltp"] + c["ltd"]);
}

}  // namespace
