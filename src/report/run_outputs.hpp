// SPDX-License-Identifier: Apache-2.0
#pragma once
// The outputs of a run, written the same way whichever front end ran it (`ion run`, `ion report`,
// ion.run in Python): the sites' logs merged into <out>/recording.h5 and the analysis into
// <out>/report.html, both marked with how the run ended. Nothing is printed here.
#include <string>
#include <vector>

#include "core/status.hpp"
#include "experiment/model.hpp"
#include "record/merge.hpp"
#include "record/run_outcome.hpp"
#include "report/analysis.hpp"

namespace ion::report {

struct RunOutputs {
  record::RunOutcome outcome;  // as written into both files
  std::string h5_path, report_path;
  std::string digest;  // of the merged recording (record/merge.hpp)
  Summary summary;     // what the report shows (format_summary prints it)
};

// Writes <out>/<file_name> (report.html; `ion report --live` writes report-live.html) through a
// temporary file renamed into place and returns the summary it shows. Error: the file cannot be
// written (names it).
Result<Summary> write_report_html(const record::MergedRecording& m, const experiment::Experiment& e,
                                  const std::string& out, const AnalysisOptions& options = {},
                                  const std::string& file_name = "report.html");

// Merges the logs that exist (a site that failed before it opened its log has none), writes
// recording.h5 and report.html marked with `outcome`. An interrupted or incomplete outcome ends at
// the earlier of the runner's estimate and the sites' first stop note (exact experiment time).
// Errors: no log exists, the logs cannot be merged, a file cannot be written (each named).
Result<RunOutputs> write_run_outputs(const experiment::Experiment& e, const std::string& out,
                                     const std::vector<std::string>& logs, record::RunOutcome outcome);

}  // namespace ion::report
