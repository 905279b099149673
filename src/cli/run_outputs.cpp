// SPDX-License-Identifier: Apache-2.0
#include "cli/run_outputs.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/commands.hpp"
#include "report/run_outputs.hpp"

namespace ion::cli {

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

void progress(bool quiet, Time t, Duration total, const std::vector<site::NodeStatus>& sites) {
  if (quiet) return;
  std::string s = "[" + format_duration(std::clamp<Time>(t, 0, total)) + " / " + format_duration(total) + "]";
  for (const auto& site : sites) s += "  " + site::format_status_line(site);
  const bool tty = isatty(STDOUT_FILENO);
  std::printf(tty ? "\r\033[K%s" : "%s\n", s.c_str());
  std::fflush(stdout);
}

}  // namespace ion::cli
