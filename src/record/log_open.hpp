// SPDX-License-Identifier: Apache-2.0
#pragma once
// Opening a site's log for writing: a new log, or resuming an existing one after its last good
// record (a torn tail from a crash is truncated first and a gap note records what was dropped).
//
// A log being written is locked (flock, see env/storage.hpp): a second writer — another node of
// the same site, an `ion node --resume` against a running site, `ion inspect --repair` — is
// refused before it has written or truncated anything.
#include <memory>
#include <string>

#include "env/env.hpp"
#include "record/log_reader.hpp"
#include "record/log_writer.hpp"

namespace ion::record {

struct OpenedLog {
  std::unique_ptr<LogWriter> writer;
  bool resumed = false;
  ScanReport recovered;  // the scan of the existing log (state clean when nothing was dropped)
};

// Opens (creating it if missing) and locks the log at `path` without writing anything.
// Errors: Errc::unavailable when another writer holds it ("… is in use: …").
Result<std::unique_ptr<OutputFile>> lock_log(Storage& storage, const std::string& path);

// Starts the log in `file` (from lock_log): a new log when the file is empty, else a resumed one.
// Resuming checks that the existing header belongs to header.site_id/site_name and truncates a
// torn tail (nothing valid after the damage). Errors, with the file untouched: a header that is
// not an ion log header, a log of another site, damage in the middle (never discarded
// automatically; the message says how to inspect and force a repair). `now` is local time, ns.
Result<OpenedLog> start_log(Storage& storage, std::unique_ptr<OutputFile> file, const LogHeader& header,
                            const WriterOptions& options, Time now);

// lock_log + start_log.
Result<OpenedLog> open_log(Storage& storage, const std::string& path, const LogHeader& header,
                           const WriterOptions& options, Time now);
// On the real file system (tools, tests).
inline Result<OpenedLog> open_log(const std::string& path, const LogHeader& header, const WriterOptions& options,
                                  Time now) {
  return open_log(real_storage(), path, header, options, now);
}
// Through the Env's storage, at the Env's clock (nodes).
inline Result<OpenedLog> open_log(Env& env, const std::string& path, const LogHeader& header,
                                  const WriterOptions& options) {
  return open_log(env.storage(), path, header, options, env.now());
}

}  // namespace ion::record
