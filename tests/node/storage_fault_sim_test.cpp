// SPDX-License-Identifier: Apache-2.0
// Issue 12, findings 2 and 3 at the node: the built-in experiment on SimWorld with storage faults
// injected into the world's files. The first failed write or sync of a site's event log stops that
// site with a message naming the file and the error; what it wrote before is a clean, readable
// prefix of what an undisturbed run writes. A second node for a live site is refused before it
// writes anything.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "env/sim_world.hpp"
#include "experiment/builtin.hpp"
#include "experiment/ports.hpp"
#include "node/launch/sim_runner.hpp"
#include "node/node.hpp"
#include "record/log_reader.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

experiment::Experiment short_experiment() {
  auto e = experiment::builtin_experiment();
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  experiment::scale_duration(*e, 6_s);
  experiment::assign_sim_ports(*e);  // the built-in leaves its ports to the runner
  return std::move(e).value();
}

std::string run_dir(const std::string& name) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-runs/storage-faults/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

Result<site::SimRunReport> run(const std::string& dir, std::vector<StorageFault> faults) {
  site::SimRunOptions o;
  o.out_dir = dir;
  o.warmup_ns = 1_s;
  o.storage_faults = std::move(faults);
  return site::run_sim(short_experiment(), o);
}

// The raw records (kind and payload bytes) of a log, and its scan report.
struct Records {
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> items;
  record::ScanReport report;
};
Records records_of(const std::string& path) {
  Records out;
  auto r = record::LogReader::open(path);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  if (!r) return out;
  while (auto raw = r->next_raw())
    out.items.emplace_back(raw->kind, std::vector<uint8_t>(raw->payload.begin(), raw->payload.end()));
  out.report = r->report();
  return out;
}

// The undisturbed run: what every site's log holds without faults (the same seed gives the same
// records, session epochs and all). One directory per test: CTest runs tests in parallel.
std::string clean_run(const std::string& name) {
  const std::string dir = run_dir(name + "-clean");
  auto r = run(dir, {});
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return dir;
}

// Runs with `fault` and checks the loud failure and the intact prefix of `site`'s log.
void expect_site_stops_loudly(const std::string& name, const std::string& site, const StorageFault& fault,
                              const std::string& reason) {
  const std::string dir = run_dir(name);
  auto r = run(dir, {fault});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->outcome.status, record::RunStatus::incomplete) << "the run pretended success";
  const std::string log = dir + "/" + site + ".ionlog";
  const std::string msg = r->outcome.detail;
  EXPECT_NE(msg.find("site " + site + ": event log failed, site stopped"), std::string::npos) << msg;
  EXPECT_NE(msg.find(log + ": " + reason), std::string::npos) << msg;
  const Records got = records_of(log);
  const Records clean = records_of(clean_run(name) + "/" + site + ".ionlog");
  EXPECT_EQ(got.report.state, record::TailState::clean) << got.report.describe();
  ASSERT_GT(got.items.size(), 8u) << "the experiment notes of the start are there";
  ASSERT_LT(got.items.size(), clean.items.size()) << "the fault did not cut the log";
  for (size_t i = 0; i < got.items.size(); ++i)
    ASSERT_EQ(got.items[i], clean.items[i]) << "record " << i << " differs from the undisturbed run";
}

}  // namespace

TEST(StorageFaultSim, FullDiskStopsTheHubWithItsEarlierRecordsIntact) {
  expect_site_stops_loudly("hub-enospc", "southampton",
                           StorageFault{StorageOp::write, "southampton.ionlog", 12000, ENOSPC},
                           "No space left on device");
}

TEST(StorageFaultSim, IoErrorStopsABioSite) {
  expect_site_stops_loudly("padova-eio", "padova", StorageFault{StorageOp::write, "padova.ionlog", 9000, EIO},
                           "Input/output error");
}

TEST(StorageFaultSim, FailedSyncAtTheEndIsNotASuccess) {
  const std::string dir = run_dir("zurich-fsync");
  auto r = run(dir, {StorageFault{StorageOp::sync, "zurich.ionlog", 0, EIO}});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->outcome.status, record::RunStatus::incomplete) << "the run pretended success";
  EXPECT_NE(r->outcome.detail.find("site zurich: event log failed"), std::string::npos) << r->outcome.detail;
  EXPECT_NE(r->outcome.detail.find("cannot sync " + dir + "/zurich.ionlog: Input/output error"), std::string::npos)
      << r->outcome.detail;
  // Everything was written (only its durability is in doubt): the same records as the clean run.
  const Records got = records_of(dir + "/zurich.ionlog");
  const Records clean = records_of(clean_run("zurich-fsync") + "/zurich.ionlog");
  EXPECT_EQ(got.items, clean.items);
}

TEST(StorageFaultSim, ClockOriginThatCannotBeSavedStopsTheStartCleanly) {
  const std::string dir = run_dir("origin");
  auto r = run(dir, {StorageFault{StorageOp::write, "padova.origin.tmp", 0, ENOSPC}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("site padova: cannot write " + dir + "/padova.origin.tmp: No space left"),
            std::string::npos)
      << r.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir + "/padova.origin.tmp")) << "temporary file left behind";
  EXPECT_FALSE(std::filesystem::exists(dir + "/padova.origin"));
}

// Issue 12 finding 3: a second `ion node --resume` against a live site wrote a "resumed" session
// into the live log before failing. Both a fresh start and a resume are refused untouched now.
TEST(StorageFaultSim, SecondNodeForALiveSiteWritesNothing) {
  const std::string dir = run_dir("second-node");
  const auto e = short_experiment();
  SimWorld live_world(SimWorldOptions{1, ""});
  site::NodeOptions o;
  o.out_dir = dir;
  o.epoch = 5;
  o.keys = [](const std::string& a, const std::string& b) -> Result<wire::Psk> {
    return site::simulation_psk(1, a, b);
  };
  auto live = site::Node::create(e, "southampton", *live_world.add_node("southampton").value(), o);
  ASSERT_TRUE(live.is_ok()) << live.status().message();
  live_world.run_for(2_s);
  const std::string log = dir + "/southampton.ionlog", origin = dir + "/southampton.origin";
  std::ifstream in(log, std::ios::binary);
  const std::string log_before((std::istreambuf_iterator<char>(in)), {});
  const auto origin_time = std::filesystem::last_write_time(origin);
  for (bool resume : {true, false}) {
    SimWorld other(SimWorldOptions{2, ""});
    site::NodeOptions o2 = o;
    o2.resume = resume;
    o2.epoch = 6;
    auto second = site::Node::create(e, "southampton", *other.add_node("southampton").value(), o2);
    ASSERT_FALSE(second.is_ok()) << "resume=" << resume;
    EXPECT_EQ(second.status().code(), Errc::unavailable);
    EXPECT_NE(second.status().message().find("is in use"), std::string::npos) << second.status().message();
    EXPECT_NE(second.status().message().find("already running"), std::string::npos) << second.status().message();
  }
  std::ifstream again(log, std::ios::binary);
  const std::string log_after((std::istreambuf_iterator<char>(again)), {});
  EXPECT_TRUE(log_after == log_before) << "the live log was written: " << log_before.size() << " → " << log_after.size()
                                       << " bytes";
  EXPECT_EQ(std::filesystem::last_write_time(origin), origin_time) << "the live clock origin was rewritten";
  const Records rec = records_of(log);
  int sessions = 0;
  for (const auto& [kind, payload] : rec.items) sessions += kind == 7;  // session_start
  EXPECT_EQ(sessions, 1);
}
