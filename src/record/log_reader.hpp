// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sequential reader of an event log that stops at the first record it cannot trust.
//
// A record is trusted when its whole frame is present and its CRC32C matches. At the first
// record that is not, the reader stops (it never resumes reading after damage) and report() says
// why, where, and how many bytes follow the last good record. To tell a torn tail from damage in
// the middle, it then scans the rest of the file for any valid record (a frame whose length fits
// and whose CRC32C matches, starting at any byte): the damage is a tail only if none is found.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "env/storage.hpp"
#include "record/log_format.hpp"
#include "record/records.hpp"

namespace ion::record {

enum class TailState : uint8_t {
  clean,     // the file ends exactly after a good record
  torn,      // the file ends inside a record and nothing valid follows (an interrupted write)
  corrupt,   // a record failed its CRC, declared an impossible length, or declared a length
             // running past the end of the file while valid records follow (a damaged length)
  io_error,  // reading failed
};
const char* tail_state_name(TailState s);

struct ScanReport {
  TailState state = TailState::clean;
  uint64_t file_bytes = 0;
  uint64_t good_bytes = 0;       // header + all good records: the length repair truncates to
  uint64_t dropped_bytes = 0;    // file_bytes − good_bytes
  uint64_t records = 0;          // good records (all kinds)
  uint64_t dropped_records = 0;  // records known lost: 1 if the scan stopped early (bytes after it unread)
  // True when no valid record follows the damage (a torn or damaged tail, safe to truncate);
  // false when one does (damage in the middle: truncating would discard good records).
  bool bad_record_is_last = true;
  uint64_t next_valid_offset = 0;  // where the first valid record after the damage starts (0: none)
  // Non-empty when the search for a valid record after the damage could not finish (a read
  // error, or the work limit on a hostile file): the damage is then not known to be a tail and
  // counts as mid-log (bad_record_is_last false, next_valid_offset 0).
  std::string scan_limit;
  uint64_t problem_offset = 0;     // file offset of the first untrusted record
  std::string problem;             // human-readable reason, empty when clean
  uint64_t unknown_records = 0;    // good records of kinds this build does not know (skipped)
  uint64_t malformed_records = 0;  // good CRC but undecodable payload (skipped)
  std::string first_malformed;     // the first decode error message
  std::map<uint16_t, uint64_t> unknown_by_kind;

  bool lost_data() const { return state != TailState::clean; }
  std::string describe() const;  // one line: "clean" or "torn tail at offset X: ...; dropped N bytes"
};

// A framed record as found in the file. `payload` is valid until the next call on the reader.
struct RawRecord {
  uint16_t kind = 0;
  uint16_t flags = 0;
  uint64_t offset = 0;  // file offset of the record's first byte
  std::span<const uint8_t> payload;
};

class LogReader {
 public:
  // Opens and validates the header. Errors: not_found, io_error, corrupt (bad magic, header
  // CRC, truncated header), invalid_argument (unsupported version). Messages name the path.
  static Result<LogReader> open(Storage& storage, const std::string& path);
  static Result<LogReader> open(const std::string& path) { return open(real_storage(), path); }
  // Reads a log held in memory (tests, fakes).
  static Result<LogReader> from_bytes(std::vector<uint8_t> bytes, const std::string& name = "<memory>");
  LogReader(LogReader&&) noexcept = default;
  LogReader& operator=(LogReader&&) noexcept = default;

  const LogHeader& header() const { return header_; }
  const std::string& name() const { return name_; }
  // The next trusted record, or nullopt at the end of the trusted part (then report() is final).
  std::optional<RawRecord> next_raw();
  // The next trusted record of a known kind, decoded; unknown and malformed records are skipped
  // and counted in report().
  std::optional<Record> next();
  const ScanReport& report() const { return report_; }
  bool done() const { return done_; }
  // File offset of the next record to be read (how far the reader got).
  uint64_t position() const { return offset_; }

 private:
  LogReader(std::unique_ptr<InputFile> file, std::string name);
  Status read_header();
  bool fill(size_t n);
  void finish(TailState state, uint64_t offset, std::string problem);
  void locate_next_valid(uint64_t after);

  std::unique_ptr<InputFile> file_;
  std::string name_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t offset_ = 0;     // file offset of buf_[pos_]
  std::string read_error_;  // the failed read's message, empty while reads succeed
  bool done_ = false;
  LogHeader header_;
  ScanReport report_;
};

// Reads the whole log and returns its report (header errors as for LogReader::open).
Result<ScanReport> scan_log(Storage& storage, const std::string& path);
inline Result<ScanReport> scan_log(const std::string& path) { return scan_log(real_storage(), path); }

// Truncates the log to its last good record when nothing valid follows the damage. Damage with
// a valid record after it (mid-log damage) is refused with Errc::corrupt and the file is left
// untouched, unless allow_middle_loss (`ion inspect --repair --force`). The log is locked while
// it is repaired: a log that a running node holds is refused with Errc::unavailable.
Result<ScanReport> repair_log(Storage& storage, const std::string& path, bool allow_middle_loss = false);
inline Result<ScanReport> repair_log(const std::string& path, bool allow_middle_loss = false) {
  return repair_log(real_storage(), path, allow_middle_loss);
}
// As repair_log, on a log the caller already holds open and locked (a resuming writer).
Result<ScanReport> repair_open_log(Storage& storage, OutputFile& file, bool allow_middle_loss);
// The message for refused mid-log damage: where it is, what follows, what --force would lose.
std::string middle_damage_message(const std::string& path, const ScanReport& r);

}  // namespace ion::record
