// SPDX-License-Identifier: Apache-2.0
// `ion keygen` driven through CLI11 in-process (the command source is compiled into this test).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "wire/keyfile.hpp"

namespace ion::cli {
namespace {

namespace fs = std::filesystem;

// Runs `ion keygen ARGS...`; returns the CliError message ("" on success).
std::string keygen(std::vector<std::string> args) {
  CLI::App app{"test"};
  add_keygen_command(app);
  args.insert(args.begin(), "keygen");
  std::vector<std::string> rev(args.rbegin(), args.rend());
  try {
    app.parse(rev);
  } catch (const CliError& e) {
    return e.what();
  }
  return "";
}

class KeygenCli : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("ion_keygen_test_" + std::to_string(::getpid())) / "keys";
  void SetUp() override { fs::remove_all(dir_.parent_path()); }
  void TearDown() override { fs::remove_all(dir_.parent_path()); }
};

TEST_F(KeygenCli, WritesOneFilePerPairWithMode0600) {
  ASSERT_EQ(keygen({"--sites", "bio,hub,silicon", "--out", dir_.string()}), "");
  for (const char* name : {"bio.hub.key", "bio.silicon.key", "hub.silicon.key"}) {
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}), 3);
  auto a = wire::load_pair_key(dir_, "hub", "bio");
  auto b = wire::load_pair_key(dir_, "silicon", "bio");
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_FALSE(a->equals(*b));
}

TEST_F(KeygenCli, RefusesOverwriteUnlessForced) {
  ASSERT_EQ(keygen({"--sites", "a,b", "--out", dir_.string()}), "");
  auto before = wire::load_pair_key(dir_, "a", "b");
  ASSERT_TRUE(before.is_ok());
  const std::string err = keygen({"--sites", "a,b", "--out", dir_.string()});
  EXPECT_NE(err.find("already exists (use --force"), std::string::npos) << err;
  EXPECT_TRUE(wire::load_pair_key(dir_, "a", "b")->equals(*before));
  ASSERT_EQ(keygen({"--sites", "a,b", "--out", dir_.string(), "--force"}), "");
  EXPECT_FALSE(wire::load_pair_key(dir_, "a", "b")->equals(*before));
}

TEST_F(KeygenCli, BadSiteListsAreRefusedWithAReason) {
  EXPECT_NE(keygen({"--sites", "a", "--out", dir_.string()}).find("at least two"), std::string::npos);
  EXPECT_NE(keygen({"--sites", "a,a", "--out", dir_.string()}).find("listed twice"), std::string::npos);
  EXPECT_NE(keygen({"--sites", "a,b.c", "--out", dir_.string()}).find("'b.c' is invalid"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_));
}

}  // namespace
}  // namespace ion::cli
