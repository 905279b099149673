// SPDX-License-Identifier: Apache-2.0
#pragma once
// The report model: ONE JSON document that holds everything the report page draws (run facts,
// neurons in circuit order with their colours, phases, raster, rates, P(response) over time,
// weight traces with each pulse, per-spike latency and loss, links, clocks, notes). The page's
// renderer (src/report/web/) draws only from it, so a live view can feed the same renderer with
// a model of a recording that is still growing. Layout: docs/recording.md, "Report model".
// Every number comes from analysis.hpp / series.hpp; this file only selects and rounds. Numbers
// that cannot be computed are null (no data), never NaN.
#include <nlohmann/json.hpp>

#include "experiment/model.hpp"
#include "record/merge.hpp"
#include "report/analysis.hpp"

namespace ion::report {

inline constexpr int kReportModelVersion = 1;

struct ReportLimits {
  // More neurons (or synapses) than this → the "population" layout: a density raster and rates per
  // neuron group, weight distributions per synapse group and crossbar maps instead of one line each.
  size_t detail_max_neurons = 16;
  size_t detail_max_synapses = 16;
  size_t max_raster_spikes = 200000;  // more spikes → a density raster even for a small circuit
  size_t max_density_bins = 400;      // time bins of the density raster and weight distributions
  size_t max_trace_rows = 20000;      // weight rows per synapse trace (evenly thinned beyond; pulses kept first)
  size_t max_latency_points = 5000;   // per-spike latency samples over time per synapse
  size_t latency_bins = 40;
};

using Json = nlohmann::ordered_json;

Json report_model(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                  const ReportLimits& limits = {});

}  // namespace ion::report
