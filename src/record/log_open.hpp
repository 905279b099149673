// SPDX-License-Identifier: Apache-2.0
#pragma once
// Opening a site's log for writing: a new log, or resuming an existing one after its last good
// record (a torn tail from a crash is truncated first and a gap note records what was dropped).
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

// Checks that an existing log at `path` belongs to header.site_id/site_name and truncates a torn
// or corrupt tail. Returns nullopt when there is no log (or an empty file) to resume.
// Errors: a header that is not an ion log header, a log of another site, corruption in the
// middle (never discarded automatically).
Result<std::optional<ScanReport>> prepare_resume(const std::string& path, const LogHeader& header);

// Opens with the tiny POSIX OutputFile (tools, tests). `now` is local time, ns.
Result<OpenedLog> open_log(const std::string& path, const LogHeader& header, const WriterOptions& options,
                           Time now);
// Opens through the Env (nodes). Resuming inspects `path` on the real filesystem first.
Result<OpenedLog> open_log(Env& env, const std::string& path, const LogHeader& header,
                           const WriterOptions& options);

}  // namespace ion::record
