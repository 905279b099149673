// SPDX-License-Identifier: Apache-2.0
#pragma once
// Time series for the report's figures, computed from a merged recording: rates over time, the
// post neuron's response probability in a sliding window, and, for large networks, a spike
// density raster, the distribution of each synapse group's weights over time and the crossbar's
// weights. Pure functions: no I/O. Values that cannot be computed are std::nullopt (no data).
#include <optional>
#include <string>
#include <vector>

#include "report/analysis.hpp"

namespace ion::report {

// Bins [start + i*step, start + (i+1)*step), i < n.
struct TimeGrid {
  Time start_ns = 0;
  Duration step_ns = kSecond;
  size_t n = 0;
  Time bin_start(size_t i) const { return start_ns + static_cast<Time>(i) * step_ns; }
  Time bin_end(size_t i) const { return bin_start(i + 1); }
};
// Bins of `step` covering [start, end) (the last one may reach past end); at most `max_bins`
// (the step is widened to fit). REQUIRES: step > 0.
TimeGrid make_grid(Time start, Time end, Duration step, size_t max_bins = 2000);

// Automatic window of P(response) over time: a quarter of the shortest phase, within [250 ms, 2 s].
Duration auto_response_window(const Summary& s);
// Automatic bin of rates over time: a tenth of the shortest phase, within [100 ms, 1 s].
Duration auto_rate_bin(const Summary& s);

// Spike rate (Hz) of `train` in each bin; nullopt where the site's log covers none of the bin, the
// rate over the covered part where it covers part of it — or, with whole_bins_only (a live run,
// whose newest bin is still filling), nullopt there too.
std::vector<std::optional<double>> binned_rate(const std::vector<Time>& train, const TimeGrid& g,
                                               const SiteCoverage* site, bool whole_bins_only = false);

// P(response) of a post neuron to its pre neuron's spikes in a sliding window of `window` centred
// on each grid bin's start (pre spikes in [c - window/2, c + window/2); responses as in
// count_responses). n = pre spikes in the window; p = nullopt where n = 0 or not recorded.
struct ResponseSeries {
  Duration window_ns = 0;
  std::vector<Time> center_ns;
  std::vector<uint64_t> n, hit;
  std::vector<std::optional<double>> p;
};
ResponseSeries response_series(const std::vector<Time>& pre, const std::vector<Time>& post, const TimeGrid& centers,
                               Duration window, const AnalysisOptions& o,
                               std::optional<std::pair<Time, Time>> recorded);
// Pools several synapses' series on the same grid (sum of n and hit).
void add_to(ResponseSeries& total, const ResponseSeries& one);

// Large networks: spikes per (neuron row of the circuit, time bin).
struct DensityRaster {
  TimeGrid grid;
  std::vector<std::vector<uint32_t>> counts;  // [row][bin]
};
DensityRaster density_raster(const Circuit& c, const SpikeTrains& trains, const TimeGrid& g);

// The weights of one synapse group over time: in each bin, quantiles of the weights in force at the
// bin's end (synapses without any record yet are not counted) and the plasticity pulses in the bin.
struct WeightDistribution {
  std::string group;
  std::vector<SynapseId> synapses;
  TimeGrid grid;
  std::vector<uint32_t> n;  // synapses with a weight at the bin's end
  std::vector<std::optional<double>> min, p10, p50, p90, max;
  std::vector<uint32_t> ltp, ltd;
};
std::vector<WeightDistribution> weight_distributions(const record::MergedRecording& m, const experiment::Experiment& e,
                                                     const TimeGrid& g);

// The crossbar of one hub: every cell that holds a synapse of the experiment.
struct CrossbarCell {
  int word = 0, bit = 0;
  SynapseId synapse = 0;
  std::string name;
  std::optional<float> weight_first, weight_last, resistance_last_ohm;
  uint32_t ltp = 0, ltd = 0;
};
struct CrossbarMap {
  std::string hub;
  int words = 0, bits = 0;
  std::vector<CrossbarCell> cells;
};
std::vector<CrossbarMap> crossbar_maps(const record::MergedRecording& m, const experiment::Experiment& e);

}  // namespace ion::report
