// SPDX-License-Identifier: Apache-2.0
#pragma once
// After a run: merge the sites' logs into <out>/recording.h5, write <out>/report.html and print
// the summary (per phase and per link), all marked with how the run ended.
#include <string>
#include <vector>

#include "experiment/model.hpp"
#include "record/merge.hpp"
#include "record/run_outcome.hpp"
#include "report/analysis.hpp"

namespace ion::cli {

// Merges the logs that exist (a site that failed before it opened its log has none), exports
// recording.h5 and report.html marked with `outcome` and prints the summary. An interrupted or
// incomplete outcome ends at the earlier of the runner's estimate and the sites' first stop note
// (exact experiment time). Returns the outcome as written. Throws
// CliError if no log exists or a file cannot be written.
record::RunOutcome write_run_outputs(const experiment::Experiment& e, const std::string& out,
                                     const std::vector<std::string>& logs, record::RunOutcome outcome);

// record::merge_logs with a progress bar of the bytes read on standard error when it is a
// terminal (erased when done; nothing otherwise).
Result<record::MergedRecording> merge_logs_with_bar(const std::vector<std::string>& logs);

// Writes <out>/<file_name> (via a temporary file renamed into place) and prints the summary to
// stdout. Throws CliError if the file cannot be written.
void write_report(const record::MergedRecording& m, const experiment::Experiment& e, const std::string& out,
                  const report::AnalysisOptions& options = {}, const std::string& file_name = "report.html");

// The sites' event logs (*.ionlog) in a run directory, sorted. Throws CliError naming `command`:
// exit 2 when `dir` is not a directory or holds no log, 1 when it cannot be read.
std::vector<std::string> find_run_logs(const std::string& dir, const std::string& command);

// `ion run --nwb`: the logs that exist merged into <out>/recording.nwb (cmd_export.cpp);
// `runner_start_wall_ns` is session_start_time of a simulated run. Throws CliError (exit 1).
void write_run_nwb(const experiment::Experiment& e, const std::string& out, const std::vector<std::string>& logs,
                   int64_t runner_start_wall_ns);

}  // namespace ion::cli
