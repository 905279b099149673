// SPDX-License-Identifier: Apache-2.0
// `[recording] signal = true` (issue 17, docs/recording.md §7.1) on simulated runs of the built-in
// experiment: the bio site writes every row it processes, and its delivered stimuli as TTL edges,
// as an Open Ephys session <out>/padova.openephys; replaying a known session, the recorded rows are
// exactly the replayed ones; the event logs are the same with and without it; a full disk under
// continuous.dat stops the bio site with a message saying so and leaves a readable session of
// whole rows that are the first rows of the full run's session.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "../common/test_files.hpp"
#include "env/posix_storage.hpp"
#include "experiment/builtin.hpp"
#include "experiment/ports.hpp"
#include "node/launch/sim_runner.hpp"
#include "record/merge.hpp"
#include "site/bio/npy.hpp"
#include "site/bio/openephys.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

constexpr const char* kBio = "padova";
constexpr double kRateHz = 25000;

experiment::Experiment built_in(bool signal) {
  auto e = experiment::builtin_experiment();
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  experiment::scale_duration(*e, 4_s);
  experiment::assign_sim_ports(*e);
  e->recording.signal = signal;
  return std::move(e).value();
}

site::SimRunReport run(const experiment::Experiment& e, const std::string& dir, std::vector<StorageFault> faults = {}) {
  site::SimRunOptions o;
  o.out_dir = dir;
  o.warmup_ns = 1_s;
  o.storage_faults = std::move(faults);
  auto r = site::run_sim(e, o);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r ? std::move(r).value() : site::SimRunReport{};
}

std::string session(const std::string& dir) { return dir + "/" + kBio + ".openephys"; }

std::vector<int16_t> samples(const std::string& path) {
  auto src = bio::open_openephys(path);
  EXPECT_TRUE(src.is_ok()) << src.status().message();
  if (!src) return {};
  std::vector<int16_t> v(static_cast<size_t>((*src)->info().total_rows) * (*src)->info().channels);
  auto n = (*src)->read(v);
  EXPECT_TRUE(n.is_ok());
  return v;
}

std::vector<record::StimulusRow> delivered(const std::vector<std::string>& logs) {
  auto m = record::merge_logs(logs);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  std::vector<record::StimulusRow> out;
  for (const auto& s : m->stimuli)
    if (s.outcome != static_cast<uint8_t>(StimulusOutcome::refused)) out.push_back(s);
  return out;
}

std::string data_file(const std::string& dir) {
  return session(dir) + "/Record Node 101/experiment1/recording1/continuous/ion_culture-100.mea/continuous.dat";
}

TEST(SignalSim, SessionHoldsEveryRowAndDeliveredStimulus) {
  const std::string dir = ion::testing::fresh_test_dir("test-runs/signal-sim", "culture");
  const auto e = built_in(true);
  const auto r = run(e, dir);
  EXPECT_EQ(r.outcome.status, record::RunStatus::complete) << record::describe(r.outcome);
  auto src = bio::open_openephys(session(dir));
  ASSERT_TRUE(src.is_ok()) << src.status().message();
  EXPECT_EQ((*src)->info().channels, 1u);
  EXPECT_EQ((*src)->info().sample_rate_hz, kRateHz);
  EXPECT_EQ((*src)->info().total_rows, static_cast<int64_t>(to_seconds(e.duration_ns) * kRateHz));
  EXPECT_FLOAT_EQ((*src)->info().gain_v.front(), 0.195e-6f);
  // One rising TTL edge per delivered stimulus, at the row the emulator applied it (line = electrode + 1).
  const auto stims = delivered(r.logs);
  ASSERT_FALSE(stims.empty());
  const std::string ttl = session(dir) + "/Record Node 101/experiment1/recording1/events/ion_culture-100.mea/TTL/";
  auto edges = bio::read_npy_i64(ttl + "sample_numbers.npy", 1 << 20);
  ASSERT_TRUE(edges.is_ok()) << edges.status().message();
  ASSERT_EQ(edges->size(), 2 * stims.size());
  for (size_t i = 0; i < stims.size(); ++i)
    EXPECT_EQ((*edges)[2 * i], std::llround(to_seconds(stims[i].t) * kRateHz)) << "stimulus " << i;
}

TEST(SignalSim, RecordingTheSignalLeavesTheLogsUnchanged) {
  const std::string with = ion::testing::fresh_test_dir("test-runs/signal-sim", "with");
  const std::string without = ion::testing::fresh_test_dir("test-runs/signal-sim", "without");
  const auto a = run(built_in(true), with), b = run(built_in(false), without);
  auto ma = record::merge_logs(a.logs), mb = record::merge_logs(b.logs);
  ASSERT_TRUE(ma.is_ok() && mb.is_ok());
  EXPECT_EQ(record::digest(*ma), record::digest(*mb));
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_FALSE(std::filesystem::exists(session(without)));
}

// A known session replayed by the bio site comes back unchanged, row for row.
TEST(SignalSim, ReplayedRowsAreRecordedExactly) {
  const std::string dir = ion::testing::fresh_test_dir("test-runs/signal-sim", "replay");
  PosixStorage st;
  auto w = bio::OpenEphysWriter::create(st, dir + "/input",
                                        {.channels = 1, .sample_rate_hz = kRateHz, .bit_volts_uv = 0.195});
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  std::vector<int16_t> input(static_cast<size_t>(5 * kRateHz));
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int16_t>((i * 7919) % 4001) - 2000;
  ASSERT_TRUE(w->write(input).is_ok());
  ASSERT_TRUE(w->close().is_ok());
  auto e = built_in(true);
  auto& src = *e.sites[e.find_site(kBio)->id].source;
  src.kind = experiment::SourceKind::openephys;
  src.path = dir + "/input";
  run(e, dir);
  const auto got = samples(session(dir));
  ASSERT_EQ(got.size(), static_cast<size_t>(to_seconds(e.duration_ns) * kRateHz));
  EXPECT_TRUE(std::equal(got.begin(), got.end(), input.begin()));
}

// The disk under continuous.dat fills up mid-run: the bio site stops and says why; the session
// stays readable, holds only whole rows, and they are the full run's first rows.
TEST(SignalSim, FullDiskStopsTheSiteAndKeepsAReadablePrefix) {
  const std::string full = ion::testing::fresh_test_dir("test-runs/signal-sim", "full");
  const std::string cut = ion::testing::fresh_test_dir("test-runs/signal-sim", "disk-full");
  const auto e = built_in(true);
  run(e, full);
  constexpr uint64_t kBudget = 100001;  // odd: the failing append is cut mid-row
  const auto r = run(e, cut, {StorageFault{StorageOp::write, "continuous.dat", kBudget, ENOSPC}});
  EXPECT_EQ(r.outcome.status, record::RunStatus::incomplete);
  EXPECT_NE(r.outcome.detail.find("signal recording failed"), std::string::npos) << r.outcome.detail;
  EXPECT_NE(r.outcome.detail.find("No space left on device"), std::string::npos) << r.outcome.detail;
  EXPECT_NE(r.outcome.detail.find("keeps the first"), std::string::npos) << r.outcome.detail;
  const auto bytes = std::filesystem::file_size(data_file(cut));
  EXPECT_EQ(bytes % 2, 0u);
  EXPECT_LE(bytes, kBudget);
  EXPECT_GT(bytes, kBudget - 2 * 25 * 2);  // at most one 1 ms block (25 rows) of the budget is lost
  const auto got = samples(session(cut)), all = samples(session(full));
  ASSERT_EQ(got.size() * 2, bytes);
  ASSERT_LT(got.size(), all.size());
  EXPECT_TRUE(std::equal(got.begin(), got.end(), all.begin()));
}

}  // namespace

namespace {

// The disk is also full for the session's metadata: the message says the session could not be
// completed, and no structure.oebin claims rows that are not there.
TEST(SignalSim, FullDiskForTheMetadataTooIsSaid) {
  const std::string dir = ion::testing::fresh_test_dir("test-runs/signal-sim", "disk-full-meta");
  const auto r = run(built_in(true), dir,
                     {StorageFault{StorageOp::write, "continuous.dat", 100001, ENOSPC},
                      StorageFault{StorageOp::write, ".npy.tmp", 0, ENOSPC}});
  EXPECT_EQ(r.outcome.status, record::RunStatus::incomplete);
  EXPECT_NE(r.outcome.detail.find("could not be completed either"), std::string::npos) << r.outcome.detail;
  EXPECT_FALSE(bio::open_openephys(session(dir)).is_ok());
}

}  // namespace
