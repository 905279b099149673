// SPDX-License-Identifier: Apache-2.0
#include "report/run_outputs.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "record/hdf5_export.hpp"
#include "report/describe.hpp"
#include "report/report_html.hpp"

namespace ion::report {

Result<Summary> write_report_html(const record::MergedRecording& m, const experiment::Experiment& e,
                                  const std::string& out, const AnalysisOptions& options,
                                  const std::string& file_name) {
  Summary summary = summarize(m, e, options);
  const std::string html = render_report_html(m, e, summary);
  const std::string path = out + "/" + file_name, tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(html.data(), static_cast<std::streamsize>(html.size()));
    f.close();
    if (!f)
      return error(Errc::io_error, "writing " + tmp + ": cannot write the file (directory missing or disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return error(Errc::io_error, "renaming " + tmp + " to " + path + ": " + ec.message());
  return summary;
}

Result<RunOutputs> write_run_outputs(const experiment::Experiment& e, const std::string& out,
                                     const std::vector<std::string>& logs, record::RunOutcome outcome) {
  std::vector<std::string> present;
  for (const auto& log : logs)
    if (std::filesystem::exists(log)) present.push_back(log);
  if (present.empty()) return error(Errc::not_found, "no site recorded anything (no event log in " + out + ")");
  auto m = record::merge_logs(present);
  if (!m) return m.status().prefixed("merging the site logs: ");
  // The sites' stop notes carry exact experiment time; the runner's clock overestimates it a
  // little (it counts from before the sites started) but sees a failure before the others stop.
  if (outcome.status != record::RunStatus::complete) {
    if (auto noted = record::outcome_from_notes(*m).ended_at_ns)
      outcome.ended_at_ns = std::min(outcome.ended_at_ns.value_or(*noted), *noted);
  }
  RunOutputs r{outcome, out + "/recording.h5", out + "/report.html", record::digest(*m), {}};
  record::ExportOptions eo;
  eo.outcome = outcome;
  eo.description = describe_recording(e);
  ION_TRY(record::write_hdf5(*m, r.h5_path, eo).prefixed("writing " + r.h5_path + ": "));
  AnalysisOptions ao;
  ao.outcome = outcome;
  ION_TRY_ASSIGN(r.summary, write_report_html(*m, e, out, ao));
  return r;
}

}  // namespace ion::report
