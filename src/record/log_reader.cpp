// SPDX-License-Identifier: Apache-2.0
#include "record/log_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "record/crc32c.hpp"
#include "record/le_bytes.hpp"
#include "record/posix_file.hpp"

namespace ion::record {
namespace {
constexpr size_t kReadChunk = 256 * 1024;
}

const char* tail_state_name(TailState s) {
  switch (s) {
    case TailState::clean: return "clean";
    case TailState::torn: return "torn";
    case TailState::corrupt: return "corrupt";
    case TailState::io_error: return "io_error";
  }
  return "?";
}

std::string ScanReport::describe() const {
  if (state == TailState::clean) return "clean";
  std::string where = bad_record_is_last ? "tail" : "middle (more bytes follow, not read)";
  return std::string(tail_state_name(state)) + " record at offset " + std::to_string(problem_offset) + " in the " +
         where + ": " + problem + "; kept " + std::to_string(records) + " records (" + std::to_string(good_bytes) +
         " bytes), dropped " + std::to_string(dropped_bytes) + " bytes";
}

LogReader::LogReader(int fd, std::string name, std::vector<uint8_t> buf, uint64_t file_bytes)
    : fd_(fd), name_(std::move(name)), buf_(std::move(buf)) {
  end_ = fd_ < 0 ? buf_.size() : 0;
  report_.file_bytes = file_bytes;
}

LogReader::LogReader(LogReader&& o) noexcept { *this = std::move(o); }

LogReader& LogReader::operator=(LogReader&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    name_ = std::move(o.name_);
    buf_ = std::move(o.buf_);
    pos_ = o.pos_;
    end_ = o.end_;
    offset_ = o.offset_;
    read_failed_ = o.read_failed_;
    done_ = o.done_;
    header_ = std::move(o.header_);
    report_ = std::move(o.report_);
  }
  return *this;
}

LogReader::~LogReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<LogReader> LogReader::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const Errc code = errno == ENOENT ? Errc::not_found : Errc::io_error;
    return error(code, "cannot open log " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return error(Errc::io_error, "cannot stat log " + path + ": " + std::strerror(errno));
  }
  LogReader r(fd, path, std::vector<uint8_t>(kReadChunk), static_cast<uint64_t>(st.st_size));
  ION_TRY(r.read_header());
  return r;
}

Result<LogReader> LogReader::from_bytes(std::vector<uint8_t> bytes, const std::string& name) {
  const uint64_t n = bytes.size();
  LogReader r(-1, name, std::move(bytes), n);
  ION_TRY(r.read_header());
  return r;
}

Status LogReader::read_header() {
  if (!fill(12)) return error(Errc::corrupt, name_ + ": file too short for an ion log header");
  auto n = peek_header_bytes(std::span<const uint8_t>(buf_).subspan(pos_, 12), name_);
  if (!n) return n.status();
  if (!fill(*n)) return error(Errc::corrupt, name_ + ": header truncated");
  auto h = decode_header(std::span<const uint8_t>(buf_).subspan(pos_, *n), name_);
  if (!h) return h.status();
  header_ = std::move(*h);
  pos_ += *n;
  offset_ += *n;
  report_.good_bytes = offset_;
  return Status::ok();
}

// Ensures n bytes are buffered at pos_. False at end of data or on a read error.
bool LogReader::fill(size_t n) {
  if (end_ - pos_ >= n) return true;
  if (fd_ < 0 || read_failed_) return false;
  std::copy(buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.begin() + static_cast<std::ptrdiff_t>(end_),
            buf_.begin());
  end_ -= pos_;
  pos_ = 0;
  if (buf_.size() < n) buf_.resize(std::max(n, 2 * buf_.size()));
  while (end_ < n) {
    const ssize_t got = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) read_failed_ = true;
    if (got <= 0) return false;
    end_ += static_cast<size_t>(got);
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
}

std::optional<RawRecord> LogReader::next_raw() {
  if (done_) return std::nullopt;
  const uint64_t at = offset_;
  if (!fill(kRecordPrefixBytes)) {
    const uint64_t left = end_ - pos_;
    if (read_failed_) finish(TailState::io_error, at, "read error: " + std::string(std::strerror(errno)));
    else if (left == 0) finish(TailState::clean, at, "");
    else finish(TailState::torn, at, "record prefix truncated (" + std::to_string(left) + " of 8 bytes)");
    return std::nullopt;
  }
  ByteReader pr(std::span<const uint8_t>(buf_).subspan(pos_, kRecordPrefixBytes));
  const uint32_t len = pr.u32();
  const uint16_t kind = pr.u16();
  const uint16_t flags = pr.u16();
  if (len > kMaxPayloadBytes) {
    report_.bad_record_is_last = false;
    finish(TailState::corrupt, at, "impossible payload length " + std::to_string(len));
    return std::nullopt;
  }
  const size_t total = kRecordOverheadBytes + len;
  if (!fill(total)) {
    const uint64_t left = end_ - pos_;
    if (read_failed_) finish(TailState::io_error, at, "read error: " + std::string(std::strerror(errno)));
    else finish(TailState::torn, at, "record of " + std::to_string(total) + " bytes truncated to " + std::to_string(left));
    return std::nullopt;
  }
  const auto frame = std::span<const uint8_t>(buf_).subspan(pos_, total);
  ByteReader cr(frame.last(4));
  const uint32_t stored = cr.u32();
  const uint32_t computed = crc32c(frame.first(total - 4));
  if (stored != computed) {
    report_.bad_record_is_last = at + total >= std::max(report_.file_bytes, offset_ + (end_ - pos_));
    finish(TailState::corrupt, at, "CRC mismatch (kind " + std::to_string(kind) + ", " + std::to_string(len) +
                                       "-byte payload)");
    return std::nullopt;
  }
  pos_ += total;
  offset_ += total;
  report_.good_bytes = offset_;
  ++report_.records;
  return RawRecord{kind, flags, at, frame.subspan(kRecordPrefixBytes, len)};
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

Result<ScanReport> scan_log(const std::string& path) {
  auto r = LogReader::open(path);
  if (!r) return r.status();
  while (r->next()) {
  }
  return r->report();
}

Result<ScanReport> repair_log(const std::string& path, bool allow_middle_loss) {
  auto rep = scan_log(path);
  if (!rep) return rep;
  if (rep->state == TailState::clean) return rep;
  if (rep->state == TailState::io_error) return error(Errc::io_error, path + ": " + rep->describe());
  if (!rep->bad_record_is_last && !allow_middle_loss) {
    return error(Errc::corrupt, path + ": " + rep->describe() + "; refusing to discard data after the damage");
  }
  ION_TRY(truncate_file(path, rep->good_bytes));
  return rep;
}

}  // namespace ion::record
