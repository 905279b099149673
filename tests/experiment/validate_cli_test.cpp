// SPDX-License-Identifier: Apache-2.0
// `ion validate` end to end: summary line and exit 0 for good files, every diagnostic and exit 2
// for bad ones.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "../common/run_command.hpp"
namespace {

using IonRun = ion::testing::CommandOutput;

IonRun run_ion(const std::string& args) {
  return ion::testing::run_command(std::string(ION_BINARY_DIR) + "/ion " + args);
}

TEST(ValidateCli, BuiltinAndExampleAreOk) {
  IonRun r = run_ion("validate");
  EXPECT_EQ(r.code, 0) << r.text;
  EXPECT_NE(r.text.find("ok: three-neuron — 3 sites, 3 neurons, 2 synapses"), std::string::npos) << r.text;
  IonRun f = run_ion(std::string("validate ") + ION_SOURCE_DIR + "/examples/three_neuron.toml");
  EXPECT_EQ(f.code, 0) << f.text;
}

TEST(ValidateCli, BadFileGivesEveryDiagnosticAndExit2) {
  std::string path = testing::TempDir() + "ion_validate_bad.toml";
  std::ofstream(path) << "[experiment]\nname = \"x\"\nduraton = \"1s\"\n[sites.a]\nrole = \"hubb\"\naddress = \"127.0.0.1:7000\"\n";
  IonRun r = run_ion("validate " + path);
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_NE(r.text.find(path + ":3:1: experiment.duraton: unknown key 'duraton'; did you mean 'duration'?"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find(path + ":5:8: sites.a.role: found \"hubb\""), std::string::npos) << r.text;
  EXPECT_EQ(r.text.find("ok:"), std::string::npos) << r.text;
}

}  // namespace
