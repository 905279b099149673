// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a run of an experiment will cost, estimated from the file alone (rates × durations ×
// neurons), so that a run that would exhaust memory or disk is refused before anything starts
// instead of ending in std::bad_alloc (a "1e9Hz 10s" phase asked a silicon site to pre-compute
// 10¹⁰ spike times). Expected values: Poisson counts are their means.
#include <string>
#include <vector>

#include "core/status.hpp"
#include "experiment/model.hpp"

namespace ion::experiment {

// One source of events, as written in the file.
struct ResourceItem {
  std::string key_path;  // "neurons[0].drive.phases[0]", "synapses[1]"
  SourceLoc loc;
  double events = 0;  // expected events over the run
  std::string how;    // "1e+09Hz × 10s × 1 neuron(s)"
};

struct ResourceEstimate {
  double events = 0;       // spikes, inputs, stimuli and weight updates the sites will record
  double spike_times = 0;  // spike times one silicon site pre-computes (the largest site)
  std::string spike_times_site;
  std::vector<ResourceItem> items;  // contributions, largest first

  // The item behind most events: the largest neuron source (a drive, a phase, a spontaneous
  // rate), not the synapses that multiply its spikes; else the largest item; null if none.
  const ResourceItem* main_source() const;
  double log_bytes() const;     // event logs on disk
  double memory_bytes() const;  // the merge after the run (and the pre-computed spike times)
};

ResourceEstimate estimate_resources(const Experiment& e);

// "" when the estimate is within limits::kMaxEvents; else the problem, with the estimate.
std::string resource_problem(const ResourceEstimate& r);

// Scales `e` to `total_ns` (every phase in proportion; `--duration`, ion.run(duration=)). The
// file's own estimate was checked when it was loaded; a longer run records more, so the estimate
// is checked again. Error (e unchanged): shorter than 1 ms — a node paces its role in 1 ms ticks,
// so the run would end before its first tick — or the scaled run over the limits.
Status rescale_duration(Experiment& e, Duration total_ns);

// "1.2e+10" style counts and "80 GB" style sizes for messages.
std::string format_count(double n);
std::string format_bytes(double bytes);

}  // namespace ion::experiment
