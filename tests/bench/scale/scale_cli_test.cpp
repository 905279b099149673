// SPDX-License-Identifier: Apache-2.0
// `ion bench scale` through the `ion` binary: bad options exit 2 with one clear message, the
// generated experiments pass `ion validate`, and --json is one JSON object.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "../../common/run_command.hpp"
#include "../../common/test_files.hpp"

namespace {
ion::testing::CommandOutput ion_cmd(const std::string& args) {
  return ion::testing::run_command(std::string(ION_BINARY_DIR) + "/ion " + args);
}

void expect_refused(const std::string& args, const std::string& message) {
  const auto r = ion_cmd("bench scale " + args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.text;
  EXPECT_NE(r.text.find("ion: bench scale: " + message), std::string::npos) << args << "\n" << r.text;
}
}  // namespace

TEST(IonBenchScaleCli, BadOptionsExitTwoWithOneClearMessage) {
  expect_refused("--sizes 1e3,x", "--sizes: \"x\" is not a count in 2..1048576");
  expect_refused("--peers 2,2000", "--peers: \"2000\" is not a count in 1..1024");
  expect_refused("--sites 1", "--sites: \"1\" is not a count in 2..64");
  expect_refused("--tables synapses,everything", "--tables: unknown table \"everything\"");
  expect_refused("--seconds 61", "--seconds: expected a duration in (0, 60] s per point");
}

TEST(IonBenchScaleCli, GeneratedExperimentsPassIonValidate) {
  const std::string dir = ion::testing::fresh_test_dir("scale_bench_cli", "experiments");
  const auto w = ion_cmd("bench scale --sites 2,5,64 --write-experiments " + dir);
  ASSERT_EQ(w.code, 0) << w.text;
  std::string files;
  size_t n = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) files += " " + f.path().string(), ++n;
  ASSERT_EQ(n, 3u) << w.text;
  const auto v = ion_cmd("validate" + files);
  EXPECT_EQ(v.code, 0) << v.text;
  EXPECT_NE(v.text.find("64 sites, 1008 neurons, 1008 synapses"), std::string::npos) << v.text;
}

TEST(IonBenchScaleCli, JsonIsOneObjectWithTheChosenTables) {
  const auto r = ion_cmd("bench scale --tables synapses,memory --sizes 16,32 --seconds 0.005 --quick --json");
  ASSERT_EQ(r.code, 0) << r.text;
  const auto j = nlohmann::json::parse(r.text);
  EXPECT_EQ(j.at("synapses").size(), 2u);
  EXPECT_EQ(j.at("peers").size(), 0u);
  EXPECT_EQ(j.at("run").size(), 0u);
  EXPECT_EQ(j.at("memory").size(), 2u + 3u);
}
