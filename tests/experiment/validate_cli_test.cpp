// SPDX-License-Identifier: Apache-2.0
// `ion validate` end to end: summary line and exit 0 for good files, every diagnostic and exit 2
// for bad ones.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

struct IonRun {
  int code = -1;
  std::string output;  // stdout and stderr
};

IonRun run_ion(const std::string& args) {
  std::string cmd = std::string(ION_BINARY_DIR) + "/ion " + args + " 2>&1";
  IonRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(ValidateCli, BuiltinAndExampleAreOk) {
  IonRun r = run_ion("validate");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("ok: three-neuron — 3 sites, 3 neurons, 2 synapses"), std::string::npos) << r.output;
  IonRun f = run_ion(std::string("validate ") + ION_SOURCE_DIR + "/examples/three_neuron.toml");
  EXPECT_EQ(f.code, 0) << f.output;
}

TEST(ValidateCli, BadFileGivesEveryDiagnosticAndExit2) {
  std::string path = testing::TempDir() + "ion_validate_bad.toml";
  std::ofstream(path) << "[experiment]\nname = \"x\"\nduraton = \"1s\"\n[sites.a]\nrole = \"hubb\"\naddress = \"127.0.0.1:7000\"\n";
  IonRun r = run_ion("validate " + path);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(path + ":3:1: experiment.duraton: unknown key 'duraton'; did you mean 'duration'?"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(path + ":5:8: sites.a.role: found \"hubb\""), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("ok:"), std::string::npos) << r.output;
}

}  // namespace
