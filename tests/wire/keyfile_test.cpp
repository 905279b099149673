// SPDX-License-Identifier: Apache-2.0
#include "wire/keyfile.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace ion::wire {
namespace {

namespace fs = std::filesystem;

class KeyFile : public ::testing::Test {
 protected:
  fs::path dir_;
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ion_keyfile_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string hex(const Psk& k) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (uint8_t b : k.bytes) s += std::string{d[b >> 4], d[b & 15]};
    return s;
  }
};

TEST_F(KeyFile, WriteLoadRoundTripWithMode0600) {
  const Psk k = random_psk();
  const fs::path p = dir_ / key_file_name("hub", "bio");
  EXPECT_EQ(p.filename(), "bio.hub.key");
  ASSERT_TRUE(write_key_file(p, "hub", "bio", k, false).is_ok());
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = load_pair_key(dir_, "bio", "hub");
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_TRUE(loaded->equals(k));
}

TEST_F(KeyFile, RefusesOverwriteUnlessForced) {
  const fs::path p = dir_ / "a.b.key";
  ASSERT_TRUE(write_key_file(p, "a", "b", random_psk(), false).is_ok());
  Status s = write_key_file(p, "a", "b", random_psk(), false);
  EXPECT_EQ(s.code(), Errc::already_exists);
  EXPECT_NE(s.message().find("--force"), std::string::npos);
  const Psk k2 = random_psk();
  ASSERT_TRUE(write_key_file(p, "a", "b", k2, true).is_ok());
  EXPECT_TRUE(load_key_file(p, "a", "b")->equals(k2));
}

TEST_F(KeyFile, RejectsGroupOrWorldAccessWithoutShowingTheKey) {
  const Psk k = random_psk();
  const fs::path p = dir_ / "a.b.key";
  ASSERT_TRUE(write_key_file(p, "a", "b", k, false).is_ok());
  for (mode_t m : {0640, 0604, 0660, 0602}) {
    ASSERT_EQ(::chmod(p.c_str(), m), 0);
    auto r = load_key_file(p, "a", "b");
    ASSERT_FALSE(r.is_ok());
    const std::string msg = r.status().message();
    EXPECT_NE(msg.find("chmod 600"), std::string::npos) << msg;
    EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
    EXPECT_EQ(msg.find(hex(k)), std::string::npos);
  }
}

TEST_F(KeyFile, RejectsWrongSitesAndBadContent) {
  const Psk k = random_psk();
  const fs::path p = dir_ / "a.b.key";
  ASSERT_TRUE(write_key_file(p, "a", "b", k, false).is_ok());
  auto wrong = load_key_file(p, "a", "c");
  ASSERT_FALSE(wrong.is_ok());
  EXPECT_NE(wrong.status().message().find("expected 'a' and 'c'"), std::string::npos);
  EXPECT_EQ(wrong.status().message().find(hex(k)), std::string::npos);

  const fs::path q = dir_ / "c.d.key";
  for (const char* content : {"ion-psk-v1 c d 00ff\n", "ion-psk-v2 c d 00\n", "garbage\n",
                              "ion-psk-v1 c d zz00000000000000000000000000000000000000000000000000000000000000\n"}) {
    fs::remove(q);
    { std::ofstream(q) << content; }
    ::chmod(q.c_str(), 0600);
    auto r = load_key_file(q, "c", "d");
    EXPECT_FALSE(r.is_ok()) << content;
    EXPECT_EQ(r.status().code(), Errc::invalid_argument);
  }
  EXPECT_EQ(load_key_file(dir_ / "missing.key", "a", "b").status().code(), Errc::io_error);
  EXPECT_FALSE(write_key_file(dir_ / "x.key", "a", "a", k, false).is_ok());
  EXPECT_FALSE(write_key_file(dir_ / "x.key", "a/b", "c", k, false).is_ok());
}

// A key file of another user (as root: a file chowned to nobody; otherwise a root-owned file) is
// refused with a message naming the file and both uids.
TEST_F(KeyFile, RejectsAFileOwnedByAnotherUser) {
  const fs::path p = dir_ / "a.b.key";
  ASSERT_TRUE(write_key_file(p, "a", "b", random_psk(), false).is_ok());
  const uid_t other = ::geteuid() == 0 ? 65534 : 0;
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(p.c_str(), other, static_cast<gid_t>(-1)), 0);
  }
  const fs::path file = ::geteuid() == 0 ? p : fs::path("/etc/hostname");
  auto r = load_key_file(file, "a", "b");
  ASSERT_FALSE(r.is_ok());
  const std::string msg = r.status().message();
  EXPECT_NE(msg.find("key file " + file.string() + " is owned by uid " + std::to_string(other)), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("ion runs as uid " + std::to_string(::geteuid())), std::string::npos) << msg;
}

TEST_F(KeyFile, RejectsAKeyDirectoryOthersMayWrite) {
  const fs::path p = dir_ / "a.b.key";
  ASSERT_TRUE(write_key_file(p, "a", "b", random_psk(), false).is_ok());
  for (mode_t m : {0777, 01777, 0775, 0757}) {
    ASSERT_EQ(::chmod(dir_.c_str(), m), 0);
    auto r = load_pair_key(dir_, "a", "b");
    ASSERT_FALSE(r.is_ok()) << std::oct << m;
    const std::string msg = r.status().message();
    EXPECT_NE(msg.find("key file directory " + dir_.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("chmod go-w " + dir_.string()), std::string::npos) << msg;
  }
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);  // readable by others is fine: the key file is 0600
  EXPECT_TRUE(load_pair_key(dir_, "a", "b").is_ok());
}

TEST_F(KeyFile, RejectsAKeyDirectoryOfAnotherUser) {
  if (::geteuid() != 0) {  // only root can give a directory away; as a user, a root-owned one is allowed
    EXPECT_TRUE(check_secret_dir("/etc", "key file").is_ok());
    return;
  }
  const fs::path p = dir_ / "a.b.key";
  ASSERT_TRUE(write_key_file(p, "a", "b", random_psk(), false).is_ok());
  ASSERT_EQ(::chown(dir_.c_str(), 65534, static_cast<gid_t>(-1)), 0);
  auto r = load_pair_key(dir_, "a", "b");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("key file directory " + dir_.string() + " is owned by uid 65534"),
            std::string::npos)
      << r.status().message();
}

TEST(KeyFileNames, SortedAndValidated) {
  EXPECT_EQ(key_file_name("b", "a"), "a.b.key");
  EXPECT_EQ(key_file_name("a", "b"), "a.b.key");
  EXPECT_TRUE(valid_site_name("hub_1-x"));
  EXPECT_FALSE(valid_site_name(""));
  EXPECT_FALSE(valid_site_name("a.b"));
  EXPECT_FALSE(valid_site_name(std::string(65, 'a')));
}

}  // namespace
}  // namespace ion::wire
