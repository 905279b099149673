// SPDX-License-Identifier: Apache-2.0
// `ion device` end to end: runs the built binary and checks its CSV, SVG and error messages.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../common/run_command.hpp"
#include "arc_fixture.hpp"

namespace {

using IonRun = ::ion::testing::CommandOutput;

IonRun ion(const std::string& args) {
  return ::ion::testing::run_command(std::string(ION_BINARY_DIR) + "/ion device " + args);
}

std::vector<std::vector<double>> csv_rows(const std::string& out) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(out);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> r;
    std::istringstream ls(line);
    std::string f;
    while (std::getline(ls, f, ',')) r.push_back(std::stod(f));
    rows.push_back(r);
  }
  return rows;
}

TEST(DeviceCli, PulseProgramPrintsResistanceAfterEveryPulse) {
  const IonRun r = ion(
      "--model data-driven --preset tiox-dut2 --r0 12kohm --read 0.5V "
      "--pulses \"+0.8V,100us*20;-0.8V,100us*20\"");
  ASSERT_EQ(r.code, 0) << r.text;
  EXPECT_EQ(r.text.rfind("pulse,voltage_v,width_s,state_R_ohm,resistance_ohm\n", 0), 0u) << r.text;
  const auto rows = csv_rows(r.text);
  ASSERT_EQ(rows.size(), 41u);
  EXPECT_NEAR(rows[0][4], 12000, 1e-3);
  for (size_t i = 1; i <= 20; ++i) EXPECT_GT(rows[i][4], rows[i - 1][4]) << i;   // +0.8 V raises R
  for (size_t i = 21; i <= 40; ++i) EXPECT_LT(rows[i][4], rows[i - 1][4]) << i;  // −0.8 V lowers it
}

TEST(DeviceCli, SweepCsvAndSvg) {
  const std::string svg = std::string(ION_BINARY_DIR) + "/device_cli_test.svg";
  std::remove(svg.c_str());
  const IonRun r = ion("sweep --model vteam --wave \"sine,1V,1kHz,3cycles\" --csv --svg " + svg);
  ASSERT_EQ(r.code, 0) << r.text;
  const auto rows = csv_rows(r.text);
  ASSERT_EQ(rows.size(), 600u);
  for (const auto& row : rows)
    EXPECT_NEAR(row[2], row[1] / row[4], 1e-7 * std::fabs(row[2]) + 1e-15);  // i = v / R (9 digits)
  std::ifstream f(svg);
  std::string head;
  std::getline(f, head);
  EXPECT_EQ(head.rfind("<svg", 0), 0u);
}

TEST(DeviceCli, BadInputGivesPreciseErrorAndUsageExitCode) {
  struct Bad {
    const char* args;
    const char* needle;
  } cases[] = {
      {"--model nope --pulses +1V,1us", "unknown device model 'nope'"},
      {"--model compact --preset x --pulses +1V,1us", "has no preset 'x'"},
      {"--param Ap=1e12 --pulses +1V,1us", "'Ap' of model 'compact' = 1e+12 is outside its range"},
      {"--param tp --pulses +1V,1us", "must look like name=value"},
      {"--pulses \"+1V,1us;oops\"", "segment 2 ('oops')"},
      {"--r0 5kV --pulses +1V,1us", "--r0 '5kV'"},
      {"", "--pulses is required"},
      {"sweep --wave \"sine,1V,1kHz\"", "expected '<sine|triangle>"},
  };
  for (const auto& c : cases) {
    const IonRun r = ion(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.text;
    EXPECT_NE(r.text.find(c.needle), std::string::npos) << c.args << "\n" << r.text;
  }
}

TEST(DeviceCli, ProgramsOutsideThePresetsFittedRangeAreWarnedOnStderr) {
  const std::string err = testing::TempDir() + "ion_device_warnings.txt";
  const IonRun in = ion("--model data-driven --preset tiox-dut2 --r0 12kohm --pulses \"+0.8V,100us*2;-0.6V,100us\"");
  ASSERT_EQ(in.code, 0) << in.text;
  EXPECT_EQ(in.text.find("warning"), std::string::npos) << in.text;  // inside DUT2's fit: silent
  // The reference GUI's -4 V on DUT1 (fitted on -1.5..-1.2 V), from a resistance it never had.
  const IonRun out = ::ion::testing::run_command(
      "{ " + std::string(ION_BINARY_DIR) +
      "/ion device --model data-driven "
      "--preset tiox-dut1 --r0 8kohm --pulses \"-4V,100us*3;+1.8V,100us\" 2>" +
      err + "; }");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_EQ(csv_rows(out.text).size(), 5u) << out.text;  // the CSV on stdout is unchanged
  std::ifstream f(err);
  const std::string w((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::string range =
      "data-driven preset 'tiox-dut1' outside the range it was fitted on (pulses -1.5 V..-1.2 V "
      "and +1.7 V..+2 V of 100 us; 4.5 kohm..6 kohm read at 0.5 V)";
  EXPECT_NE(w.find("ion device: warning: --r0 drives " + range + ": 8 kohm is outside 4.5 kohm..6 kohm"),
            std::string::npos)
      << w;
  EXPECT_NE(w.find("ion device: warning: --pulses (pulse 1-3) drives " + range + ": -4 V is beyond -1.5 V"),
            std::string::npos)
      << w;
  EXPECT_EQ(w.find("pulse 4"), std::string::npos) << w;  // +1.8 V lies inside the fit
}

TEST(DeviceCli, ListShowsEveryModel) {
  const IonRun r = ion("list");
  ASSERT_EQ(r.code, 0);
  for (const char* m :
       {"linear-drift", "joglekar", "biolek", "prodromakis", "vteam", "yakopcic", "compact", "data-driven"})
    EXPECT_NE(r.text.find(std::string(m) + " — "), std::string::npos) << m;
  EXPECT_NE(r.text.find("tiox-dut2"), std::string::npos);
  EXPECT_NE(
      r.text.find("fitted range of tiox-dut2: pulses -0.8 V..-0.6 V and +0.6 V..+0.8 V of 100 us; 10 kohm..17 kohm "
                  "read at 0.5 V"),
      std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("fitted range of arc-emulator: not published: "), std::string::npos) << r.text;
}

// `ion device --arc` with its real defaults (1 s reset wait, 7 s confirmation timeout) against the
// strict emulated board (its default 300 ms boot time): read and pulse-then-read.
TEST(DeviceCli, ArcOneOverAPseudoTerminal) {
  ion::device::testing::ArcEmulator e(ion::device::testing::compact_array());
  const IonRun r = ion("--arc " + e.slave_path() + " --word 2 --bit 3 --pulses \"+1V,100us*3;-1V,100us*2\"");
  ASSERT_EQ(r.code, 0) << r.text;
  const auto rows = csv_rows(r.text);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_NEAR(rows[0][3], 7000, 1e-2);
  EXPECT_GT(rows[3][3], rows[2][3]);
  EXPECT_LT(rows[5][3], rows[4][3]);
  EXPECT_NEAR(rows[5][3], e.state_ohm(2, 3), 1e-2);
  const IonRun read_only = ion("--arc " + e.slave_path() + " --word 2 --bit 3");  // the same board, reconnected
  ASSERT_EQ(read_only.code, 0) << read_only.text;
  const auto one = csv_rows(read_only.text);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_NEAR(one[0][3], e.state_ohm(2, 3), 1e-2);
  const IonRun bad = ion("--arc /dev/nonexistent-arc --pulses +1V,1us");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.text.find("cannot open serial port '/dev/nonexistent-arc'"), std::string::npos) << bad.text;
}

// `--read-all` prints the board's whole array, word-major, one CSV row per cell.
TEST(DeviceCli, ArcReadAllPrintsTheArrayAsCsv) {
  ion::device::testing::ArcEmulator e(ion::device::testing::distinct_array());
  const IonRun r = ion("--arc " + e.slave_path() + " --read-all");
  ASSERT_EQ(r.code, 0) << r.text;
  EXPECT_EQ(r.text.rfind("word,bit,resistance_ohm\n", 0), 0u) << r.text.substr(0, 200);
  const auto rows = csv_rows(r.text);
  ASSERT_EQ(rows.size(), 1024u);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 3u);
    EXPECT_EQ(rows[i][0], double(i / 32));
    EXPECT_EQ(rows[i][1], double(i % 32));
    EXPECT_NEAR(rows[i][2], e.state_ohm(uint32_t(i / 32), uint32_t(i % 32)), 1e-3 * rows[i][2]);
  }
  for (const char* args : {"--read-all", "--arc X --read-all --pulses +1V,1us", "--arc X --read-all --firmware"}) {
    const IonRun bad = ion(args);
    EXPECT_EQ(bad.code, 2) << args << "\n" << bad.text;
  }
}

// A board left mid-command by an earlier program, with a firmware that has no `999`: the CLI
// brings it up, reads, pulses, reads the array and reports the missing version.
TEST(DeviceCli, ArcSurvivesABoardLeftMidCommandWithoutVersionCommand) {
  ion::device::testing::ArcBoardOptions bo;
  bo.array = ion::device::testing::compact_array();
  bo.firmware.reset();
  bo.left_mid_command = {"2", "1"};  // a read-all waiting for its word and bit counts
  ion::device::testing::ArcEmulator e(bo);
  const IonRun fw = ion("--arc " + e.slave_path() + " --firmware");
  ASSERT_EQ(fw.code, 0) << fw.text;
  EXPECT_NE(fw.text.find("does not report its version"), std::string::npos) << fw.text;
  const IonRun r = ion("--arc " + e.slave_path() + " --word 4 --bit 5 --pulses \"+1V,1ms*2\"");
  ASSERT_EQ(r.code, 0) << r.text;
  const auto rows = csv_rows(r.text);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_GT(rows[2][3], rows[0][3]);
  EXPECT_NEAR(rows[2][3], e.state_ohm(4, 5), 1e-2);
  const IonRun all = ion("--arc " + e.slave_path() + " --read-all");
  ASSERT_EQ(all.code, 0) << all.text;
  EXPECT_NEAR(csv_rows(all.text)[4 * 32 + 5][2], e.state_ohm(4, 5), 1e-2);
}

TEST(DeviceCli, ArcFirmwareVersion) {
  ion::device::testing::ArcEmulator e(ion::device::testing::compact_array());
  const IonRun fw = ion("--arc " + e.slave_path() + " --firmware");
  ASSERT_EQ(fw.code, 0) << fw.text;
  EXPECT_EQ(fw.text, "ArC ONE firmware 9.3\n");
}

}  // namespace
