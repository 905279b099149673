// SPDX-License-Identifier: Apache-2.0
// Ports left to `ion run` (docs/experiment.md, address without a port) and `ion report` on a run
// that is still going (docs/recording.md): the parts that need no real-time run. A live writer
// is played by this test holding the same flock a site holds on its log.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../common/run_command.hpp"
#include "../common/test_files.hpp"
#include "experiment/builtin.hpp"
#include "experiment/endpoint.hpp"
#include "experiment/load.hpp"
#include "experiment/ports.hpp"

namespace {

using namespace ion;
using ion::testing::file_contents;
using ion::testing::fresh_test_dir;
using ion::testing::run_command;

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The built-in with `edits` (site → address) applied through `--set`'s machinery.
experiment::Experiment builtin_with(const std::vector<experiment::Override>& edits) {
  auto e = experiment::load_with_overrides(experiment::builtin_experiment_text(), "b.toml", edits);
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  return std::move(e).value();
}

TEST(Ports, AnAddressWithoutAPortIsAuto) {
  auto e = experiment::parse_endpoint("127.0.110.1", experiment::PortRule::optional);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(e->port, 0);
  EXPECT_EQ(e->host, "127.0.110.1");
  auto v6 = experiment::parse_endpoint("[::1]", experiment::PortRule::optional);
  ASSERT_TRUE(v6.is_ok()) << v6.status().message();
  EXPECT_TRUE(v6->v6 && v6->loopback && v6->port == 0);
  EXPECT_EQ(experiment::endpoint_text(*v6, 7000), "[::1]:7000");
  // Where a port is required (legacy partners) it still is; malformed ones stay refused.
  EXPECT_FALSE(experiment::parse_endpoint("127.0.110.1").is_ok());
  EXPECT_FALSE(experiment::parse_endpoint("::1", experiment::PortRule::optional).is_ok());
  EXPECT_FALSE(experiment::parse_endpoint("127.0.110.1:", experiment::PortRule::optional).is_ok());
  // Two auto sites on one host are no duplicate; the built-in now pins nothing.
  auto b = experiment::builtin_experiment();
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  for (const auto& s : b->sites) EXPECT_EQ(s.address.port, 0) << s.name;
}

TEST(Ports, BasePortGivesSiteIItsPortAndRefusesRangeAndOverlap) {
  auto e = builtin_with({{"sites.southampton.address", "\"127.0.0.1:41002\""}});
  auto plan = experiment::base_port_plan(e, 41000);  // padova (site 2) would get 41002: pinned
  ASSERT_FALSE(plan.is_ok());
  EXPECT_TRUE(has(plan.status().message(), "site padova would get port 41002")) << plan.status().message();
  plan = experiment::base_port_plan(e, 42000);
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  EXPECT_EQ(*plan, (std::vector<uint16_t>{42000, 0, 42002}));  // the pinned hub keeps its own
  plan = experiment::base_port_plan(e, 65534);
  ASSERT_FALSE(plan.is_ok());
  EXPECT_TRUE(has(plan.status().message(), "65536, outside 1..65535")) << plan.status().message();
  auto all_pinned = builtin_with({{"sites.zurich.address", "\"127.0.0.1:1\""},
                                  {"sites.southampton.address", "\"127.0.0.1:2\""},
                                  {"sites.padova.address", "\"127.0.0.1:3\""}});
  EXPECT_FALSE(experiment::base_port_plan(all_pinned, 40000).is_ok());
}

TEST(Ports, SimulationGivesAutoSitesDeterministicFreePorts) {
  auto e = builtin_with({{"sites.southampton.address", "\"127.0.0.1:49153\""}});
  experiment::assign_sim_ports(e);
  EXPECT_EQ(e.sites[0].address.text, "127.0.0.1:49152");
  EXPECT_EQ(e.sites[1].address.text, "127.0.0.1:49153");  // pinned, kept
  EXPECT_EQ(e.sites[2].address.text, "127.0.0.1:49154");  // skips the pinned one
}

TEST(Ports, IonNodeRefusesAnAddressWithoutPortNamingTheKey) {
  const std::string dir = fresh_test_dir("test-runs", "ports-node-portless");
  auto r = run_command(kIon + " node --site padova --out " + dir);
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text, "sites.padova.address = \"127.0.0.1\" has no port: only `ion run` can choose ports"))
      << r.text;
  // Its own port pinned, a peer's not: the peer's key is named.
  r = run_command(kIon + " node --site padova --out " + dir + " --set 'sites.padova.address=\"127.0.110.1:7101\"'");
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text,
                  "sites.southampton.address = \"127.0.0.1\" has no port (site southampton is a peer of "
                  "padova)"))
      << r.text;
}

TEST(Ports, IonRunRefusesBadBasePortsBeforeRunning) {
  const std::string dir = fresh_test_dir("test-runs", "ports-bad-base");
  auto r = run_command(kIon + " run --realtime --base-port 65534 --out " + dir + "/a");
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text, "outside 1..65535")) << r.text;
  EXPECT_FALSE(std::filesystem::exists(dir + "/a/keys"));
  r = run_command(kIon + " run --sim --base-port 40000 --out " + dir + "/b");
  EXPECT_EQ(r.code, 2) << r.text;
  r = run_command(kIon + " run --realtime --base-port 0 --out " + dir + "/c");
  EXPECT_EQ(r.code, 2) << r.text;
}

// Holds an exclusive flock on `path` as a site's log writer does (record/log_open.hpp).
struct FakeWriter {
  explicit FakeWriter(const std::string& path) : fd(::open(path.c_str(), O_RDWR | O_CLOEXEC)) {
    EXPECT_GE(fd, 0) << path;
    EXPECT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0) << path;
  }
  ~FakeWriter() { ::close(fd); }
  int fd;
};

TEST(Ports, ReportOnALiveRunRefusesAndLiveWritesItsOwnFile) {
  const std::string dir = fresh_test_dir("test-runs", "ports-report-live");
  auto r = run_command(kIon + " run --sim --duration 2s --warmup 1s --out " + dir + "/run");
  ASSERT_EQ(r.code, 0) << r.text;
  const std::string report = dir + "/run/report.html";
  const std::string before = file_contents(report);
  ASSERT_FALSE(before.empty());
  {
    FakeWriter writing(dir + "/run/southampton.ionlog");
    r = run_command(kIon + " report " + dir + "/run");
    EXPECT_EQ(r.code, 2) << r.text;
    EXPECT_TRUE(has(r.text, "is still going (site southampton is writing its log)")) << r.text;
    EXPECT_TRUE(has(r.text, "ion report --live " + dir + "/run")) << r.text;
    EXPECT_EQ(file_contents(report), before);  // old code: rewritten
    r = run_command(kIon + " report --live " + dir + "/run");
    EXPECT_EQ(r.code, 0) << r.text;
    EXPECT_TRUE(has(r.text, "report: " + dir + "/run/report-live.html")) << r.text;
    EXPECT_FALSE(file_contents(dir + "/run/report-live.html").empty());
    EXPECT_EQ(file_contents(report), before);
  }
  // The writer gone, the run is over: report.html is regenerated as before.
  std::filesystem::remove(report);
  r = run_command(kIon + " report " + dir + "/run");
  EXPECT_EQ(r.code, 0) << r.text;
  EXPECT_FALSE(file_contents(report).empty());
}

}  // namespace
