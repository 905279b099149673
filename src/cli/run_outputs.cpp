// SPDX-License-Identifier: Apache-2.0
#include "cli/run_outputs.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "report/run_outputs.hpp"

namespace ion::cli {

Result<record::MergedRecording> merge_logs_with_bar(const std::vector<std::string>& logs) {
  ProgressBar bar(stderr, "merging logs");
  return record::merge_logs(logs, [&bar](uint64_t done, uint64_t total) { bar.update(done, total); });
}

void write_report(const record::MergedRecording& m, const experiment::Experiment& e, const std::string& out,
                  const report::AnalysisOptions& options, const std::string& file_name) {
  auto summary = report::write_report_html(m, e, out, options, file_name);
  if (!summary) throw CliError(summary.status().message(), 1);
  std::fputs(report::format_summary(*summary).c_str(), stdout);
  std::printf("report: %s/%s\n", out.c_str(), file_name.c_str());
}

record::RunOutcome write_run_outputs(const experiment::Experiment& e, const std::string& out,
                                     const std::vector<std::string>& logs, record::RunOutcome outcome) {
  auto r = report::write_run_outputs(e, out, logs, outcome);
  if (!r) throw CliError(r.status().message(), 1);
  std::printf("recording: %s (digest %s)\n", r->h5_path.c_str(), r->digest.c_str());
  std::fputs(report::format_summary(r->summary).c_str(), stdout);
  std::printf("report: %s\n", r->report_path.c_str());
  return r->outcome;
}

std::vector<std::string> find_run_logs(const std::string& dir, const std::string& command) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw CliError(command + ": " + dir + " is not a directory", 2);
  std::vector<std::string> logs;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".ionlog") logs.push_back(entry.path().string());
  }
  if (ec) throw CliError(command + ": reading " + dir + ": " + ec.message(), 1);
  if (logs.empty()) throw CliError(command + ": no event logs (*.ionlog) in " + dir, 2);
  std::sort(logs.begin(), logs.end());
  return logs;
}

}  // namespace ion::cli
