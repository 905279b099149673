// SPDX-License-Identifier: Apache-2.0
// `ion neuron` through CLI11 in-process (cmd_neuron.cpp is compiled into this test binary).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace ion::cli {
namespace {

// Parses and runs `ion <args>`; returns the CliError message, or "" on success.
std::string run(std::vector<std::string> args) {
  CLI::App app{"ion"};
  add_neuron_command(app);
  std::vector<const char*> argv{"ion"};
  for (auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CliError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> lines(const std::string& path) {
  std::ifstream f(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(f, l);) out.push_back(l);
  return out;
}

// One output file per test: ctest runs the tests of this binary as parallel processes.
std::string out_path() {
  return std::string(ION_BINARY_DIR) + "/neuron_cli_test_" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv";
}

TEST(NeuronCli, AdexExampleWritesSpikeCsv) {
  const std::string out = out_path();
  ASSERT_EQ(run({"neuron", "--model", "adex", "--param", "a=4nS", "--param", "b=80.5pA", "--input",
                 "step,0.8nA,100ms,600ms", "--duration", "1s", "--dt", "0.1ms", "--spikes", out}),
            "");
  auto l = lines(out);
  ASSERT_GE(l.size(), 5u);
  EXPECT_EQ(l[0], "t_s,neuron");
  double t = std::stod(l[1]);
  EXPECT_GT(t, 0.1);
  EXPECT_LT(std::stod(l.back()), 0.6);
}

TEST(NeuronCli, TraceHasOneRowPerStepPlusInitial) {
  const std::string out = out_path();
  ASSERT_EQ(run({"neuron", "--model", "lif", "--duration", "10ms", "--trace", "v", "--trace-out", out}), "");
  auto l = lines(out);
  ASSERT_EQ(l.size(), 1u + 101u);
  EXPECT_EQ(l[0], "t_s,v");
  EXPECT_EQ(l[1], "0.000000000,-0.07");
}

TEST(NeuronCli, BadInputGivesPreciseErrors) {
  const std::string out = out_path();
  EXPECT_NE(run({"neuron", "--model", "nope"}).find("unknown neuron model \"nope\""), std::string::npos);
  EXPECT_NE(run({"neuron", "--model", "adex", "--param", "zz=1nS"}).find("unknown parameter \"zz\""),
            std::string::npos);
  EXPECT_NE(run({"neuron", "--model", "adex", "--param", "a=4nA"}).find("conductance"), std::string::npos);
  EXPECT_NE(run({"neuron", "--model", "hh", "--dt", "0.1ms"}).find("too large for neuron model \"hh\""),
            std::string::npos);
  EXPECT_NE(run({"neuron", "--input", "step,1nA"}).find("--input"), std::string::npos);
  EXPECT_NE(run({"neuron", "--trace", "q", "--trace-out", out}).find("no state variable \"q\""), std::string::npos);
  EXPECT_NE(run({"neuron", "--duration", "-1s"}).find("--duration"), std::string::npos);
}

}  // namespace
}  // namespace ion::cli
