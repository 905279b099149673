// SPDX-License-Identifier: Apache-2.0
#include "record/log_reader.hpp"

#include <algorithm>

#include "core/bytes.hpp"
#include "record/crc32c.hpp"

namespace ion::record {

using bytes::ByteReader;
namespace {

constexpr size_t kReadChunk = 256 * 1024;

// A complete frame (prefix, payload, CRC) whose stored CRC32C matches.
bool frame_is_valid(std::span<const uint8_t> frame) {
  const uint32_t stored = ByteReader(frame.last(4)).u32();
  return stored == crc32c(frame.first(frame.size() - 4));
}

}  // namespace

const char* tail_state_name(TailState s) {
  switch (s) {
    case TailState::clean:
      return "clean";
    case TailState::torn:
      return "torn";
    case TailState::corrupt:
      return "corrupt";
    case TailState::io_error:
      return "io_error";
  }
  return "?";
}

std::string ScanReport::describe() const {
  if (state == TailState::clean) return "clean";
  std::string where = bad_record_is_last ? "tail (no valid record follows)"
                      : next_valid_offset != 0
                          ? "middle (a valid record follows at offset " + std::to_string(next_valid_offset) + ")"
                          : "middle, as far as known (the rest of the file could not be checked: " + scan_limit + ")";
  return std::string(tail_state_name(state)) + " record at offset " + std::to_string(problem_offset) + " in the " +
         where + ": " + problem + "; kept " + std::to_string(records) + " records (" + std::to_string(good_bytes) +
         " bytes), dropped " + std::to_string(dropped_bytes) + " bytes";
}

namespace {

// A log held in memory, read through the InputFile interface (LogReader::from_bytes).
class MemoryInput final : public InputFile {
 public:
  MemoryInput(std::vector<uint8_t> bytes, std::string name) : bytes_(std::move(bytes)), name_(std::move(name)) {
    info_.exists = info_.regular = true;
    info_.size = bytes_.size();
  }
  Result<size_t> read_at(uint64_t offset, std::span<uint8_t> into) override {
    if (offset >= bytes_.size()) return size_t{0};
    const size_t n = std::min<uint64_t>(into.size(), bytes_.size() - offset);
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), n, into.begin());
    return n;
  }
  const FileInfo& info() const override { return info_; }
  const std::string& path() const override { return name_; }

 private:
  std::vector<uint8_t> bytes_;
  std::string name_;
  FileInfo info_;
};

}  // namespace

LogReader::LogReader(std::unique_ptr<InputFile> file, std::string name)
    : file_(std::move(file)), name_(std::move(name)) {
  report_.file_bytes = file_->info().size;
  // A small log (or one in memory) needs no 256 KiB buffer; fill() grows it when needed.
  buf_.resize(std::clamp<uint64_t>(report_.file_bytes, 4096, kReadChunk));
}

Result<LogReader> LogReader::open(Storage& storage, const std::string& path) {
  ION_TRY_ASSIGN(auto f, storage.open_read(path));  // "cannot open PATH: reason"
  LogReader r(std::move(f), path);
  ION_TRY(r.read_header());
  return r;
}

Result<LogReader> LogReader::from_bytes(std::vector<uint8_t> bytes, const std::string& name) {
  LogReader r(std::make_unique<MemoryInput>(std::move(bytes), name), name);
  ION_TRY(r.read_header());
  return r;
}

Status LogReader::read_header() {
  if (!fill(12)) {
    if (!read_error_.empty()) return error(Errc::io_error, read_error_);
    return error(Errc::corrupt, name_ + ": file too short for an ion log header");
  }
  ION_TRY_ASSIGN(auto n, peek_header_bytes(std::span<const uint8_t>(buf_).subspan(pos_, 12), name_));
  if (!fill(n)) return error(Errc::corrupt, name_ + ": header truncated");
  ION_TRY_ASSIGN(auto h, decode_header(std::span<const uint8_t>(buf_).subspan(pos_, n), name_));
  header_ = std::move(h);
  pos_ += n;
  offset_ += n;
  report_.good_bytes = offset_;
  return Status::ok();
}

// Ensures n bytes are buffered at pos_. False at end of data or on a read error.
bool LogReader::fill(size_t n) {
  if (end_ - pos_ >= n) return true;
  if (!read_error_.empty()) return false;
  std::copy(buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.begin() + static_cast<std::ptrdiff_t>(end_),
            buf_.begin());
  end_ -= pos_;
  pos_ = 0;
  if (buf_.size() < n) buf_.resize(std::max(n, 2 * buf_.size()));
  while (end_ < n) {
    auto got = file_->read_at(offset_ + end_, std::span<uint8_t>(buf_).subspan(end_));
    if (!got) read_error_ = got.status().message();
    if (!got || *got == 0) return false;
    end_ += *got;
  }
  return true;
}

void LogReader::finish(TailState state, uint64_t offset, std::string problem) {
  done_ = true;
  // The file may have grown while we read it (inspecting a live log): count what we saw.
  report_.file_bytes = std::max(report_.file_bytes, offset_ + (end_ - pos_));
  report_.state = state;
  report_.problem_offset = offset;
  report_.problem = std::move(problem);
  report_.dropped_bytes = report_.file_bytes - report_.good_bytes;
  report_.dropped_records = state == TailState::clean ? 0 : 1;
  if (state == TailState::torn || state == TailState::corrupt) locate_next_valid(offset);
  // A record that runs past the end is torn only when nothing valid follows; otherwise its
  // length field is damaged (e.g. one flipped bit) and the file goes on after it.
  if (!report_.bad_record_is_last && state == TailState::torn) report_.state = TailState::corrupt;
}

std::optional<RawRecord> LogReader::next_raw() {
  if (done_) return std::nullopt;
  const uint64_t at = offset_;
  if (!fill(kRecordPrefixBytes)) {
    const uint64_t left = end_ - pos_;
    if (!read_error_.empty()) finish(TailState::io_error, at, read_error_);
    else if (left == 0) finish(TailState::clean, at, "");
    else finish(TailState::torn, at, "record prefix truncated (" + std::to_string(left) + " of 8 bytes)");
    return std::nullopt;
  }
  ByteReader pr(std::span<const uint8_t>(buf_).subspan(pos_, kRecordPrefixBytes));
  const uint32_t len = pr.u32();
  const uint16_t kind = pr.u16();
  const uint16_t flags = pr.u16();
  if (len > kMaxPayloadBytes) {
    finish(TailState::corrupt, at, "impossible payload length " + std::to_string(len));
    return std::nullopt;
  }
  const size_t total = kRecordOverheadBytes + len;
  if (!fill(total)) {
    const uint64_t left = end_ - pos_;
    if (!read_error_.empty()) finish(TailState::io_error, at, read_error_);
    else
      finish(TailState::torn, at,
             "record of " + std::to_string(total) + " bytes runs past the end of the file (" + std::to_string(left) +
                 " bytes left)");
    return std::nullopt;
  }
  const auto frame = std::span<const uint8_t>(buf_).subspan(pos_, total);
  if (!frame_is_valid(frame)) {
    finish(TailState::corrupt, at,
           "CRC mismatch (kind " + std::to_string(kind) + ", " + std::to_string(len) + "-byte payload)");
    return std::nullopt;
  }
  pos_ += total;
  offset_ += total;
  report_.good_bytes = offset_;
  ++report_.records;
  return RawRecord{kind, flags, at, frame.subspan(kRecordPrefixBytes, len)};
}

namespace {

// Bytes checked (read and CRC'd) by one scan for a later valid record before it gives up and
// treats the damage as mid-log: bounds `ion inspect` on a hostile file (~1 s of CRC32C).
constexpr uint64_t kScanWorkLimit = uint64_t{1} << 30;

// A window over [start, start + bytes.size()) of a file, for the scan below.
struct ScanWindow {
  InputFile& file;
  uint64_t file_end;
  std::vector<uint8_t> bytes;
  uint64_t start = 0;
  uint64_t work = 0;    // bytes read or checked so far
  std::string failure;  // a read error

  // Makes [p, p + n) available; false if the file ends earlier or cannot be read.
  bool load(uint64_t p, size_t n) {
    if (p >= start && p + n <= start + bytes.size()) return true;
    if (p + n > file_end || !failure.empty()) return false;
    bytes.resize(std::max<size_t>(n, static_cast<size_t>(std::min<uint64_t>(kReadChunk, file_end - p))));
    start = p;
    auto got = file.read_at(p, bytes);
    if (!got) failure = got.status().message();
    bytes.resize(got ? *got : 0);
    work += bytes.size();
    return bytes.size() >= n;
  }
  std::span<const uint8_t> at(uint64_t p, size_t n) const {
    return std::span<const uint8_t>(bytes).subspan(p - start, n);
  }
};

}  // namespace

// Looks for any valid record starting after `after` (see the header): one is enough to know that
// the damage is not a tail. Only a complete scan that finds none makes it a tail; a read error or
// the work limit leaves it "not known to be a tail" (scan_limit says why).
void LogReader::locate_next_valid(uint64_t after) {
  ScanWindow w{*file_, report_.file_bytes, {}, 0, 0, {}};
  for (uint64_t p = after + 1; p + kRecordOverheadBytes <= w.file_end; ++p) {
    if (w.work > kScanWorkLimit) w.failure = "stopped after checking " + std::to_string(w.work) + " bytes";
    if (!w.load(p, kRecordPrefixBytes)) break;
    const uint32_t len = ByteReader(w.at(p, 4)).u32();
    if (len > kMaxPayloadBytes || !w.load(p, kRecordOverheadBytes + len)) continue;
    w.work += kRecordOverheadBytes + len;
    if (frame_is_valid(w.at(p, kRecordOverheadBytes + len))) {
      report_.bad_record_is_last = false;
      report_.next_valid_offset = p;
      return;
    }
  }
  if (w.failure.empty()) return;
  report_.bad_record_is_last = false;
  report_.scan_limit = w.failure;
}

std::optional<Record> LogReader::next() {
  while (auto raw = next_raw()) {
    auto rec = decode_payload(raw->kind, raw->payload);
    if (rec) return std::move(*rec);
    if (rec.status().code() == Errc::not_found) {
      ++report_.unknown_records;
      ++report_.unknown_by_kind[raw->kind];
    } else {
      if (report_.malformed_records++ == 0) {
        report_.first_malformed = "offset " + std::to_string(raw->offset) + ": " + rec.status().message();
      }
    }
  }
  return std::nullopt;
}

Result<ScanReport> scan_log(Storage& storage, const std::string& path) {
  ION_TRY_ASSIGN(auto r, LogReader::open(storage, path));
  while (r.next()) {
  }
  return r.report();
}

std::string middle_damage_message(const std::string& path, const ScanReport& r) {
  return path + ": damage in the middle of the log: " + r.describe() + ". Nothing was changed. " +
         "`ion inspect --repair --force " + path + "` truncates the log at offset " + std::to_string(r.good_bytes) +
         ", discarding " + std::to_string(r.dropped_bytes) + " bytes including the valid records after the damage";
}

Result<ScanReport> repair_open_log(Storage& storage, OutputFile& file, bool allow_middle_loss) {
  auto rep = scan_log(storage, file.path());
  if (!rep) return rep;
  if (rep->state == TailState::clean) return rep;
  if (rep->state == TailState::io_error) return error(Errc::io_error, file.path() + ": " + rep->describe());
  if (!rep->bad_record_is_last && !allow_middle_loss)
    return error(Errc::corrupt, middle_damage_message(file.path(), *rep));
  ION_TRY(file.truncate(rep->good_bytes));
  ION_TRY(file.sync());
  return rep;
}

Result<ScanReport> repair_log(Storage& storage, const std::string& path, bool allow_middle_loss) {
  ION_TRY_ASSIGN(auto info, storage.stat(path));
  if (!info.exists) return error(Errc::not_found, "no such log " + path);
  AppendOptions locked;
  locked.lock = true;
  ION_TRY_ASSIGN(auto file, storage.open_append(path, locked));
  return repair_open_log(storage, *file, allow_middle_loss);
}

}  // namespace ion::record
