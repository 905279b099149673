// SPDX-License-Identifier: Apache-2.0
// `ion report RUN_DIR` / `ion report FILE.h5`: regenerates report.html and prints the summary
// from the sites' event logs in a run directory, or from a recording.h5 (record/hdf5_import.hpp;
// report.html goes beside it). The experiment comes from the recorded experiment_file note.
// A run still going is refused (its report.html is written when it ends); --live writes
// report-live.html from what was recorded so far instead.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "cli/run_outputs.hpp"
#include "experiment/load.hpp"
#include "record/hdf5_import.hpp"
#include "record/merge.hpp"

namespace ion::cli {
namespace {

struct ReportOptions {
  std::string dir;
  std::string duration;
  std::string response_min = "1ms", response_max = "50ms";
  bool live = false;
};

// The sites of `logs` whose log is being written now: a writer holds an exclusive flock on its log
// for as long as it is open (record/log_open.hpp), so a shared lock that cannot be taken at once
// means a live writer. The probe lock is released at once; a log that cannot be opened is left
// to the merge, which names the problem.
std::vector<std::string> live_sites(const std::vector<std::string>& logs) {
  std::vector<std::string> live;
  for (const auto& log : logs) {
    const int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
      live.push_back(std::filesystem::path(log).stem().string());
    ::close(fd);  // also drops the probe's lock
  }
  return live;
}

// Refuses a run that is still going unless --live (then the report goes to report-live.html).
std::string report_file_name(const std::string& dir, const std::vector<std::string>& logs, bool live) {
  if (live) return "report-live.html";
  const auto writing = live_sites(logs);
  if (writing.empty()) return "report.html";
  std::string names;
  for (const auto& s : writing) names += (names.empty() ? "" : ", ") + s;
  throw CliError("ion report: the run in " + dir + " is still going (site " + names +
                     " is writing its log); its report.html is written when it ends. `ion report --live " + dir +
                     "` writes report-live.html from what was recorded so far",
                 2);
}

Duration duration_option(const std::string& name, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw CliError(name + ": " + d.status().message(), 2);
  if (*d < 0) throw CliError(name + ": must not be negative, got " + text, 2);
  return *d;
}

// The duration the run used: --duration, else the sites' end notes, else the file's.
void apply_duration(experiment::Experiment& e, const record::MergedRecording& m, const ReportOptions& o) {
  std::optional<Duration> d;
  if (!o.duration.empty()) {
    d = duration_option("--duration", o.duration);
    if (*d == 0) throw CliError("--duration: must be positive, got " + o.duration, 2);
  } else if (auto rec = report::recorded_duration(m); rec && *rec != e.duration_ns) {
    d = rec;
    std::printf("note: the sites ran for %s (the experiment file says %s); phases scaled to match\n",
                format_duration(*rec).c_str(), format_duration(e.duration_ns).c_str());
  }
  if (d) experiment::scale_duration(e, *d);
}

// What the report is made from: the merged recording, where report.html goes and, for a
// recording.h5, how the run ended as `ion run` recorded it (else the analysis takes it from the
// sites' final notes).
struct Source {
  record::MergedRecording m;
  std::string out_dir;
  std::optional<record::RunOutcome> outcome;
  std::string file_name = "report.html";
};

Source load_h5(const std::string& path) {
  // On a terminal only, like merging the logs of a run directory (cli/run_outputs.hpp).
  ProgressBar bar(stderr, "reading " + std::filesystem::path(path).filename().string(), false, false);
  auto h = record::read_hdf5_file(path, [&bar](uint64_t done, uint64_t total) { bar.update(done, total); });
  if (!h) throw CliError("ion report: " + h.status().message(), 1);
  if (record::digest(h->merged) != h->digest) {
    std::fprintf(
        stderr,
        "ion report: warning: %s: the recorded values do not match the file's digest (changed since it was written?)\n",
        path.c_str());
  }
  const auto parent = std::filesystem::path(path).parent_path();
  return {std::move(h->merged), parent.empty() ? "." : parent.string(), h->outcome, "report.html"};
}

// A recording.h5 is written once its run has ended; a run directory may still be live.
Source load(const std::string& path, bool live) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    Source src = load_h5(path);
    src.file_name = live ? "report-live.html" : "report.html";
    return src;
  }
  const auto logs = find_run_logs(path, "ion report");
  const std::string file_name = report_file_name(path, logs, live);
  auto m = merge_logs_with_bar(logs);
  if (!m) throw CliError("ion report: merging the logs in " + path + ": " + m.status().message(), 1);
  return {std::move(m).value(), path, std::nullopt, file_name};
}

void run_report(const ReportOptions& o) {
  report::AnalysisOptions ao;
  ao.response_min_ns = duration_option("--response-min", o.response_min);
  ao.response_max_ns = duration_option("--response-max", o.response_max);
  if (ao.response_max_ns < ao.response_min_ns) {
    throw CliError("--response-max (" + o.response_max + ") is less than --response-min (" + o.response_min + ")", 2);
  }
  Source src = load(o.dir, o.live);
  if (src.m.experiment_file.empty()) {
    throw CliError("ion report: " + o.dir + " holds no experiment_file note, so the phases and synapses are unknown",
                   1);
  }
  auto e = experiment::load_experiment_text(src.m.experiment_file, o.dir + " (recorded experiment file)");
  if (!e) throw CliError("ion report: " + e.status().message(), 1);
  apply_duration(*e, src.m, o);
  ao.outcome = src.outcome;
  write_report(src.m, *e, src.out_dir, ao, src.file_name);
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report",
                                 "Regenerate report.html and print the run summary from the sites' event "
                                 "logs (*.ionlog) in a run directory, or from a recording.h5 (report.html "
                                 "beside it)");
  cmd->add_option("RUN_DIR", o->dir, "output directory of `ion run`, or its recording.h5")->required();
  cmd->add_option("--duration", o->duration,
                  "experiment duration the run used (as `ion run --duration`); default: from the logs");
  cmd->add_option("--response-min", o->response_min, "start of the response window after a pre spike")
      ->capture_default_str();
  cmd->add_option("--response-max", o->response_max, "end of the response window after a pre spike")
      ->capture_default_str();
  cmd->add_flag("--live", o->live,
                "for a run still going: write report-live.html from what was recorded so far (report.html "
                "is left alone)");
  cmd->callback([o] { run_report(*o); });
}

}  // namespace ion::cli
