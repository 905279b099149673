// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion bench hub`: plastic synaptic events through one HubCore, and bio → hub → silicon latency.
//
// A "plastic event" is one spike at the hub that (1) is forwarded as a SynapticInput (it is the
// presynaptic neuron of one synapse) and (2) triggers an SRDP evaluation and one pulse_read on an
// in-memory SimulatedCrossbar (it is the postsynaptic neuron of another synapse; thresholds
// ltp_above = 0, ltd_below = 1 make every post spike potentiate or depress). The synapses form a
// ring over `synapses` bio neurons: synapse j connects neuron j → neuron (j+1) mod n.
//
// Phases (all bounded in count and time; three RealEnvs on three threads of this process, which
// share CLOCK_MONOTONIC, so latency = silicon's now() − the bio spike time carried in the events):
//   core      HubCore alone, in-process: on_spike + advance (horizon 0) per spike.
//   device    baseline of `core`: the same number of pulse_read calls on the crossbar, no hub logic.
//   hub       bio Link → hub Link (HubCore) → silicon Link, authenticated, saturating sender.
//             The hub forwards first and runs the rules (horizon 0) once per loop pass, deferred
//             after the forwarding flush, as HubRole keeps plasticity off the forwarding path,
//             and also every kRuleBatch spikes of a pass that drains a burst.
//   forward   baseline of `hub`: the same three Links, the hub only re-sends each spike as an input.
//             hub and forward run as kThroughputPairs pairs of half-length phases, the order
//             alternating, and their rates are pooled; each pair also gives one hub/forward ratio.
//   latency   paced bio spikes (stamped at the bio Link::send) through hub, through forward-only,
//             and through a raw-UDP two-hop relay (poll + timerfd, no Link); the three paths run
//             interleaved in 3 rounds and their samples are pooled (first 100 per round dropped).
//             Each spike's trip is also split, paired per spike, into software, wake-up and
//             kernel/network time (bench_hub_trace.hpp; RealEnvProbe supplies the timestamps).
//             Two machine baselines run alongside: Stalls (a spinning thread, before the rounds)
//             and WakeWork (fixed work right after a timerfd wake-up, in each round).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"
#include "experiment/model.hpp"

namespace ion::hub::bench {

inline constexpr uint32_t kMaxBenchSynapses = 1024 * 1024;

struct BenchHubConfig {
  Duration core_ns = 1 * kSecond;        // in-process phases (each)
  Duration throughput_ns = 2 * kSecond;  // sending time of each networked throughput phase
  Duration latency_ns = 2 * kSecond;     // sending time of each latency phase
  double rate_hz = 5000;                 // offered spike rate of the latency phases
  size_t burst_events = 1024;            // networked throughput: spikes pushed per loop iteration
  uint32_t synapses = 1024;              // ring size: a 32 × 32 crossbar up to 1024, 1024 × 1024 above
  std::string host = "127.0.0.1";
  bool monitor = false;  // also run the hub phases with a monitor attached (hub_mon, hub_mon_lat)
  double monitor_rate_hz = experiment::kDefaultMonitorRecordRateHz;  // the feed's token bucket, records/s
  // 2: also run the hub phases with HubCore on a logic thread (bench_hub_mt.hpp); the 1-thread
  // hub stays in the same run as their baseline.
  unsigned hub_threads = 1;
};

struct Rate {
  uint64_t events = 0;  // plastic events (core) / inputs received at silicon (networked)
  uint64_t sent = 0;    // spikes offered
  uint64_t pulses = 0;  // pulse_read calls (core, device; hub: hub counters)
  double span_s = 0;    // wall time of the measured span
  double cpu_s = 0;     // CPU time of the thread doing the work (the hub thread when networked)
  double per_s() const { return span_s > 0 ? events / span_s : 0; }
  double per_cpu_s() const { return cpu_s > 0 ? events / cpu_s : 0; }
  void add(const Rate& o) {  // pools another phase of the same kind
    events += o.events;
    sent += o.sent;
    pulses += o.pulses;
    span_s += o.span_s;
    cpu_s += o.cpu_s;
  }
};

struct Lat {
  uint64_t samples = 0, sent = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};

// The paired per-spike split of the latency of one path (bench_hub_trace.hpp defines the parts).
struct Breakdown {
  uint64_t traced = 0;             // spikes with every timestamp of their trip joined
  uint64_t kernel_rx_missing = 0;  // receive hops without a kernel stamp (user-space time used)
  Lat e2e, software, wakeup, wire;
  Lat software_wakeup;             // software + wakeup per spike: "stamp → handoff" summed over the sites
  Lat sw_bio, sw_hub, sw_silicon;  // the software part by site
  Lat software_cpu;                // thread CPU time of the software part (preemption excluded)
};

// What a thread spinning on the clock sees of this machine: gaps between two consecutive clock
// reads of more than kStallGapNs are time it did not run its own code (interrupts, the host
// running something else on this vCPU, preemption). `cpu_charged` of them still advanced the
// thread's own CPU clock (interrupt work or host steal billed to whatever thread was running),
// so they also inflate the CPU-time part of the split.
inline constexpr Duration kStallGapNs = 20 * kMicrosecond;
struct Stalls {
  double span_s = 0;
  uint64_t count = 0, cpu_charged = 0;
  Duration stalled_ns = 0, max_ns = 0;
  double per_s() const { return span_s > 0 ? count / span_s : 0; }
  // Adds one pair of consecutive-read intervals (wall, thread CPU), ns.
  void add(Duration wall_ns, Duration cpu_ns);
};

// Platform baseline of the software part: kWakeWorkNs of pure computation (calibrated back to
// back) run right after a timerfd wake-up at the latency rate, as a site's loop runs its code
// right after waking for a datagram. No ion code: its tail is the machine's.
inline constexpr Duration kWakeWorkNs = 3 * kMicrosecond;  // about the hub site's median software time
struct WakeWork {
  uint64_t iters = 0;
  Lat wall, cpu;  // after a wake-up
  Lat warm;       // back to back (wall)
};

inline constexpr int kThroughputPairs = 4;

struct BenchHubResult {
  Rate core, device, hub, forward;  // hub, forward: pooled over the pairs
  // One hub/forward-only ratio per throughput pair (events/s; events/hub-CPU-s). The two phases of
  // a pair run back to back, so a drift in the machine's load between pairs cancels in the ratio;
  // the median of these is steadier than the ratio of the pooled rates, which it is printed beside.
  std::vector<double> forward_pair_ratio, forward_pair_cpu_ratio;
  Lat hub_lat, forward_lat, raw_lat;
  Breakdown hub_split, forward_split, raw_split;
  Stalls stalls;                      // measured for kStallSpinNs just before the latency rounds
  WakeWork wake_work, wake_work_mem;  // registers only; dependent reads over a 512 KiB working set
  // --monitor: the hub phases again with a read-only monitor attached (docs/protocol.md §3.3).
  bool monitor = false;
  double monitor_rate_hz = 0;  // the feed's rate limit in this run
  Rate hub_mon;
  Lat hub_mon_lat;
  uint64_t monitor_records = 0, monitor_dropped = 0;
  // Paired throughput rounds (hub, hub + monitor; the order alternates), one ratio with/without
  // per pair: events/s and events/hub-CPU-s. A pair shares the machine's state, so under load
  // these ratios are steadier than the two single phases above.
  std::vector<double> monitor_pair_ratio, monitor_pair_cpu_ratio;
  // --hub-threads 2: the hub with HubCore on a logic thread, throughput and latency (same run).
  unsigned hub_threads = 1;
  Rate hub_mt;  // cpu_s: the network thread's plus the logic thread's
  Lat hub_mt_lat;
  uint64_t ring_full_waits = 0;  // pushes that found a ring between the two threads full (and waited)
  uint64_t auth_failures = 0;    // rejected + malformed datagrams over every ion link
  uint64_t device_errors = 0;
  double load_avg_1m = 0, load_avg_after_1m = 0;
};

// Validates the configuration (the message names the CLI option), then runs every phase.
Result<BenchHubResult> run_bench_hub(const BenchHubConfig& cfg);

// `--json`: one JSON object on stdout (docs/benchmarks.md). With --monitor it has a "monitor"
// object: events/s and hub-CPU events/s without and with the monitor, latency [p50, p99, p99.9]
// without and with, the with/without ratios (events/s, p50, p99), copies received and dropped.
void print_bench_hub_json(const BenchHubResult& r);
// The ", \"monitor\": {...}" part of it ("" without --monitor).
std::string monitor_json(const BenchHubResult& r);
// The ", \"paired_hub_over_forward\": {...}, \"paired_median_hub_over_forward\": {...}" part of it:
// the hub/forward-only ratio of every throughput pair (events/s, events/hub-CPU-s) and their medians.
std::string pairs_json(const BenchHubResult& r);
// The ", \"hub_threads\": {...}" part of it ("" without --hub-threads 2): events/s and events/CPU-s
// of the 1- and 2-thread hubs, latency [p50, p99, p99.9] of both, ring-full waits.
std::string threads_json(const BenchHubResult& r);

// `ion bench hub` as typed on the command line (the table echoes these values).
struct BenchHubArgs {
  double core_seconds = 1.0;     // time of each in-process phase, s
  double seconds = 2.0;          // sending time of each networked throughput phase, s
  double latency_seconds = 2.0;  // sending time of each latency phase, s
  double rate_hz = 5000;         // offered spike rate of the latency phases, events/s
  size_t burst = 1024;           // networked throughput: spikes pushed per loop iteration
  uint32_t synapses = 1024;      // synapses in the ring
  bool json = false;             // one JSON object instead of the table
  bool monitor = false;          // also measure the hub with a monitor attached
  double monitor_rate = experiment::kDefaultMonitorRecordRateHz;  // --monitor-rate, records/s
  unsigned hub_threads = 1;                                       // --hub-threads
};
// Runs the benchmark and prints its table (or JSON) on stdout; the error of run_bench_hub if any.
Status report_bench_hub(const BenchHubArgs& args);

}  // namespace ion::hub::bench
