// SPDX-License-Identifier: Apache-2.0
#pragma once
// After a run: merge the sites' logs into <out>/recording.h5, write <out>/report.html and print
// the summary (per phase and per link).
#include <string>
#include <vector>

#include "experiment/model.hpp"
#include "record/merge.hpp"
#include "report/analysis.hpp"

namespace ion::cli {

void write_run_outputs(const experiment::Experiment& e, const std::string& out, const std::vector<std::string>& logs);

// Writes <out>/report.html (via a temporary file renamed into place) and prints the summary to
// stdout. Throws CliError if the file cannot be written.
void write_report(const record::MergedRecording& m, const experiment::Experiment& e, const std::string& out,
                  const report::AnalysisOptions& options = {});

}  // namespace ion::cli
