// SPDX-License-Identifier: Apache-2.0
// `ion inspect` end to end on logs written by ion_record_fixture.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>
#include "../common/run_command.hpp"

namespace {

using ion::testing::run_command;

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";
const std::string kFixture = ION_RECORD_FIXTURE;  // the built fixture, wherever CMake puts it

std::string fixture_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("ion_inspect_test_" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_EQ(run_command(kFixture + " " + dir.string() + " 3").code, 0);
  return dir.string();
}

}  // namespace

TEST(InspectCli, TextSummaryOfEveryLog) {
  const auto dir = fixture_dir("text");
  auto o = run_command(kIon + " inspect " + dir + "/bio.ionlog " + dir + "/silicon.ionlog " + dir + "/hub.ionlog");
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("site 'bio' (id 0)"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("spike=60"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("unknown=1"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("epochs 102 103[resumed]"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("gap: resumed after dropping"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("tail: torn record at offset"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("dropped 5 bytes"), std::string::npos) << o.text;
}

TEST(InspectCli, JsonReportsTornTailAndRepairTruncates) {
  const auto dir = fixture_dir("torn");
  const std::string log = dir + "/bio.ionlog";
  const auto good = std::filesystem::file_size(log);
  std::ofstream(log, std::ios::binary | std::ios::app).write("\x10\x00\x00", 3);
  auto o = run_command(kIon + " inspect --json " + log);
  ASSERT_EQ(o.code, 0) << o.text;
  auto j = nlohmann::json::parse(o.text);
  const auto& tail = j["logs"][0]["tail"];
  EXPECT_EQ(tail["state"], "torn");
  EXPECT_EQ(tail["dropped_bytes"], 3);
  EXPECT_EQ(j["logs"][0]["records_by_kind"]["spike"], 60);
  EXPECT_EQ(j["logs"][0]["tail"]["unknown_records"], 1);
  EXPECT_EQ(std::filesystem::file_size(log), good + 3) << "inspect alone must not modify the log";
  auto r = run_command(kIon + " inspect --repair " + log);
  ASSERT_EQ(r.code, 0) << r.text;
  EXPECT_NE(r.text.find("repaired"), std::string::npos) << r.text;
  EXPECT_EQ(std::filesystem::file_size(log), good);
}

TEST(InspectCli, BadInputGivesAClearMessage) {
  const auto dir = fixture_dir("bad");
  auto missing = run_command(kIon + " inspect " + dir + "/nope.ionlog");
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.text.find("nope.ionlog"), std::string::npos) << missing.text;
  const std::string junk = dir + "/junk.ionlog";
  std::ofstream(junk) << "this is not a log at all";
  auto bad = run_command(kIon + " inspect " + junk);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.text.find("not an ion event log"), std::string::npos) << bad.text;
  EXPECT_NE(bad.text.find(junk), std::string::npos) << bad.text;
  // Corruption in the middle: --repair refuses without --force.
  const std::string log = dir + "/bio.ionlog";
  std::fstream f(log, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(100);
  f.put('\xAA');
  f.close();
  auto refused = run_command(kIon + " inspect --repair " + log);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.text.find("--force"), std::string::npos) << refused.text;
}

namespace {
class TempCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(
        std::filesystem::temp_directory_path() / ("ion_inspect_test_" + std::to_string(::getpid())), ec);
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new TempCleanup);
}  // namespace
