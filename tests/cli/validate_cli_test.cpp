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

TEST(ValidateCli, DevicesDrivenOutsideTheirFitAreWarnedButValid) {
  IonRun builtin = run_ion("validate");
  EXPECT_EQ(builtin.text.find("warning"), std::string::npos) << builtin.text;
  // The built-in experiment with the reference GUI's -4 V LTP pulse (TiOx DUT2 is fitted on
  // -0.8..-0.6 V): still valid, one warning per synapse at the pulse's position.
  std::ifstream in(std::string(ION_SOURCE_DIR) + "/examples/three_neuron.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t at = 0; (at = text.find("\"-0.8V 100us\"", at)) != std::string::npos; ++at)
    text.replace(at, 13, "\"-4V 100us\"");
  const std::string path = testing::TempDir() + "ion_validate_extrapolated.toml";
  std::ofstream(path) << text;
  IonRun r = run_ion("validate " + path);
  EXPECT_EQ(r.code, 0) << r.text;
  EXPECT_NE(r.text.find("ok: three-neuron"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(path + ":60:"), std::string::npos) << r.text;
  EXPECT_NE(
      r.text.find(": synapses[0].plasticity.ltp_pulse: warning: the LTP pulse of synapse ABsyn drives data-driven "
                  "preset 'tiox-dut2' outside the range it was fitted on"),
      std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find(": synapses[1].plasticity.ltp_pulse: warning: the LTP pulse of synapse BAsyn"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("-4 V is beyond -0.8 V"), std::string::npos) << r.text;
}

TEST(ValidateCli, BadFileGivesEveryDiagnosticAndExit2) {
  std::string path = testing::TempDir() + "ion_validate_bad.toml";
  std::ofstream(path)
      << "[experiment]\nname = \"x\"\nduraton = \"1s\"\n[sites.a]\nrole = \"hubb\"\naddress = \"127.0.0.1:7000\"\n";
  IonRun r = run_ion("validate " + path);
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_NE(r.text.find(path + ":3:1: experiment.duraton: unknown key 'duraton'; did you mean 'duration'?"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find(path + ":5:8: sites.a.role: found \"hubb\""), std::string::npos) << r.text;
  EXPECT_EQ(r.text.find("ok:"), std::string::npos) << r.text;
}

}  // namespace
