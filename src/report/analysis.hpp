// SPDX-License-Identifier: Apache-2.0
#pragma once
// Analysis of a merged recording against its experiment: rates per drive phase, response
// probability of each synapse's post neuron to its pre neuron's spikes, weights at phase ends,
// and per-link traffic, loss and round-trip time. Pure functions: no I/O.
//
// Conventions: spikes of kind `psp` (a postsynaptic potential reported by a bio site, not an
// action potential) are not counted as spikes anywhere in this file. Phase windows are
// half-open [start_ns, end_ns). Values that cannot be computed are std::nullopt, never NaN.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "experiment/model.hpp"
#include "record/merge.hpp"

namespace ion::report {

struct AnalysisOptions {
  // A presynaptic spike at t counts as "responded" if its post neuron spikes in
  // [t + response_min_ns, t + response_max_ns] (inclusive). Default 1–50 ms: longer than one
  // link hop plus synaptic delay in the reference set-up, shorter than half a 10 Hz period.
  Duration response_min_ns = 1 * kMillisecond;
  Duration response_max_ns = 50 * kMillisecond;
};

struct SynapsePhase {
  SynapseId id = 0;
  std::string name, pre, post;
  uint64_t pre_spikes = 0;   // pre neuron spikes in the phase
  uint64_t responded = 0;    // of those, followed by a post spike within the response window
  std::optional<double> response_probability;  // responded / pre_spikes; nullopt if no pre spikes
  std::optional<float> weight_start, weight_end;  // last recorded value at/before the phase bound
  std::optional<float> resistance_start_ohm, resistance_end_ohm;
  uint64_t potentiations = 0, depressions = 0;    // plasticity pulses recorded in the phase
};

struct PhaseSummary {
  size_t index = 0;
  std::optional<double> set_rate_hz;  // the drive's rate (nullopt without a schedule drive)
  Time start_ns = 0, end_ns = 0;
  std::optional<double> pacemaker_rate_hz;    // measured rate of the schedule-driven neuron
  std::map<std::string, double> rate_hz;      // measured rate of every neuron with a name
  std::vector<SynapsePhase> synapses;         // in synapse id order
};

struct LinkSummary {
  SiteId site = kNoSite, peer = kNoSite;  // recorded by `site` about `peer`
  std::string site_name, peer_name;
  size_t snapshots = 0;
  Time last_t_ns = 0;
  // Counters of the last snapshot (they are cumulative over the run).
  uint64_t datagrams_sent = 0, datagrams_received = 0, events_sent = 0, events_received = 0;
  uint64_t lost = 0, duplicated = 0, reordered = 0, late = 0, rejected = 0, malformed = 0;
  std::optional<double> loss_fraction;  // lost / (received + lost) datagrams; nullopt if both 0
  // Distribution of the link's min-RTT estimate over its snapshots (non-zero values only).
  // Per-event one-way latency is NOT recorded, so it is not reported.
  size_t rtt_samples = 0;
  std::optional<Duration> rtt_p50_ns, rtt_p99_ns, rtt_min_ns, rtt_max_ns;
  std::optional<Duration> clock_offset_ns;  // of the last snapshot
};

struct Summary {
  std::string experiment_name, seed;
  AnalysisOptions options;
  std::string pacemaker;  // name of the schedule-driven neuron ("" if none)
  std::vector<PhaseSummary> phases;
  std::vector<LinkSummary> links;
  uint64_t spikes = 0, weight_updates = 0;
  std::vector<std::string> warnings;  // things the reader should know (e.g. unknown neurons)
};

// Nearest-rank percentile (p in [0, 100]) of values; nullopt if empty. p=50 of {1,2,3,4} is 2.
std::optional<int64_t> percentile(std::vector<int64_t> values, double p);

// Phase windows: the schedule phases of the first neuron with a schedule drive (start at 0,
// back to back), else one window [0, e.duration).
struct PhaseWindow {
  std::optional<double> set_rate_hz;
  Time start_ns = 0, end_ns = 0;
};
std::vector<PhaseWindow> phase_windows(const experiment::Experiment& e, std::string* pacemaker = nullptr);

// Spike times (sorted) of every neuron in the recording, psp spikes excluded.
std::map<NeuronAddr, std::vector<Time>> spike_trains(const record::MergedRecording& m);

// Fraction of `pre` spikes in [from, to) followed by a `post` spike in [t+min, t+max].
// REQUIRES: pre and post sorted. Returns (pre count, responded count).
std::pair<uint64_t, uint64_t> count_responses(const std::vector<Time>& pre, const std::vector<Time>& post,
                                              Time from, Time to, const AnalysisOptions& o);

// Last weight row at or before t (nullptr if none).
const record::WeightRow* weight_at(const std::vector<record::WeightRow>& rows, Time t);

std::vector<LinkSummary> summarize_links(const record::MergedRecording& m);

Summary summarize(const record::MergedRecording& m, const experiment::Experiment& e,
                  const AnalysisOptions& o = {});

// The printed summary: one table of phases, one of links, then warnings. At most
// `max_synapses` synapses are listed per phase (large networks: the rest are counted).
std::string format_summary(const Summary& s, size_t max_synapses = 8);

// A latency or offset for people: "14.92ms", "149.0us", "850ns" (3–4 significant digits).
std::string format_latency(Duration d);

// The neuron's display name: the recording's neuron_names, else the experiment's, else "site:index".
std::string neuron_label(const record::MergedRecording& m, const experiment::Experiment& e, NeuronAddr a);

// The experiment duration the sites ran for, from their "site NAME done:" notes (written at the
// end time), if any; used to rescale a recorded experiment file after `ion run --duration`.
std::optional<Duration> recorded_duration(const record::MergedRecording& m);

}  // namespace ion::report
