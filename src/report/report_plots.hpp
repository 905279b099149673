// SPDX-License-Identifier: Apache-2.0
#pragma once
// The report's plots, one function per figure; each returns one complete <svg> element
// (or an explanatory <p> when there is nothing to plot). Internal to ion_report.
#include <string>
#include <vector>

#include "experiment/model.hpp"
#include "record/merge.hpp"
#include "report/analysis.hpp"
#include "report/report_html.hpp"

namespace ion::report {

const std::string& palette(size_t i);

std::string raster_plot(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                        const ReportLimits& lim);
std::string rate_plot(const Summary& s, const ReportLimits& lim);
std::string response_plot(const Summary& s);
// field: "weight" or "resistance".
std::string trace_plot(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                       bool resistance, const ReportLimits& lim);
std::string rtt_histogram(const record::MergedRecording& m);
std::string loss_plot(const record::MergedRecording& m);
std::string clock_plot(const record::MergedRecording& m);

}  // namespace ion::report
