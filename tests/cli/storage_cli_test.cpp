// SPDX-License-Identifier: Apache-2.0
// Issue 12, findings 2 and 3 through the `ion` binary (no network): `ion run --sim` and
// `ion inspect --h5` on a real tmpfs that fills up (no crash, a clear error naming the file, no
// 0-byte temporary file, every log readable), and repair / `ion node --resume` refusing a
// mid-log length flip without changing the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../common/loopback_experiment.hpp"
#include "../common/run_command.hpp"
#include "../common/test_files.hpp"
#include "../common/tmpfs.hpp"
#include "experiment/builtin.hpp"
#include "record/log_reader.hpp"

using namespace ion;
using ion::testing::run_command;
using ion::testing::Tmpfs;

namespace {

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";

std::string fresh_dir(const std::string& name) { return ion::testing::fresh_test_dir("test-runs/storage-cli", name); }
using ion::testing::file_contents;

// Zero-byte files whose name ends in ".tmp" under `dir` (what a crashed export used to leave).
std::vector<std::string> empty_temporaries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir))
    if (f.path().extension() == ".tmp" && f.file_size() == 0) out.push_back(f.path().string());
  return out;
}

// Every event log under `dir` opens and ends cleanly (nothing torn, nothing half-written).
void expect_logs_readable(const std::string& dir) {
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() != ".ionlog") continue;
    auto s = record::scan_log(f.path().string());
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    EXPECT_EQ(s->state, record::TailState::clean) << f.path() << ": " << s->describe();
  }
}

// A simulated run of the built-in experiment into `out` (normal disk).
void simulate(const std::string& out) {
  auto r = run_command(kIon + " run --sim --quiet --duration 4s --out " + out);
  ASSERT_EQ(r.code, 0) << r.text;
}

// Flips bit 16 of the length field of a record in the middle of `log` (a 27-byte spike record
// then claims 65 563 bytes). Returns that record's offset.
uint64_t flip_mid_length(const std::string& log) {
  auto r = record::LogReader::open(log);
  std::vector<uint64_t> offsets;
  while (auto raw = r->next_raw()) offsets.push_back(raw->offset);
  if (offsets.size() < 10) ADD_FAILURE() << log << " has only " << offsets.size() << " records";
  if (offsets.empty()) return 0;
  const uint64_t at = offsets[offsets.size() / 2];
  std::string bytes = file_contents(log);
  bytes[at + 2] = static_cast<char>(bytes[at + 2] ^ 0x01);
  std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;
  return at;
}

}  // namespace

TEST(FullDiskCli, SimRunOnAFullTmpfsStopsLoudlyAndLeavesReadableLogs) {
  Tmpfs disk(fresh_dir("run-tmpfs"), 48 * 1024);
  if (!disk.mounted()) GTEST_SKIP() << disk.reason();
  const std::string out = disk.dir() + "/run";
  auto r = run_command(kIon + " run --sim --quiet --duration 8s --out " + out);
  EXPECT_EQ(r.code, 1) << "expected a clean failure (1), not success or a crash:\n" << r.text;
  EXPECT_NE(r.text.find("event log failed, site stopped: cannot write " + out + "/"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(".ionlog: No space left on device"), std::string::npos) << r.text;
  EXPECT_TRUE(empty_temporaries(disk.dir()).empty()) << empty_temporaries(disk.dir()).front();
  expect_logs_readable(out);
}

// Issue 12: HDF5 export onto a full disk crashed at exit (H5F__close_cb ← H5_term_library) or
// left a 0-byte recording.h5.tmp. Both a disk with no room and one with room for part of the file.
TEST(FullDiskCli, InspectH5OntoAFullTmpfsIsAnErrorNotACrash) {
  const std::string logs = fresh_dir("h5-logs");
  simulate(logs);
  const std::string all = logs + "/zurich.ionlog " + logs + "/southampton.ionlog " + logs + "/padova.ionlog";
  auto ok = run_command(kIon + " inspect --h5 " + logs + "/probe.h5 " + all);
  ASSERT_EQ(ok.code, 0) << ok.text;
  const size_t h5_bytes = std::filesystem::file_size(logs + "/probe.h5");
  for (size_t room : {size_t{0}, h5_bytes / 2}) {
    SCOPED_TRACE("room " + std::to_string(room));
    Tmpfs disk(fresh_dir("h5-tmpfs-" + std::to_string(room)), h5_bytes + 64 * 1024);
    if (!disk.mounted()) GTEST_SKIP() << disk.reason();
    disk.fill("filler");
    std::filesystem::resize_file(disk.dir() + "/filler", std::filesystem::file_size(disk.dir() + "/filler") - room);
    const std::string out = disk.dir() + "/recording.h5";
    auto r = run_command(kIon + " inspect --h5 " + out + " " + all);
    EXPECT_EQ(r.code, 1) << "expected a clean failure (1), not a crash:\n" << r.text;
    EXPECT_NE(r.text.find("cannot write " + out + ".tmp: No space left on device"), std::string::npos) << r.text;
    EXPECT_FALSE(std::filesystem::exists(out + ".tmp")) << "temporary file left behind";
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

// Issue 12 finding 3: `ion inspect --repair` truncated a log with one flipped length bit in the
// middle (10046 → 5645 bytes in the report) although mid-log damage needs --force.
TEST(RepairCli, FlippedMidLogLengthNeedsForce) {
  const std::string dir = fresh_dir("repair");
  simulate(dir);
  const std::string log = dir + "/zurich.ionlog";
  const uint64_t at = flip_mid_length(log);
  const std::string damaged = file_contents(log);
  auto r = run_command(kIon + " inspect --repair " + log);
  EXPECT_EQ(r.code, 1) << r.text;
  EXPECT_NE(r.text.find("damage in the middle of the log"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("Nothing was changed"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("--repair --force"), std::string::npos) << r.text;
  EXPECT_TRUE(file_contents(log) == damaged) << "repair without --force changed the log";
  auto forced = run_command(kIon + " inspect --repair --force " + log);
  EXPECT_EQ(forced.code, 0) << forced.text;
  EXPECT_EQ(std::filesystem::file_size(log), at);
}

TEST(RepairCli, ResumeRefusesMidLogDamageAndChangesNothing) {
  const std::string dir = fresh_dir("resume-damaged");
  simulate(dir);
  const std::string text = ion::testing::pin_loopback(std::string(experiment::builtin_experiment_text()), "127.0.84.1");
  std::ofstream(dir + "/experiment.toml") << text;
  ASSERT_EQ(run_command(kIon + " keygen --sites zurich,southampton,padova --out " + dir + "/keys").code, 0);
  const std::string log = dir + "/southampton.ionlog";
  flip_mid_length(log);
  const std::string damaged = file_contents(log), origin = file_contents(dir + "/southampton.origin");
  auto r = run_command(kIon + " node " + dir + "/experiment.toml --site southampton --out " + dir + " --keys " + dir +
                       "/keys --duration 4s --warmup 0s --resume");
  EXPECT_EQ(r.code, 1) << r.text;
  EXPECT_NE(r.text.find("site southampton: " + log + ": damage in the middle of the log"), std::string::npos) << r.text;
  EXPECT_TRUE(file_contents(log) == damaged) << "--resume changed the damaged log";
  EXPECT_EQ(file_contents(dir + "/southampton.origin"), origin);
}
