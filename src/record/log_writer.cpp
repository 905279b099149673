// SPDX-License-Identifier: Apache-2.0
#include "record/log_writer.hpp"

#include "core/bytes.hpp"

namespace ion::record {

using bytes::ByteReader;

LogWriter::LogWriter(std::unique_ptr<OutputFile> file, const WriterOptions& options, Time now)
    : file_(std::move(file)), options_(options), last_flush_check_ns_(now) {
  buf_.reserve(options_.buffer_bytes + 256);
}

// Owners that care about the outcome call close() themselves; a destructor cannot report, and the
// same error is already sticky in every append/flush the owner made before.
LogWriter::~LogWriter() { (void)close(); }

Result<std::unique_ptr<LogWriter>> LogWriter::create(std::unique_ptr<OutputFile> file, const LogHeader& header,
                                                     const WriterOptions& options, Time now) {
  if (file->size() != 0) return error(Errc::already_exists, "log file is not empty; open it for resume instead");
  if (header.site_name.size() > kMaxSiteNameBytes) {
    return error(Errc::invalid_argument, "site name longer than " + std::to_string(kMaxSiteNameBytes) + " bytes");
  }
  const std::vector<uint8_t> head = encode_header(header);
  Status s = file->append(head);
  if (!s) {
    Status t = file->truncate(0);  // no torn header left behind: the file stays a fresh, empty log
    return t ? s : error(s.code(), s.message() + "; and " + t.message());
  }
  std::unique_ptr<LogWriter> w(new LogWriter(std::move(file), options, now));
  ION_TRY(w->append(SessionStart{header.session_epoch, false, now, header.start_wall_ns}));
  ION_TRY(w->flush());
  return w;
}

Result<std::unique_ptr<LogWriter>> LogWriter::resume(std::unique_ptr<OutputFile> file, const LogHeader& header,
                                                     const WriterOptions& options, Time now) {
  if (file->size() == 0) return error(Errc::not_found, "log file is empty; create it instead");
  std::unique_ptr<LogWriter> w(new LogWriter(std::move(file), options, now));
  ION_TRY(w->append(SessionStart{header.session_epoch, true, now, header.start_wall_ns}));
  ION_TRY(w->flush());
  return w;
}

Status LogWriter::append(const Record& r) {
  if (!failed_.is_ok() || !file_) {
    ++stats_.failed_records;
    return failed_.is_ok() ? error(Errc::unavailable, "log is closed") : failed_;
  }
  if (const auto* n = std::get_if<Note>(&r); n && n->text.size() > kMaxPayloadBytes - 10) {
    ++stats_.failed_records;
    return error(Errc::out_of_range, "note of " + std::to_string(n->text.size()) + " bytes exceeds the record limit");
  }
  frame_record(r, buf_);
  ++stats_.records;
  if (buf_.size() >= options_.buffer_bytes) return write_buffer();
  return Status::ok();
}

namespace {

// Bytes of the whole records at the start of `frames` that fit in the first `written` bytes.
size_t whole_records(std::span<const uint8_t> frames, uint64_t written, uint64_t& records) {
  size_t at = 0;
  records = 0;
  while (at + kRecordPrefixBytes <= frames.size()) {
    const size_t next = at + kRecordOverheadBytes + ByteReader(frames.subspan(at, 4)).u32();
    if (next > written) break;
    at = next;
    ++records;
  }
  return at;
}

}  // namespace

// A write that failed part-way leaves the log ending in whole records: the bytes of a partial
// record are cut off again (a full disk lets that shrink the file), so everything before stays
// readable and `ion node --resume` needs no repair. Records of the failed write that did not
// reach the file are counted as failed.
Status LogWriter::fail_write(Status s, uint64_t size_before) {
  const uint64_t written = file_->size() - size_before;
  uint64_t kept_records = 0;
  const size_t keep = whole_records(buf_, written, kept_records);
  std::string what = s.message();
  if (keep < written) {
    Status t = file_->truncate(size_before + keep);
    if (!t) what += "; and " + t.message() + " (the log ends in a torn record; `ion inspect --repair` removes it)";
  }
  const uint64_t in_buffer = stats_.records - records_flushed_;
  stats_.failed_records += in_buffer - kept_records;
  what += "; the log keeps its first " + std::to_string(size_before + keep) +
          " bytes (every record before); records lost: " + std::to_string(in_buffer - kept_records);
  failed_ = error(s.code(), what);
  buf_.clear();
  return failed_;
}

Status LogWriter::write_buffer() {
  if (!failed_.is_ok()) return failed_;
  if (buf_.empty() || !file_) return Status::ok();
  const uint64_t before = file_->size();
  Status s = file_->append(buf_);
  if (!s) return fail_write(std::move(s), before);
  records_flushed_ = stats_.records;
  if (options_.fsync == FsyncPolicy::on_flush) ION_TRY(sync_file());
  ++stats_.flushes;
  stats_.bytes_flushed += buf_.size();
  buf_.clear();
  return Status::ok();
}

Status LogWriter::maybe_flush(Time now) {
  if (now - last_flush_check_ns_ < options_.flush_interval_ns) return Status::ok();
  last_flush_check_ns_ = now;
  return write_buffer();
}

Status LogWriter::flush() { return write_buffer(); }

// A failed sync is final (see env/storage.hpp): the writer stops.
Status LogWriter::sync_file() {
  Status s = file_->sync();
  if (s) return s;
  failed_ = error(s.code(),
                  s.message() + "; records written since the last successful sync may not be on stable storage");
  return failed_;
}

Status LogWriter::close() {
  if (env_ != nullptr && timer_ != 0) env_->cancel(timer_);
  env_ = nullptr;
  timer_ = 0;
  if (!file_) return failed_;
  Status s = write_buffer();
  if (s.is_ok() && options_.fsync != FsyncPolicy::never) s = sync_file();
  file_.reset();
  return s;
}

void LogWriter::start_periodic_flush(Env& env) {
  env_ = &env;
  schedule_next_flush();
}

void LogWriter::schedule_next_flush() {
  timer_ = env_->schedule_after(options_.flush_interval_ns, [this] {
    timer_ = 0;
    // An I/O error is sticky: the next append, flush or close returns it to the owner.
    (void)maybe_flush(env_->now());
    if (file_) schedule_next_flush();
  });
}

uint64_t LogWriter::file_bytes() const { return file_ ? file_->size() : 0; }

}  // namespace ion::record
