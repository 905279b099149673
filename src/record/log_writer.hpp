// SPDX-License-Identifier: Apache-2.0
#pragma once
// Buffered, append-only writer of one site's event log.
//
// Durability contract: records sit in a user-space buffer until a flush, which happens when the
// buffer reaches WriterOptions::buffer_bytes, when maybe_flush(now) sees that flush_interval_ns
// has passed since the previous flush check, on flush()/close(), and in the destructor. After a
// crash at most the unflushed records are lost and the file ends in at most one torn record,
// which LogReader detects and repair_log()/open_log() truncate.
//
// Failure contract: the first failed write or sync stops the writer. The error names the file
// and the OS reason ("cannot write /out/hub.ionlog: No space left on device; the log keeps …")
// and every later append/flush/close returns it. A write cut short is trimmed back to the last
// whole record, so the file stays a clean, readable log of everything written before.
// Threading: single-threaded (owned by the node loop that drives it).
#include <cstdint>
#include <memory>

#include "core/status.hpp"
#include "core/time.hpp"
#include "env/env.hpp"
#include "record/log_format.hpp"
#include "record/records.hpp"

namespace ion::record {

enum class FsyncPolicy : uint8_t {
  never,     // the OS decides when data reaches the disk
  on_close,  // fdatasync once on close (default)
  on_flush,  // fdatasync on every flush (slow; for unreliable power)
};

struct WriterOptions {
  size_t buffer_bytes = 64 * 1024;  // flush when the buffer holds this much
  Duration flush_interval_ns = 100 * kMillisecond;
  FsyncPolicy fsync = FsyncPolicy::on_close;
};

struct WriterStats {
  uint64_t records = 0;         // records accepted into the buffer
  uint64_t flushes = 0;         // flushes that wrote bytes
  uint64_t bytes_flushed = 0;   // record bytes handed to the file (header excluded)
  uint64_t failed_records = 0;  // records refused (after an I/O error or when oversized) or lost in a failed write
};

class LogWriter {
 public:
  // Starts a new log: writes the header and SessionStart{resumed=false} and flushes them.
  // REQUIRES: the file is empty (else already_exists).
  static Result<std::unique_ptr<LogWriter>> create(std::unique_ptr<OutputFile> file, const LogHeader& header,
                                                   const WriterOptions& options, Time now);
  // Continues an existing, already validated and repaired log (see open_log): writes
  // SessionStart{resumed=true} with header.session_epoch and flushes it.
  static Result<std::unique_ptr<LogWriter>> resume(std::unique_ptr<OutputFile> file, const LogHeader& header,
                                                   const WriterOptions& options, Time now);
  ~LogWriter();  // close(), errors ignored
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Buffers one record; flushes if the buffer is full. After an I/O error every append fails
  // with that error (and is counted in failed_records). Oversized notes are refused
  // (out_of_range) without stopping the writer.
  Status append(const Record& r);
  // Flushes if flush_interval_ns has passed since the previous maybe_flush/flush; call it from
  // the node loop with its Env clock. `now` is local time, ns.
  Status maybe_flush(Time now);
  Status flush();
  // Flushes, syncs (unless FsyncPolicy::never) and releases the file. Idempotent.
  Status close();
  // Schedules maybe_flush(env.now()) every flush_interval_ns on env until close()/destruction.
  // REQUIRES: env outlives this writer or close() is called first.
  void start_periodic_flush(Env& env);

  const WriterStats& stats() const { return stats_; }
  size_t buffered_bytes() const { return buf_.size(); }
  uint64_t file_bytes() const;  // bytes in the file so far (excluding the buffer)

 private:
  LogWriter(std::unique_ptr<OutputFile> file, const WriterOptions& options, Time now);
  Status write_buffer();
  Status fail_write(Status s, uint64_t size_before);
  Status sync_file();
  void schedule_next_flush();

  std::unique_ptr<OutputFile> file_;
  WriterOptions options_;
  std::vector<uint8_t> buf_;
  Time last_flush_check_ns_ = 0;
  Status failed_;
  WriterStats stats_;
  uint64_t records_flushed_ = 0;  // stats_.records when the buffer last reached the file
  Env* env_ = nullptr;
  TimerId timer_ = 0;
};

}  // namespace ion::record
