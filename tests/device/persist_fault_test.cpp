// SPDX-License-Identifier: Apache-2.0
// The persistent crossbar on a failing disk (SimStorage) and against a second writer: a pulse
// whose write-ahead log record cannot be written or synced is refused, leaves no half record and
// does not change the array; a second process (or object) is refused before it reads, truncates
// or rewrites anything.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "../common/test_files.hpp"
#include "device/sim_crossbar.hpp"
#include "env/sim_storage.hpp"

namespace ion::device {
namespace {

CrossbarConfig small() {
  CrossbarConfig c;
  c.model = "data-driven";
  c.words = c.bits = 4;
  c.seed = 3;
  return c;
}

std::string fresh_dir(const std::string& name) {
  return ion::testing::fresh_test_dir("test-out/crossbar_faults", name);
}
using ion::testing::file_contents;

TEST(CrossbarOnFailingDisk, APulseThatCannotBeLoggedIsRefusedAndNotApplied) {
  for (const StorageFault& f : {StorageFault{StorageOp::write, "x.xbar.wal", 60, ENOSPC},
                                StorageFault{StorageOp::sync, "x.xbar.wal", 1, EIO}}) {
    SCOPED_TRACE(storage_op_name(f.op));
    const std::string dir = fresh_dir(std::string("pulse_") + storage_op_name(f.op));
    const std::string path = dir + "/x.xbar";
    SimStorage disk;
    auto x = SimulatedCrossbar::create_file(small(), path, disk);
    ASSERT_TRUE(x.is_ok()) << x.status().to_string();
    disk.inject(f);
    ASSERT_TRUE((*x)->pulse(1, 1, 1.2, 100'000).is_ok());  // 40 bytes, one sync: within the budget
    const double before = (*x)->state(2, 2);
    Status s = (*x)->pulse(2, 2, 1.2, 100'000);
    ASSERT_FALSE(s.is_ok());
    EXPECT_NE(s.message().find(path + ".wal"), std::string::npos) << s.message();
    EXPECT_EQ((*x)->pulses_applied(), 1u);
    EXPECT_EQ((*x)->state(2, 2), before) << "the array ran ahead of its log";
    EXPECT_EQ(std::filesystem::file_size(path + ".wal"), 40u) << "a half or unsynced record was left";
    x->reset();
    auto again = SimulatedCrossbar::open(path);
    ASSERT_TRUE(again.is_ok()) << again.status().to_string();
    EXPECT_EQ((*again)->pulses_applied(), 1u);
  }
}

TEST(CrossbarOnFailingDisk, ASnapshotThatCannotBeWrittenLeavesNoTemporaryFile) {
  const std::string dir = fresh_dir("snapshot");
  SimStorage disk;
  disk.inject({StorageOp::write, "x.xbar.tmp", 100, ENOSPC});
  auto x = SimulatedCrossbar::create_file(small(), dir + "/x.xbar", disk);
  ASSERT_FALSE(x.is_ok());
  EXPECT_NE(x.status().message().find("No space left on device"), std::string::npos) << x.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.xbar.tmp"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.xbar"));
}

TEST(CrossbarLock, ASecondProcessIsRefusedBeforeTouchingTheFiles) {
  const std::string dir = fresh_dir("second");
  const std::string path = dir + "/x.xbar";
  auto live = SimulatedCrossbar::create_file(small(), path);
  ASSERT_TRUE(live.is_ok());
  ASSERT_TRUE((*live)->pulse(0, 0, 1.2, 100'000).is_ok());
  const std::string snapshot = file_contents(path), wal = file_contents(path + ".wal");
  std::filesystem::remove(path);  // as if the live writer's snapshot had not been written yet
  const pid_t child = ::fork();
  if (child == 0) {
    auto created = SimulatedCrossbar::create_file(small(), path);  // would truncate the log, write a snapshot
    auto opened = SimulatedCrossbar::open(path);
    ::_exit(created.status().code() == Errc::unavailable && !opened.is_ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the second process was not refused";
  EXPECT_EQ(file_contents(path + ".wal"), wal) << "the live write-ahead log was changed";
  EXPECT_FALSE(std::filesystem::exists(path)) << "a snapshot was written over the live array's";
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(snapshot.empty());
}

}  // namespace
}  // namespace ion::device
