// SPDX-License-Identifier: Apache-2.0
// Issue 12, findings 2 and 3 at the record layer: a log writer on a failing disk (SimStorage:
// ENOSPC, EIO, failed syncs) stops with an error naming the file and leaves a clean, readable
// log of everything before; repair truncates only a tail that nothing valid follows; a live log
// is locked; the HDF5 export fails cleanly on a full disk.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../common/test_files.hpp"
#include "env/sim_storage.hpp"
#include "record/event_log.hpp"
#include "record/hdf5_export.hpp"
#include "record/merge.hpp"

using namespace ion;
using namespace ion::record;

namespace {

std::string test_dir(const std::string& name) { return ion::testing::fresh_test_dir("test-out/record_storage", name); }

LogHeader header() { return LogHeader{kLogVersion, 1, "hub", 9, 0}; }
Spike spike(int i) { return Spike{{1, static_cast<uint32_t>(i)}, 1000 * i, SpikeKind::spike}; }

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void put_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// Writes a log of `n` spikes (one record each, flushed together at close) and returns the start
// offset of every record (the SessionStart first).
std::vector<uint64_t> write_spikes(const std::string& path, int n) {
  auto o = open_log(path, header(), {}, 0);
  EXPECT_TRUE(o.is_ok()) << o.status().to_string();
  for (int i = 0; i < n; ++i) EXPECT_TRUE(o->writer->append(spike(i)).is_ok());
  EXPECT_TRUE(o->writer->close().is_ok());
  std::vector<uint64_t> offsets;
  auto r = LogReader::open(path);
  while (auto raw = r->next_raw()) offsets.push_back(raw->offset);
  return offsets;
}

// The spikes a log holds, in order.
std::vector<int> spikes_in(const std::string& path, ScanReport* report = nullptr) {
  std::vector<int> out;
  auto r = LogReader::open(path);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  while (auto rec = r->next())
    if (const auto* s = std::get_if<Spike>(&*rec)) out.push_back(static_cast<int>(s->source.index));
  if (report) *report = r->report();
  return out;
}

}  // namespace

// --------------------------------------------------------------- the writer on a failing disk

TEST(LogOnFailingDisk, FullDiskStopsTheWriterNamingTheFileAndKeepsWholeRecords) {
  const std::string dir = test_dir("enospc");
  for (uint64_t room : {0u, 1u, 26u, 27u, 28u, 500u, 1001u}) {  // bytes left after the first flush
    SCOPED_TRACE("room " + std::to_string(room));
    const std::string path = dir + "/hub" + std::to_string(room) + ".ionlog";
    SimStorage disk;
    auto o = open_log(disk, path, header(), {}, 0);  // header + SessionStart written and flushed
    ASSERT_TRUE(o.is_ok()) << o.status().to_string();
    LogWriter& w = *o->writer;
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(w.append(spike(i)).is_ok());
    ASSERT_TRUE(w.flush().is_ok());
    const uint64_t before = std::filesystem::file_size(path);
    disk.inject({StorageOp::write, "hub" + std::to_string(room) + ".ionlog", room, ENOSPC});
    for (int i = 10; i < 100; ++i) ASSERT_TRUE(w.append(spike(i)).is_ok()) << "buffered";
    Status s = w.flush();
    ASSERT_FALSE(s.is_ok());
    EXPECT_EQ(s.code(), Errc::io_error);
    EXPECT_NE(s.message().find("cannot write " + path + ": No space left on device"), std::string::npos) << s.message();
    const uint64_t whole = room / 27;  // spike records are 27 bytes
    EXPECT_NE(s.message().find("records lost: " + std::to_string(90 - whole)), std::string::npos) << s.message();
    EXPECT_EQ(w.append(spike(100)).code(), Errc::io_error) << "sticky";
    EXPECT_EQ(w.close().code(), Errc::io_error);
    EXPECT_EQ(w.stats().failed_records, 90 - whole + 1);
    // Everything before the failure is there and the log ends cleanly on a record boundary.
    EXPECT_EQ(std::filesystem::file_size(path), before + 27 * whole);
    ScanReport rep;
    const std::vector<int> got = spikes_in(path, &rep);
    EXPECT_EQ(rep.state, TailState::clean) << rep.describe();
    ASSERT_EQ(got.size(), 10 + whole);
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], static_cast<int>(i));
  }
}

TEST(LogOnFailingDisk, IoErrorAndFailedSyncsAreFinalAndNamed) {
  const std::string dir = test_dir("eio");
  {  // EIO on a write
    SimStorage disk;
    auto o = open_log(disk, dir + "/a.ionlog", header(), {}, 0);
    ASSERT_TRUE(o.is_ok());
    disk.inject({StorageOp::write, "a.ionlog", 0, EIO});
    ASSERT_TRUE(o->writer->append(spike(1)).is_ok());
    Status s = o->writer->flush();
    EXPECT_NE(s.message().find("cannot write " + dir + "/a.ionlog: Input/output error"), std::string::npos)
        << s.message();
    ScanReport rep;
    EXPECT_TRUE(spikes_in(dir + "/a.ionlog", &rep).empty());
    EXPECT_EQ(rep.state, TailState::clean);
  }
  {  // the sync at close fails: reported, and nothing later pretends success
    SimStorage disk;
    auto o = open_log(disk, dir + "/b.ionlog", header(), {}, 0);
    ASSERT_TRUE(o.is_ok());
    disk.inject({StorageOp::sync, "b.ionlog", 0, EIO});
    ASSERT_TRUE(o->writer->append(spike(1)).is_ok());
    Status s = o->writer->close();
    EXPECT_NE(s.message().find("cannot sync " + dir + "/b.ionlog: Input/output error"), std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("may not be on stable storage"), std::string::npos);
    EXPECT_FALSE(o->writer->close().is_ok()) << "close again still reports it";
  }
  {  // FsyncPolicy::on_flush: the first failed sync stops the writer even though later ones succeed
    SimStorage disk;
    WriterOptions wo;
    wo.fsync = FsyncPolicy::on_flush;
    auto o = open_log(disk, dir + "/c.ionlog", header(), wo, 0);
    ASSERT_TRUE(o.is_ok()) << o.status().to_string();
    disk.inject({StorageOp::sync, "c.ionlog", 0, EIO, /*once=*/true});
    ASSERT_TRUE(o->writer->append(spike(1)).is_ok());
    EXPECT_FALSE(o->writer->flush().is_ok());
    EXPECT_FALSE(o->writer->append(spike(2)).is_ok());
    EXPECT_FALSE(o->writer->flush().is_ok());
  }
}

TEST(LogOnFailingDisk, ANewLogThatCannotBeStartedLeavesNoTornHeader) {
  const std::string dir = test_dir("start");
  SimStorage disk;
  disk.inject({StorageOp::write, "new.ionlog", 10, ENOSPC});
  auto o = open_log(disk, dir + "/new.ionlog", header(), {}, 0);
  ASSERT_FALSE(o.is_ok());
  EXPECT_NE(o.status().message().find("No space left on device"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(dir + "/new.ionlog"), 0u) << "an empty file is a fresh log again";
}

// --------------------------------------------------------------- torn tail or mid-log damage

// Issue 12 finding 3: one flipped bit in a mid-log record's length field (27 → 65563 bytes)
// looked like a torn tail, and repair or --resume truncated every record after it.
TEST(LogRepair, FlippedLengthBitInTheMiddleIsNeverDiscardedAutomatically) {
  const std::string dir = test_dir("flip");
  const std::string path = dir + "/hub.ionlog";
  const std::vector<uint64_t> offsets = write_spikes(path, 300);
  std::vector<uint8_t> bytes = file_bytes(path);
  const size_t victim = offsets.size() / 2;
  bytes[offsets[victim] + 2] ^= 0x01;  // payload_len 15 → 65551: the record claims 65563 bytes
  put_bytes(path, bytes);

  ScanReport rep;
  EXPECT_EQ(spikes_in(path, &rep).size(), victim - 1) << "reading still stops at the damage";
  EXPECT_EQ(rep.state, TailState::corrupt);
  EXPECT_FALSE(rep.bad_record_is_last);
  EXPECT_EQ(rep.problem_offset, offsets[victim]);
  EXPECT_EQ(rep.next_valid_offset, offsets[victim + 1]);

  auto refused = repair_log(path);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), Errc::corrupt);
  EXPECT_NE(refused.status().message().find("--force"), std::string::npos) << refused.status().message();
  EXPECT_EQ(file_bytes(path), bytes) << "repair without --force changed the file";

  auto resumed = open_log(path, header(), {}, 0);
  ASSERT_FALSE(resumed.is_ok());
  EXPECT_NE(resumed.status().message().find("damage in the middle"), std::string::npos) << resumed.status().message();
  EXPECT_EQ(file_bytes(path), bytes) << "resume changed the file";

  auto forced = repair_log(path, true);
  ASSERT_TRUE(forced.is_ok());
  EXPECT_EQ(std::filesystem::file_size(path), offsets[victim]);
}

// A read error while looking for a valid record after the damage must not make it a "tail".
TEST(LogRepair, AScanThatCannotReadTheRestNeverCallsItATail) {
  const std::string dir = test_dir("scan_eio");
  const std::string path = dir + "/hub.ionlog";
  const std::vector<uint64_t> offsets = write_spikes(path, 300);
  std::vector<uint8_t> bytes = file_bytes(path);
  bytes[offsets[offsets.size() / 2] + 2] ^= 0x01;
  put_bytes(path, bytes);
  int limited = 0;
  for (uint64_t reads = 0; reads < 8; ++reads) {
    SimStorage disk;
    disk.inject({StorageOp::read, "hub.ionlog", reads, EIO});
    auto rep = scan_log(disk, path);
    if (!rep) continue;  // the header could not be read: an error, no verdict
    EXPECT_TRUE(rep->state == TailState::io_error || !rep->bad_record_is_last) << reads << ": " << rep->describe();
    limited += !rep->scan_limit.empty();
  }
  EXPECT_GT(limited, 0) << "no read error landed in the scan";
  EXPECT_FALSE(repair_log(path).is_ok());
}

TEST(LogRepair, EveryBitOfAMidLogLengthFieldIsMidLogDamage) {
  const std::string dir = test_dir("every_bit");
  const std::string path = dir + "/hub.ionlog";
  const std::vector<uint64_t> offsets = write_spikes(path, 40);
  const std::vector<uint8_t> good = file_bytes(path);
  for (size_t victim : {size_t{1}, offsets.size() / 2, offsets.size() - 2}) {
    for (int bit = 0; bit < 32; ++bit) {
      std::vector<uint8_t> bad = good;
      bad[offsets[victim] + bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      auto r = LogReader::from_bytes(bad);
      while (r->next()) {
      }
      EXPECT_FALSE(r->report().bad_record_is_last)
          << "record " << victim << " bit " << bit << ": " << r->report().describe();
    }
  }
}

TEST(LogRepair, GenuinelyTornTailIsStillTruncated) {
  const std::string dir = test_dir("torn");
  const std::string path = dir + "/hub.ionlog";
  const std::vector<uint64_t> offsets = write_spikes(path, 30);
  const std::vector<uint8_t> good = file_bytes(path);
  const uint64_t last = offsets.back();
  for (uint64_t cut = last + 1; cut < good.size(); ++cut) {  // a write interrupted anywhere in it
    put_bytes(path, std::vector<uint8_t>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)));
    auto rep = repair_log(path);
    ASSERT_TRUE(rep.is_ok()) << rep.status().to_string();
    EXPECT_EQ(rep->state, TailState::torn);
    EXPECT_TRUE(rep->bad_record_is_last);
    EXPECT_EQ(std::filesystem::file_size(path), last);
  }
  // The last record's length flipped so that it runs past the end: nothing follows, a tail.
  std::vector<uint8_t> flipped = good;
  flipped[last + 2] ^= 0x01;
  put_bytes(path, flipped);
  auto rep = repair_log(path);
  ASSERT_TRUE(rep.is_ok()) << rep.status().to_string();
  EXPECT_EQ(rep->state, TailState::torn);
  EXPECT_EQ(std::filesystem::file_size(path), last);
}

// --------------------------------------------------------------- one writer per log

TEST(LogLock, ALiveLogRefusesASecondWriterAndRepair) {
  const std::string dir = test_dir("lock");
  const std::string path = dir + "/hub.ionlog";
  auto live = open_log(path, header(), {}, 0);
  ASSERT_TRUE(live.is_ok());
  ASSERT_TRUE(live->writer->append(spike(1)).is_ok());
  ASSERT_TRUE(live->writer->flush().is_ok());
  const std::vector<uint8_t> before = file_bytes(path);

  LogHeader again = header();
  again.session_epoch = 10;
  auto second = open_log(path, again, {}, 5);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), Errc::unavailable);
  EXPECT_NE(second.status().message().find("in use"), std::string::npos) << second.status().message();
  auto rep = repair_log(path, true);
  EXPECT_EQ(rep.status().code(), Errc::unavailable);
  EXPECT_EQ(file_bytes(path), before) << "a refused writer or repair wrote something";

  ASSERT_TRUE(live->writer->close().is_ok());
  live->writer.reset();
  auto resumed = open_log(path, again, {}, 5);
  EXPECT_TRUE(resumed.is_ok()) << "released when the writer goes";
}

// --------------------------------------------------------------- HDF5 export on a full disk

TEST(Hdf5OnFailingDisk, FullDiskIsAnErrorWithNoTemporaryFileLeft) {
  const std::string dir = test_dir("h5");
  write_spikes(dir + "/hub.ionlog", 2000);
  const std::vector<std::string> logs = {dir + "/hub.ionlog"};
  const std::string out = dir + "/recording.h5";
  for (const StorageFault& f : {StorageFault{StorageOp::write, "recording.h5.tmp", 0, ENOSPC},
                                StorageFault{StorageOp::write, "recording.h5.tmp", 20000, ENOSPC},
                                StorageFault{StorageOp::sync, "recording.h5.tmp", 0, EIO},
                                StorageFault{StorageOp::rename, "recording.h5", 0, EIO},
                                StorageFault{StorageOp::open, "recording.h5.tmp", 0, ENOSPC}}) {
    SCOPED_TRACE(storage_op_name(f.op));
    SimStorage disk;
    disk.inject(f);
    auto r = export_logs_to_hdf5(logs, out, {}, disk);
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find(out), std::string::npos) << r.status().message();
    EXPECT_FALSE(std::filesystem::exists(out + ".tmp")) << "temporary file left behind";
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  auto ok = export_logs_to_hdf5(logs, out);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
}
