// SPDX-License-Identifier: Apache-2.0
// `ion run` in real time chooses the ports the experiment leaves open (docs/experiment.md): two
// runs of the built-in at once both complete (before: the second found 127.0.0.1:7201 "already
// in use"), --base-port gives site i port N + i (recorded in the experiment file the sites
// load), pinned and auto sites mix, and `ion report` on the running experiment leaves it alone.
// Addresses of this file: 127.0.110.x (and the built-in's own 127.0.0.1 with free ports).
// Run with the machine-wide lock: flock /tmp/ion-realtime.lock ctest -R PortsRealtime
#include <gtest/gtest.h>

#include <future>

#include "../common/process_helpers.hpp"
#include "../common/test_files.hpp"
#include "experiment/builtin.hpp"

using namespace ion;
using namespace ion::testing;
using namespace std::chrono_literals;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string run_cmd(const std::string& out, const std::string& extra = "") {
  return kIon + " run --realtime --duration 3s --warmup 1s --out " + out + extra;
}

// The built-in with its sites on 127.0.110.1 (ports left to the runner); `site` pinned at `port`.
std::string experiment_on_110(const std::string& dir, const std::string& site = "", int port = 0) {
  std::string text(experiment::builtin_experiment_text());
  for (size_t at = 0; (at = text.find("\"127.0.0.1\"", at)) != std::string::npos;)
    text.replace(at, 11, "\"127.0.110.1\"");
  if (!site.empty()) {
    const size_t at = text.find("\"127.0.110.1\"", text.find("[sites." + site + "]"));
    text.replace(at, 13, "\"127.0.110.1:" + std::to_string(port) + "\"");
  }
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/experiment.toml") << text;
  return dir + "/experiment.toml";
}

TEST(PortsRealtime, TwoBuiltinRunsAtOnceBothComplete) {
  const std::string dir = fresh_test_dir("test-runs", "ports-two-runs");
  auto a = std::async(std::launch::async, [&] { return run_command(run_cmd(dir + "/a")); });
  auto b = std::async(std::launch::async, [&] { return run_command(run_cmd(dir + "/b")); });
  const CommandOutput ra = a.get(), rb = b.get();
  EXPECT_EQ(ra.code, 0) << ra.text;  // old code: one of them "address 127.0.0.1:7201 already in use"
  EXPECT_EQ(rb.code, 0) << rb.text;
  EXPECT_FALSE(has(ra.text + rb.text, "already in use"));
  EXPECT_EQ(h5_meta(dir + "/a/recording.h5", "run_status"), "complete");
  EXPECT_EQ(h5_meta(dir + "/b/recording.h5", "run_status"), "complete");
}

TEST(PortsRealtime, BasePortGivesSiteIPortNPlusIAndMixesWithPinnedSites) {
  const std::string dir = fresh_test_dir("test-runs", "ports-base");
  // zurich (site 0) pinned at 41100; southampton and padova get 41101 and 41102.
  const std::string file = experiment_on_110(dir + "/cfg", "zurich", 41100);
  auto r = run_command(run_cmd(dir + "/run", " --base-port 41100 " + file));
  ASSERT_EQ(r.code, 0) << r.text;
  const std::string used = slurp(dir + "/run/experiment.toml");
  EXPECT_TRUE(has(used, "\"127.0.110.1:41100\"")) << used;
  EXPECT_TRUE(has(used, "\"127.0.110.1:41101\"")) << used;
  EXPECT_TRUE(has(used, "\"127.0.110.1:41102\"")) << used;
  // The sites recorded that file (their experiment_file note), so the ports are in the recording.
  EXPECT_TRUE(has(slurp(dir + "/run/southampton.ionlog"), "127.0.110.1:41101"));
  // --base-port that would give padova (site 2) the port zurich pins: refused before anything ran.
  const std::string clash = experiment_on_110(dir + "/cfg2", "zurich", 41202);
  r = run_command(run_cmd(dir + "/run2", " --base-port 41200 " + clash));
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text, "site padova would get port 41202, which the experiment pins on 127.0.110.1")) << r.text;
}

TEST(PortsRealtime, ABasePortInUseIsNamed) {
  const std::string dir = fresh_test_dir("test-runs", "ports-in-use");
  const std::string file = experiment_on_110(dir + "/cfg");
  const pid_t holder = spawn_group(
      "python3 -c \"import socket,time; s=socket.socket(socket.AF_INET, "
      "socket.SOCK_DGRAM); s.bind(('127.0.110.1', 41301)); print('bound', flush=True); "
      "time.sleep(30)\"",
      dir + "/holder.out");
  ASSERT_TRUE(wait_until([&] { return has(slurp(dir + "/holder.out"), "bound"); }, 10s));
  auto r = run_command(run_cmd(dir + "/run", " --base-port 41300 " + file));
  kill(-holder, SIGKILL);
  wait_exit(holder, 5s);
  EXPECT_EQ(r.code, 1) << r.text;
  EXPECT_TRUE(has(r.text, "site southampton: address 127.0.110.1:41301 already in use")) << r.text;
}

TEST(PortsRealtime, ReportDuringARunRefusesAndLeavesTheRunAlone) {
  const std::string dir = fresh_test_dir("test-runs", "ports-report-running");
  const pid_t run = spawn_group(kIon + " run --realtime --duration 8s --warmup 1s --out " + dir + "/run",
                                dir + "/run.out");
  ASSERT_TRUE(wait_until([&] { return has(slurp(dir + "/run/southampton.status"), "\"state\":\"running\""); }, 30s))
      << slurp(dir + "/run.out");
  auto r = run_command(kIon + " report " + dir + "/run");
  EXPECT_EQ(r.code, 2) << r.text;  // old code: 0, and report.html written mid-run
  EXPECT_TRUE(has(r.text, "is still going")) << r.text;
  EXPECT_TRUE(has(r.text, "--live")) << r.text;
  EXPECT_FALSE(std::filesystem::exists(dir + "/run/report.html"));
  r = run_command(kIon + " report --live " + dir + "/run");
  EXPECT_EQ(r.code, 0) << r.text;
  EXPECT_TRUE(std::filesystem::exists(dir + "/run/report-live.html"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/run/report.html"));
  EXPECT_EQ(wait_exit(run, 60s), 0) << slurp(dir + "/run.out");
  EXPECT_TRUE(std::filesystem::exists(dir + "/run/report.html"));
}

}  // namespace
