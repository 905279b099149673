// SPDX-License-Identifier: Apache-2.0
#include "cli/run_outputs.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "record/hdf5_export.hpp"
#include "report/report_html.hpp"

namespace ion::cli {

void write_report(const record::MergedRecording& m, const experiment::Experiment& e, const std::string& out,
                  const report::AnalysisOptions& options) {
  const auto summary = report::summarize(m, e, options);
  const std::string html = report::render_report_html(m, e, summary);
  const std::string path = out + "/report.html", tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(html.data(), static_cast<std::streamsize>(html.size()));
    f.close();
    if (!f) throw CliError("writing " + tmp + ": cannot write the file (directory missing or disk full?)", 1);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw CliError("renaming " + tmp + " to " + path + ": " + ec.message(), 1);
  std::fputs(report::format_summary(summary).c_str(), stdout);
  std::printf("report: %s\n", path.c_str());
}

void write_run_outputs(const experiment::Experiment& e, const std::string& out, const std::vector<std::string>& logs) {
  auto r = record::export_logs_to_hdf5(logs, out + "/recording.h5");
  if (!r) throw CliError("merging the site logs: " + r.status().message(), 1);
  std::printf("recording: %s/recording.h5 (digest %s)\n", out.c_str(), r->digest.c_str());
  write_report(r->merged, e, out);
}

}  // namespace ion::cli
