// SPDX-License-Identifier: Apache-2.0
#include "record/log_writer.hpp"

namespace ion::record {

LogWriter::LogWriter(std::unique_ptr<OutputFile> file, const WriterOptions& options, Time now)
    : file_(std::move(file)), options_(options), last_flush_check_(now) {
  buf_.reserve(options_.buffer_bytes + 256);
}

LogWriter::~LogWriter() { (void)close(); }

Result<std::unique_ptr<LogWriter>> LogWriter::create(std::unique_ptr<OutputFile> file, const LogHeader& header,
                                                     const WriterOptions& options, Time now) {
  if (file->size() != 0) return error(Errc::already_exists, "log file is not empty; open it for resume instead");
  if (header.site_name.size() > kMaxSiteNameBytes) {
    return error(Errc::invalid_argument, "site name longer than " + std::to_string(kMaxSiteNameBytes) + " bytes");
  }
  ION_TRY(file->append(encode_header(header)));
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

Status LogWriter::write_buffer() {
  if (!failed_.is_ok()) return failed_;
  if (buf_.empty() || !file_) return Status::ok();
  Status s = file_->append(buf_);
  if (s.is_ok()) s = file_->flush();
  if (s.is_ok() && options_.fsync == FsyncPolicy::on_flush) s = file_->sync();
  if (!s.is_ok()) {
    failed_ = s;
    return s;
  }
  ++stats_.flushes;
  stats_.bytes_flushed += buf_.size();
  buf_.clear();
  return Status::ok();
}

Status LogWriter::maybe_flush(Time now) {
  if (now - last_flush_check_ < options_.flush_interval_ns) return Status::ok();
  last_flush_check_ = now;
  return write_buffer();
}

Status LogWriter::flush() { return write_buffer(); }

Status LogWriter::close() {
  if (env_ != nullptr && timer_ != 0) env_->cancel(timer_);
  env_ = nullptr;
  timer_ = 0;
  if (!file_) return failed_;
  Status s = write_buffer();
  if (s.is_ok() && options_.fsync != FsyncPolicy::never) s = file_->sync();
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
    (void)maybe_flush(env_->now());  // an I/O error is sticky and reported by the next append
    if (file_) schedule_next_flush();
  });
}

uint64_t LogWriter::file_bytes() const { return file_ ? file_->size() : 0; }

}  // namespace ion::record
