// SPDX-License-Identifier: Apache-2.0
#pragma once
// Analysis of a merged recording against its experiment: rates per drive phase, response
// probability of each synapse's post neuron to its pre neuron's spikes, weights at phase ends,
// per-spike delivery (loss and latency, from the inputs the post sites recorded) and per-link
// traffic, loss and round-trip time. Pure functions: no I/O. This file and series.hpp are the one
// source of the report's numbers: the printed summary and the report model (model.hpp) only format them.
//
// Conventions: spikes of kind `psp` (a postsynaptic potential reported by a bio site, not an
// action potential) are not counted as spikes anywhere in this file. Phase windows are
// half-open [start_ns, end_ns). Values that cannot be computed are std::nullopt, never NaN; a
// value is missing (not 0) when the site that would have recorded it has no log for that time.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "experiment/model.hpp"
#include "record/merge.hpp"
#include "record/run_outcome.hpp"
#include "report/circuit.hpp"

namespace ion::report {

struct AnalysisOptions {
  // A presynaptic spike at t counts as "responded" if its post neuron spikes in
  // [t + response_min_ns, t + response_max_ns] (inclusive). Default 1–50 ms: longer than one
  // link hop plus synaptic delay in the reference set-up, shorter than half a 10 Hz period.
  Duration response_min_ns = 1 * kMillisecond;
  Duration response_max_ns = 50 * kMillisecond;
  // Length of the sliding window of P(response) over time, and the bin of rates over time;
  // 0 = automatic (series.hpp: auto_response_window, auto_rate_bin).
  Duration response_window_ns = 0;
  Duration rate_bin_ns = 0;
  // How the run ended (`ion run` knows it); default: from the sites' final notes.
  std::optional<record::RunOutcome> outcome;
  // A run still going (the live dashboard): the newest rate bin of a site still recording is
  // incomplete — its latest records (spikes read back late, a log flushed in pieces) may not be
  // there yet — so rates over time leave it out rather than show a dip (series.hpp binned_rate).
  bool live = false;
};

struct SynapsePhase {
  SynapseId id = 0;
  std::string name, pre, post;
  uint64_t pre_spikes = 0;                        // pre neuron spikes in the phase
  uint64_t responded = 0;                         // of those, followed by a post spike within the response window
  std::optional<double> response_probability;     // responded / pre_spikes; nullopt if no pre spikes
  std::optional<float> weight_start, weight_end;  // last recorded value at/before the phase bound
  std::optional<float> resistance_start_ohm, resistance_end_ohm;
  uint64_t potentiations = 0, depressions = 0;  // plasticity pulses recorded in the phase
};

struct PhaseSummary {
  size_t index = 0;
  std::optional<double> set_rate_hz;  // the drive's rate (nullopt without a schedule drive)
  Time start_ns = 0, end_ns = 0;
  std::optional<double> pacemaker_rate_hz;  // measured rate of the schedule-driven neuron
  // Measured rate of every neuron by display name. A neuron whose site's log does not cover the
  // phase is absent (no data); one whose log covers part of it has the rate over that part and is
  // listed in `partial`.
  std::map<std::string, double> rate_hz;
  std::set<std::string> partial;
  std::vector<SynapsePhase> synapses;  // in synapse id order
  // false: the run ended (outcome.ended_at_ns) before this phase started; nothing was measured
  // and it is shown as "not run", never as 0 Hz or "no data".
  bool ran = true;
};

// Per-spike latency, from the inputs the post sites recorded (arrival - presynaptic spike time).
struct LatencyStats {
  size_t n = 0;
  std::optional<Duration> p50_ns, p99_ns, min_ns, max_ns;
};
LatencyStats latency_stats(std::vector<int64_t> latencies_ns);

// What became of one synapse's presynaptic spikes: how many reached the post site as inputs, and
// how late. Counted over [0, end) where end is the earlier of the experiment's end and the end of
// the post site's log (a spike after the post site stopped recording is not "lost").
struct SynapseDelivery {
  SynapseId id = 0;
  std::string name, pre, post;
  SiteId pre_site = kNoSite, hub_site = kNoSite, post_site = kNoSite;
  bool post_logged = false;             // the post site's log is in the recording (else nothing is known)
  uint64_t pre_spikes = 0;              // pre neuron spikes in the counted span
  uint64_t delivered = 0;               // of those, recorded as an input of this synapse by the post site
  uint64_t without_arrival = 0;         // delivered inputs with no arrival time (older log, legacy partner)
  std::optional<double> loss_fraction;  // 1 - delivered / pre_spikes; nullopt without pre spikes
  std::vector<Time> spike_ns;           // spike time of each delivered input with an arrival time
  std::vector<Duration> latency_ns;     // its latency, same order (by spike time)
  LatencyStats latency;
};

// All synapses from one site to another through one hub ("route"), pooled.
struct RouteSummary {
  SiteId from = kNoSite, via = kNoSite, to = kNoSite;
  std::string from_name, via_name, to_name;
  size_t synapses = 0;
  uint64_t pre_spikes = 0, delivered = 0;
  std::optional<double> loss_fraction;
  std::vector<Duration> latency_ns;  // pooled, unsorted
  LatencyStats latency;
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
  // Distribution of the link's min-RTT estimate over its snapshots (non-zero values only); the
  // per-spike latency is in SynapseDelivery / RouteSummary.
  size_t rtt_samples = 0;
  std::optional<Duration> rtt_p50_ns, rtt_p99_ns, rtt_min_ns, rtt_max_ns;
  std::optional<Duration> clock_offset_ns;  // of the last snapshot
};

struct Summary {
  std::string experiment_name, seed;
  AnalysisOptions options;
  std::string pacemaker;     // name of the schedule-driven neuron ("" if none)
  Duration duration_ns = 0;  // the experiment's (after any --duration scaling)
  Circuit circuit;
  std::vector<SiteCoverage> coverage;
  bool complete = true;        // every site of the experiment logged and wrote its end-of-run note
  record::RunOutcome outcome;  // complete, or interrupted / incomplete at a time, and why
  std::vector<PhaseSummary> phases;
  std::vector<SynapseDelivery> delivery;  // in synapse id order
  std::vector<RouteSummary> routes;       // by (from, via, to)
  std::vector<LinkSummary> links;
  uint64_t spikes = 0, weight_updates = 0;
  std::vector<std::string> warnings;  // things the reader should know (e.g. unknown neurons)
};

// Nearest-rank percentile (p in [0, 100]) of values; nullopt if empty. p=50 of {1,2,3,4} is 2.
std::optional<int64_t> percentile(std::vector<int64_t> values, double p);

// Phase windows: the schedule phases of the first neuron with a schedule drive (start at 0,
// back to back), else one window [0, e.duration_ns).
struct PhaseWindow {
  std::optional<double> set_rate_hz;
  Time start_ns = 0, end_ns = 0;
};
std::vector<PhaseWindow> phase_windows(const experiment::Experiment& e, std::string* pacemaker = nullptr);

// Spike times (sorted) of every neuron in the recording, psp spikes excluded.
using SpikeTrains = std::map<NeuronAddr, std::vector<Time>>;
SpikeTrains spike_trains(const record::MergedRecording& m);
// The train of `a` (an empty one if it never spiked).
const std::vector<Time>& train_of(const SpikeTrains& trains, NeuronAddr a);

// Fraction of `pre` spikes in [from, to) followed by a `post` spike in [t+min, t+max].
// REQUIRES: pre and post sorted. Returns (pre count, responded count).
std::pair<uint64_t, uint64_t> count_responses(const std::vector<Time>& pre, const std::vector<Time>& post, Time from,
                                              Time to, const AnalysisOptions& o);

// Last weight row at or before t (nullptr if none).
const record::WeightRow* weight_at(const std::vector<record::WeightRow>& rows, Time t);

std::vector<LinkSummary> summarize_links(const record::MergedRecording& m);

// Delivery and latency of every synapse of the experiment (see SynapseDelivery), and pooled by route.
std::vector<SynapseDelivery> summarize_delivery(const record::MergedRecording& m, const experiment::Experiment& e,
                                                const SpikeTrains& trains, const std::vector<SiteCoverage>& coverage);
std::vector<RouteSummary> summarize_routes(const record::MergedRecording& m, const std::vector<SynapseDelivery>& d);

Summary summarize(const record::MergedRecording& m, const experiment::Experiment& e, const AnalysisOptions& o = {});

// The printed summary: phases with rates (circuit order) and synapses, per-synapse delivery and
// latency, links, then warnings. At most `max_synapses` synapses and `max_neurons` rates are
// listed per phase (large networks: groups are summarised and the rest counted).
std::string format_summary(const Summary& s, size_t max_synapses = 8, size_t max_neurons = 8);

// A latency or offset for people: "14.92ms", "149.0us", "850ns" (3–4 significant digits).
std::string format_latency(Duration d);

// The experiment duration the sites ran for, from their "site NAME done:" notes (written at the
// end time), if any; used to rescale a recorded experiment file after `ion run --duration`.
std::optional<Duration> recorded_duration(const record::MergedRecording& m);

}  // namespace ion::report
