// SPDX-License-Identifier: Apache-2.0
// brian_bench.py is found at run time from the executable's path (bench/silicon/bench_neurons.hpp):
// in the build tree beside `ion`, in an install prefix one level up, and a clear error otherwise.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "bench/silicon/bench_neurons.hpp"

namespace fs = std::filesystem;
using namespace ion;

namespace {
fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("ion-brian-script-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "# script\n";
}
}  // namespace

TEST(BrianScript, TheBuildTreeHasItBesideIon) {
  auto s = silicon::find_brian_script(std::string(ION_BINARY_DIR) + "/ion");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(fs::path(*s), (fs::path(ION_BINARY_DIR) / "share/ion/brian_bench.py").lexically_normal());
  std::ifstream in(*s);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "# SPDX-License-Identifier: Apache-2.0");
}

TEST(BrianScript, AnInstallPrefixHasItOneLevelUp) {
  const fs::path prefix = scratch("install");
  touch(prefix / "share/ion/brian_bench.py");
  auto s = silicon::find_brian_script((prefix / "bin/ion").string());
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(fs::path(*s), (prefix / "share/ion/brian_bench.py").lexically_normal());
  fs::remove_all(prefix);
}

TEST(BrianScript, MissingIsAClearErrorNamingWhereItLooked) {
  const fs::path dir = scratch("missing");
  auto s = silicon::find_brian_script((dir / "bin/ion").string());
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Errc::not_found);
  EXPECT_NE(s.status().message().find("brian_bench.py not found"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find((dir / "bin/share/ion/brian_bench.py").string()), std::string::npos)
      << s.status().message();
  fs::remove_all(dir);
}
