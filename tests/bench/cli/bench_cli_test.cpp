// SPDX-License-Identifier: Apache-2.0
// `ion bench ...` through the `ion` binary (src/cli/cmd_bench.cpp): every subcommand is there, and
// bad options exit with one clear message and the exit code each command has always used
// (2 for a bad option of device, detect, neurons; 1 for link and hub, whose checks run in the harness).
#include <gtest/gtest.h>

#include <string>

#include "../../common/run_command.hpp"

namespace {
ion::testing::CommandOutput run(const std::string& args) {
  return ion::testing::run_command(std::string(ION_BINARY_DIR) + "/ion " + args);
}

void expect_refused(const std::string& args, int code, const std::string& message) {
  const auto r = run(args);
  EXPECT_EQ(r.code, code) << args << "\n" << r.text;
  EXPECT_NE(r.text.find("ion: " + message), std::string::npos) << args << "\n" << r.text;
}
}  // namespace

TEST(IonBenchCli, DetectRefusesBadTableSeedsAfterItsThroughput) {
  const auto r = run("bench detect --channels 8 --seconds 0.05 --repeats 1 --table-seeds 0");
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_NE(r.text.find("--table-seeds must be 1..100"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("detect pipeline (band-pass order 2"), std::string::npos) << r.text;
}

TEST(IonBenchCli, BadOptionsExitWithOneClearMessage) {
  expect_refused("bench device --size 0", 2, "--size must be in 1..4096");
  expect_refused("bench device --seconds 61", 2, "--seconds must be in (0, 60]");
  expect_refused("bench neurons --repeats 0", 2, "bench neurons: --cuba-seconds, --cuba-seeds");
  expect_refused("bench hub --synapses 1", 1, "bench hub: --synapses: expected 2..1048576");
  expect_refused("bench hub --synapses 1048577", 1, "bench hub: --synapses: expected 2..1048576");
  expect_refused("bench link --seconds 0", 1, "bench link: --seconds and --latency-seconds must be in (0, 60] s");
}

TEST(IonBenchCli, DeviceBenchPrintsTheBaselineAndEveryModel) {
  const auto r = run("bench device --size 3 --seconds 0.001");
  ASSERT_EQ(r.code, 0) << r.text;
  EXPECT_NE(r.text.find("# pulse updates per second, one core, 3x3 array, random cells (seed 1)"), std::string::npos);
  for (const char* row : {"baseline       memory", "linear-drift   closed", "joglekar       integrated"})
    EXPECT_NE(r.text.find(row), std::string::npos) << row << "\n" << r.text;
}

TEST(IonBenchCli, EveryBenchmarkIsASubcommandOfBench) {
  const auto r = run("bench --help");
  ASSERT_EQ(r.code, 0) << r.text;
  for (const char* name : {"device", "detect", "neurons", "link", "hub"})
    EXPECT_NE(r.text.find(std::string("  ") + name + " "), std::string::npos) << name << "\n" << r.text;
}
