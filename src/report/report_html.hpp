// SPDX-License-Identifier: Apache-2.0
#pragma once
// The self-contained HTML report of a run: summary tables and inline SVG plots (spike raster,
// rates per phase, response probability, weight and resistance traces, link RTT histogram and
// loss, clock offsets), plus the notes and the experiment file. No scripts, no external CSS or
// fonts: it works offline and from a file:// URL. Pure: builds a string.
#include <string>

#include "experiment/model.hpp"
#include "record/merge.hpp"
#include "report/analysis.hpp"

namespace ion::report {

struct ReportLimits {
  size_t max_raster_neurons = 200;  // rows in the raster (in neuron address order)
  size_t max_traced_synapses = 16;  // lines in the weight/resistance plots
  size_t max_rate_bars = 10;        // neurons in the rate-per-phase bar chart
  size_t max_table_synapses = 64;   // synapse rows per phase in the phase table
};

std::string render_report_html(const record::MergedRecording& m, const experiment::Experiment& e,
                               const Summary& s, const ReportLimits& limits = {});

}  // namespace ion::report
