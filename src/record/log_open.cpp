// SPDX-License-Identifier: Apache-2.0
#include "record/log_open.hpp"

namespace ion::record {
namespace {

// The existing log in `file` must be one of this site; then its torn tail (if any) goes.
Result<ScanReport> prepare_resume(Storage& storage, OutputFile& file, const LogHeader& header) {
  ION_TRY_ASSIGN(auto reader, LogReader::open(storage, file.path()));
  const LogHeader& old = reader.header();
  if (old.site_id != header.site_id || old.site_name != header.site_name) {
    return error(Errc::invalid_argument, file.path() + " is the log of site '" + old.site_name + "' (id " +
                                             std::to_string(old.site_id) + "), not of site '" + header.site_name +
                                             "' (id " + std::to_string(header.site_id) + ")");
  }
  return repair_open_log(storage, file, false);
}

}  // namespace

Result<std::unique_ptr<OutputFile>> lock_log(Storage& storage, const std::string& path) {
  AppendOptions o;
  o.lock = true;
  return storage.open_append(path, o);
}

Result<OpenedLog> start_log(Storage& storage, std::unique_ptr<OutputFile> file, const LogHeader& header,
                            const WriterOptions& options, Time now) {
  OpenedLog out;
  if (file->size() == 0) {
    ION_TRY_ASSIGN(auto w, LogWriter::create(std::move(file), header, options, now));
    out.writer = std::move(w);
    return out;
  }
  ION_TRY_ASSIGN(auto prior, prepare_resume(storage, *file, header));
  ION_TRY_ASSIGN(auto w, LogWriter::resume(std::move(file), header, options, now));
  out.writer = std::move(w);
  out.resumed = true;
  out.recovered = prior;
  if (prior.lost_data()) {
    ION_TRY(out.writer->append(Note{now, NoteKind::gap, "resumed after dropping " + prior.describe()}));
  }
  return out;
}

Result<OpenedLog> open_log(Storage& storage, const std::string& path, const LogHeader& header,
                           const WriterOptions& options, Time now) {
  ION_TRY_ASSIGN(auto file, lock_log(storage, path));
  return start_log(storage, std::move(file), header, options, now);
}

}  // namespace ion::record
