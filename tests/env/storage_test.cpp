// SPDX-License-Identifier: Apache-2.0
// The storage facet: PosixStorage (real files, locks, atomic replace) and SimStorage (the same
// files with injected ENOSPC / EIO / fsync failures).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "../common/test_files.hpp"
#include "env/posix_storage.hpp"
#include "env/sim_storage.hpp"

using namespace ion;

namespace {

std::string test_dir(const char* name) { return ion::testing::fresh_test_dir("test-out/storage", name); }

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::span<const uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

uint32_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(PosixStorage, AppendsReopensAndCreatesParentDirectories) {
  const std::string dir = test_dir("append");
  PosixStorage s(dir);
  {
    auto f = s.open_append("a/b/log.bin");
    ASSERT_TRUE(f.is_ok()) << f.status().to_string();
    EXPECT_EQ((*f)->path(), dir + "/a/b/log.bin");
    ASSERT_TRUE((*f)->append(bytes("hello ")).is_ok());
    EXPECT_EQ((*f)->size(), 6u);
    ASSERT_TRUE((*f)->sync().is_ok());
  }
  auto f = s.open_append(dir + "/a/b/log.bin");  // absolute paths ignore the root
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ((*f)->size(), 6u);
  ASSERT_TRUE((*f)->append(bytes("world")).is_ok());
  const std::string all = "hello world";
  EXPECT_EQ(read_all(dir + "/a/b/log.bin"), std::vector<uint8_t>(all.begin(), all.end()))
      << "append reaches the file at once (no user-space buffer to lose)";
  ASSERT_TRUE((*f)->truncate(5).is_ok());
  EXPECT_EQ((*f)->size(), 5u);
  EXPECT_EQ(std::filesystem::file_size(dir + "/a/b/log.bin"), 5u);
  auto r = s.read_file("a/b/log.bin", 100);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, "hello");
  auto big = s.read_file("a/b/log.bin", 4);
  EXPECT_EQ(big.status().code(), Errc::out_of_range);
}

TEST(PosixStorage, ErrorsNameTheOperationThePathAndTheReason) {
  const std::string dir = test_dir("errors");
  PosixStorage s;
  auto is_dir = s.open_append(dir);
  ASSERT_FALSE(is_dir.is_ok());
  EXPECT_EQ(is_dir.status().message(), "cannot open " + dir + ": Is a directory");
  auto missing = s.open_read(dir + "/none");
  EXPECT_EQ(missing.status().code(), Errc::not_found);
  EXPECT_EQ(missing.status().message(), "cannot open " + dir + "/none: No such file or directory");
  std::ofstream(dir + "/file") << "x";
  auto under_file = s.open_append(dir + "/file/inside");
  ASSERT_FALSE(under_file.is_ok());
  EXPECT_NE(under_file.status().message().find(dir + "/file"), std::string::npos) << under_file.status().message();
  EXPECT_EQ(s.open_append("").status().code(), Errc::invalid_argument);
  auto info = s.stat(dir + "/none");
  ASSERT_TRUE(info.is_ok());
  EXPECT_FALSE(info->exists);
  EXPECT_TRUE(s.remove(dir + "/none").is_ok()) << "removing a missing file is not an error";
}

TEST(PosixStorage, LockIsExclusiveAcrossOpensAndProcesses) {
  const std::string path = test_dir("lock") + "/live.ionlog";
  PosixStorage s;
  AppendOptions locked;
  locked.lock = true;
  auto first = s.open_append(path, locked);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  auto second = s.open_append(path, locked);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), Errc::unavailable);
  EXPECT_NE(second.status().message().find(path + " is in use"), std::string::npos) << second.status().message();
  // Another process is refused while we hold it.
  const pid_t child = ::fork();
  if (child == 0) {
    PosixStorage cs;
    auto r = cs.open_append(path, locked);
    ::_exit(!r.is_ok() && r.status().code() == Errc::unavailable ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the other process was not refused";
  first = Status(Errc::internal, "closed");  // destroys the file: releases the lock
  EXPECT_TRUE(s.open_append(path, locked).is_ok());
}

TEST(PosixStorage, AtomicReplaceAndExclusiveCreateWithExactMode) {
  const std::string dir = test_dir("atomic");
  PosixStorage s;
  const std::string path = dir + "/state";
  ::umask(077);
  ASSERT_TRUE(s.write_file_atomic(path, bytes("one")).is_ok());
  ::umask(022);
  EXPECT_EQ(mode_of(path), 0644u) << "mode independent of the umask";
  ASSERT_TRUE(s.write_file_atomic(path, bytes("two, longer")).is_ok());
  EXPECT_EQ(*s.read_file(path, 100), "two, longer");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::ofstream(path + ".tmp") << "stale temporary file of a crash";
  ASSERT_TRUE(s.write_file_atomic(path, bytes("3")).is_ok());
  EXPECT_EQ(*s.read_file(path, 100), "3");

  const std::string key = dir + "/a.b.key";
  ASSERT_TRUE(s.write_new_file(key, bytes("secret"), 0600).is_ok());
  EXPECT_EQ(mode_of(key), 0600u);
  Status again = s.write_new_file(key, bytes("other"), 0600);
  EXPECT_EQ(again.code(), Errc::already_exists);
  EXPECT_EQ(*s.read_file(key, 100), "secret") << "an existing file is never touched";
}

TEST(SimStorage, FullDiskCutsTheWriteShortAndStaysFull) {
  const std::string dir = test_dir("sim_full");
  SimStorage s(dir);
  s.inject({StorageOp::write, "x.log", 10, ENOSPC});
  auto f = s.open_append("x.log");
  ASSERT_TRUE(f.is_ok());
  ASSERT_TRUE((*f)->append(bytes("0123456")).is_ok());
  Status st = (*f)->append(bytes("789abc"));
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), Errc::io_error);
  EXPECT_EQ(st.message(), "cannot write " + dir + "/x.log: No space left on device");
  EXPECT_EQ((*f)->size(), 10u) << "the bytes that fit reached the file, as on a real full disk";
  EXPECT_EQ(read_all(dir + "/x.log").size(), 10u);
  EXPECT_FALSE((*f)->append(bytes("z")).is_ok()) << "still full";
  EXPECT_EQ(s.faults_fired(), 2u);
  auto other = s.open_append("y.log");  // the fault names x.log only
  ASSERT_TRUE(other.is_ok());
  EXPECT_TRUE((*other)->append(bytes("fine")).is_ok());
}

TEST(SimStorage, TransientAndCountedFaultsOnSyncRenameAndRead) {
  const std::string dir = test_dir("sim_ops");
  SimStorage s(dir);
  s.inject({StorageOp::sync, "", 1, EIO, /*once=*/true});
  auto f = s.open_append("a");
  ASSERT_TRUE(f.is_ok());
  EXPECT_TRUE((*f)->sync().is_ok()) << "the first sync is within the budget";
  Status bad = (*f)->sync();
  EXPECT_EQ(bad.message(), "cannot sync " + dir + "/a: Input/output error");
  EXPECT_TRUE((*f)->sync().is_ok()) << "a once-fault fires one time";

  s.inject({StorageOp::rename, "state", 0, EIO});
  Status r = s.write_file_atomic("state", bytes("data"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.message().find("cannot rename"), std::string::npos) << r.message();
  EXPECT_FALSE(std::filesystem::exists(dir + "/state.tmp")) << "the temporary file is removed";
  EXPECT_FALSE(std::filesystem::exists(dir + "/state"));

  s.inject({StorageOp::write, "new", 2, ENOSPC});
  EXPECT_FALSE(s.write_new_file("new", bytes("abcdef")).is_ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/new")) << "a file that could not be written whole is removed";

  ASSERT_TRUE(s.write_file_atomic("readme", bytes("text")).is_ok());
  s.inject({StorageOp::read, "readme", 0, EIO});
  auto rd = s.read_file("readme", 100);
  ASSERT_FALSE(rd.is_ok());
  EXPECT_EQ(rd.status().message(), "cannot read " + dir + "/readme: Input/output error");
}

}  // namespace
