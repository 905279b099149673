// SPDX-License-Identifier: Apache-2.0
// record::LogTail and LiveMerge (record/log_tail.hpp): a growing log yields only whole records.
#include <gtest/gtest.h>

#include <fstream>

#include "../common/test_files.hpp"
#include "record/log_format.hpp"
#include "record/log_tail.hpp"
#include "record_test_util.hpp"

namespace ion::record {
namespace {

using testing::random_record;
using testing::same_record;

struct LogBytes {
  std::vector<uint8_t> bytes;
  std::vector<size_t> ends;  // where each record ends (ends[0]: the header)
  std::vector<Record> records;
};

LogBytes make_log(SiteId site, const std::string& name, size_t n, uint64_t seed) {
  LogBytes l;
  l.bytes = encode_header(LogHeader{kLogVersion, site, name, 1, 0});
  l.ends.push_back(l.bytes.size());
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    l.records.push_back(random_record(rng, i));
    frame_record(l.records.back(), l.bytes);
    l.ends.push_back(l.bytes.size());
  }
  return l;
}

void write_prefix(const std::string& path, const LogBytes& l, size_t n) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(l.bytes.data()), static_cast<std::streamsize>(n));
}

TEST(LogTail, ALogCutAtEveryByteOfItsLastRecordNeverYieldsAPartialRecord) {
  const std::string dir = ion::testing::fresh_test_dir("log_tail", "cut");
  const std::string path = dir + "/a.ionlog";
  const LogBytes l = make_log(2, "a", 12, 7);
  const size_t last_start = l.ends[l.ends.size() - 2];
  for (size_t cut = last_start; cut <= l.bytes.size(); ++cut) {
    write_prefix(path, l, cut);
    LogTail tail(path);
    std::vector<Record> got;
    auto n = tail.poll(got);
    ASSERT_TRUE(n.is_ok()) << n.status().to_string();
    const size_t whole = cut == l.bytes.size() ? l.records.size() : l.records.size() - 1;
    ASSERT_EQ(got.size(), whole) << "cut at byte " << cut;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(same_record(got[i], l.records[i])) << i;
    EXPECT_EQ(tail.consumed_bytes(), l.ends[whole]);
    EXPECT_EQ(tail.pending_bytes(), cut - l.ends[whole]);
  }
}

TEST(LogTail, AGrowingLogIsReadByteByByteInOrderAndEachRecordOnce) {
  const std::string dir = ion::testing::fresh_test_dir("log_tail", "growing");
  const std::string path = dir + "/a.ionlog";
  const LogBytes l = make_log(1, "grow", 8, 11);
  LogTail tail(path);
  std::vector<Record> got;
  ASSERT_TRUE(tail.poll(got).is_ok());  // no file yet: not started, no error
  EXPECT_FALSE(tail.started());
  std::ofstream f(path, std::ios::binary | std::ios::app);
  for (size_t n = 1; n <= l.bytes.size(); ++n) {
    f.put(static_cast<char>(l.bytes[n - 1]));
    f.flush();
    ASSERT_TRUE(tail.poll(got).is_ok()) << n;
    size_t whole = 0;
    while (whole + 1 < l.ends.size() && l.ends[whole + 1] <= n) ++whole;
    ASSERT_EQ(got.size(), whole) << "after " << n << " bytes";
  }
  ASSERT_EQ(got.size(), l.records.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(same_record(got[i], l.records[i])) << i;
}

TEST(LogTail, ARecordWhoseBytesAreNotAllWrittenYetIsReadAgainLater) {
  // The frame is complete in length but its last bytes are still zeros (the CRC fails): not
  // consumed now, consumed once the real bytes are there.
  const std::string dir = ion::testing::fresh_test_dir("log_tail", "unfinished");
  const std::string path = dir + "/a.ionlog";
  const LogBytes l = make_log(1, "u", 3, 5);
  LogBytes partial = l;
  for (size_t i = l.ends[2]; i < l.bytes.size(); ++i) partial.bytes[i] = 0;
  write_prefix(path, partial, partial.bytes.size());
  LogTail tail(path);
  std::vector<Record> got;
  ASSERT_TRUE(tail.poll(got).is_ok());
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(tail.pending_bytes(), l.bytes.size() - l.ends[2]);
  write_prefix(path, l, l.bytes.size());
  ASSERT_TRUE(tail.poll(got).is_ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(same_record(got[2], l.records[2]));
}

TEST(LogTail, AForeignFileIsAnErrorNamingIt) {
  const std::string dir = ion::testing::fresh_test_dir("log_tail", "foreign");
  const std::string path = dir + "/a.ionlog";
  std::ofstream(path) << "this is not an ion event log at all";
  LogTail tail(path);
  std::vector<Record> got;
  auto n = tail.poll(got);
  ASSERT_FALSE(n.is_ok());
  EXPECT_NE(n.status().message().find(path), std::string::npos) << n.status().message();
}

TEST(LiveMerge, WhatWasReadMergesToTheSameRecordingAsMergeLogs) {
  const std::string dir = ion::testing::fresh_test_dir("log_tail", "merge");
  std::vector<std::string> paths{dir + "/a.ionlog", dir + "/b.ionlog"};
  const LogBytes a = make_log(0, "a", 40, 1), b = make_log(1, "b", 40, 2);
  write_prefix(paths[0], a, a.ends[10]);
  write_prefix(paths[1], b, b.ends[25] + 3);
  LiveMerge live(paths);
  EXPECT_EQ(live.poll(), 10u + 25u);
  write_prefix(paths[0], a, a.bytes.size());
  write_prefix(paths[1], b, b.bytes.size());
  EXPECT_EQ(live.poll(), 30u + 15u);
  EXPECT_EQ(live.problem(), "");
  auto whole = merge_logs(paths);
  ASSERT_TRUE(whole.is_ok());
  EXPECT_EQ(digest(live.snapshot()), digest(*whole));
  EXPECT_EQ(live.snapshot().spikes.size(), whole->spikes.size());
}

}  // namespace
}  // namespace ion::record
