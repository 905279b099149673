// SPDX-License-Identifier: Apache-2.0
#include "record/log_open.hpp"

#include "record/posix_file.hpp"

namespace ion::record {
namespace {

Result<OpenedLog> start_writer(std::unique_ptr<OutputFile> file, const std::optional<ScanReport>& prior,
                               const LogHeader& header, const WriterOptions& options, Time now) {
  OpenedLog out;
  if (!prior) {
    auto w = LogWriter::create(std::move(file), header, options, now);
    if (!w) return w.status();
    out.writer = std::move(*w);
    return out;
  }
  auto w = LogWriter::resume(std::move(file), header, options, now);
  if (!w) return w.status();
  out.writer = std::move(*w);
  out.resumed = true;
  out.recovered = *prior;
  if (prior->lost_data()) {
    ION_TRY(out.writer->append(Note{now, NoteKind::gap, "resumed after dropping " + prior->describe()}));
  }
  return out;
}

}  // namespace

Result<std::optional<ScanReport>> prepare_resume(const std::string& path, const LogHeader& header) {
  auto size = file_size(path);
  if (!size && size.status().code() == Errc::not_found) return std::optional<ScanReport>{};
  if (!size) return size.status();
  if (*size == 0) return std::optional<ScanReport>{};
  auto reader = LogReader::open(path);
  if (!reader) return reader.status();
  const LogHeader& old = reader->header();
  if (old.site_id != header.site_id || old.site_name != header.site_name) {
    return error(Errc::invalid_argument, path + " is the log of site '" + old.site_name + "' (id " +
                                             std::to_string(old.site_id) + "), not of site '" + header.site_name +
                                             "' (id " + std::to_string(header.site_id) + ")");
  }
  auto rep = repair_log(path);
  if (!rep) return rep.status();
  return std::optional<ScanReport>{*rep};
}

Result<OpenedLog> open_log(const std::string& path, const LogHeader& header, const WriterOptions& options,
                           Time now) {
  auto prior = prepare_resume(path, header);
  if (!prior) return prior.status();
  auto file = PosixOutputFile::open(path);
  if (!file) return file.status();
  return start_writer(std::move(*file), *prior, header, options, now);
}

Result<OpenedLog> open_log(Env& env, const std::string& path, const LogHeader& header,
                           const WriterOptions& options) {
  auto prior = prepare_resume(path, header);
  if (!prior) return prior.status();
  auto file = env.open_output(path);
  if (!file) return file.status();
  return start_writer(std::move(*file), *prior, header, options, env.now());
}

}  // namespace ion::record
