// SPDX-License-Identifier: Apache-2.0
#pragma once
// Following event logs while their nodes still write them (the live dashboard, docs/dashboard.md).
//
// LogTail reads only WHOLE records of one growing .ionlog: each poll() reads what was appended
// since the last whole record and hands on the records whose frame is complete and whose CRC32C
// matches. A record still being written (its frame runs past the end of the file, or its bytes
// are not all there yet so the CRC fails) is not consumed: the next poll() reads it again from
// its first byte. The file is only read (never locked), so tailing never disturbs the writer.
// A file that does not exist yet, or whose header is not complete yet, is simply "not started".
//
// LiveMerge keeps one LogTail per site and the records read so far, and gives a sorted
// MergedRecording of everything read (the same tables merge_logs gives for the same bytes).
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "env/storage.hpp"
#include "record/merge.hpp"

namespace ion::record {

class LogTail {
 public:
  explicit LogTail(std::string path, Storage& storage = real_storage());

  // Appends every newly completed record to `out` (decoded; unknown/malformed kinds skipped as
  // LogReader skips them) and returns how many were added. Errors: the header is corrupt or of
  // an unsupported version, or reading failed (then the tail keeps its position).
  Result<size_t> poll(std::vector<Record>& out);

  bool started() const { return header_bytes_ != 0; }  // the header was read
  const LogHeader& header() const { return header_; }
  const std::string& path() const { return path_; }
  uint64_t consumed_bytes() const { return offset_; }  // header + every whole record read
  uint64_t records() const { return records_; }
  // Bytes after the last whole record at the last poll (a record still being written).
  uint64_t pending_bytes() const { return pending_; }

 private:
  Status open_and_read_header();
  Result<std::vector<uint8_t>> read_from(uint64_t offset);

  std::string path_;
  Storage* storage_;
  std::unique_ptr<InputFile> file_;
  LogHeader header_;
  std::vector<uint8_t> header_raw_;  // the header's bytes, put before new bytes for LogReader
  uint64_t header_bytes_ = 0;
  uint64_t offset_ = 0;
  uint64_t records_ = 0;
  uint64_t pending_ = 0;
};

class LiveMerge {
 public:
  explicit LiveMerge(const std::vector<std::string>& paths, Storage& storage = real_storage());
  // Polls every tail; returns how many records were added. A tail that fails keeps its position
  // and its error is kept in problem() (the other tails are polled all the same).
  size_t poll();
  // The last poll's first error ("" when every tail read cleanly).
  const std::string& problem() const { return problem_; }
  // Everything read so far, sorted as merge_logs sorts (a copy: the caller may keep it).
  MergedRecording snapshot() const;
  const std::vector<LogTail>& tails() const { return tails_; }

 private:
  std::vector<LogTail> tails_;
  MergedRecording unsorted_;  // tables appended in read order
  std::string problem_;
};

}  // namespace ion::record
