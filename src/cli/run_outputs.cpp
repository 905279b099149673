// SPDX-License-Identifier: Apache-2.0
#include "cli/run_outputs.hpp"

#include <unistd.h>

#include <algorithm>
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

record::RunOutcome write_run_outputs(const experiment::Experiment& e, const std::string& out,
                                     const std::vector<std::string>& logs, record::RunOutcome outcome) {
  std::vector<std::string> present;
  for (const auto& log : logs)
    if (std::filesystem::exists(log)) present.push_back(log);
  if (present.empty()) throw CliError("no site recorded anything (no event log in " + out + ")", 1);
  auto m = record::merge_logs(present);
  if (!m) throw CliError("merging the site logs: " + m.status().message(), 1);
  // The sites' stop notes carry exact experiment time; the runner's clock overestimates it a
  // little (it counts from before the sites started) but sees a failure before the others stop.
  if (outcome.status != record::RunStatus::complete) {
    if (auto noted = record::outcome_from_notes(*m).ended_at_ns)
      outcome.ended_at_ns = std::min(outcome.ended_at_ns.value_or(*noted), *noted);
  }
  record::ExportOptions eo;
  eo.outcome = outcome;
  const std::string h5 = out + "/recording.h5";
  if (Status s = record::write_hdf5(*m, h5, eo); !s) throw CliError("writing " + h5 + ": " + s.message(), 1);
  std::printf("recording: %s (digest %s)\n", h5.c_str(), record::digest(*m).c_str());
  report::AnalysisOptions ao;
  ao.outcome = outcome;
  write_report(*m, e, out, ao);
  return outcome;
}

void progress(bool quiet, Time t, Duration total, const std::vector<std::string>& lines) {
  if (quiet) return;
  std::string s = "[" + format_duration(std::clamp<Time>(t, 0, total)) + " / " + format_duration(total) + "]";
  for (const auto& l : lines) s += "  " + l;
  const bool tty = isatty(STDOUT_FILENO);
  std::printf(tty ? "\r\033[K%s" : "%s\n", s.c_str());
  std::fflush(stdout);
}

}  // namespace ion::cli
