// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion bench scale`: how cost grows with synapses, peers, neurons and experiment size. Every table
// has its baseline (the smallest size, first row) measured in the same run; the other rows are
// also given as ratios to it, because absolute numbers on a shared machine are not promises.
//
// Tables (every point bounded in count and in time, --seconds):
//   synapses  HubCore in process on a 1024 x 1024 simulated crossbar (built directly, no experiment
//             file): a ring of N SRDP synapses over N neurons (neuron j -> j+1, cell j/1024, j%1024)
//             in which every spike is forwarded and pulses one cell (as `ion bench hub`'s core
//             phase), spikes visiting the neurons in a scattered order (stride kScatterStride).
//             Plastic events/s, p50/p99 of one spike's on_spike + advance, and the device alone
//             (pulse_read on the same cells) as the per-size baseline of the device's share.
//   peers     HubCore with the synapses' neurons spread over P sites, each site delivering its
//             spikes in bursts, so the hub's orderer merges P streams (horizon kPeerHorizon).
//   loopback  one hub Link with P authenticated peers over real UDP (peers on a second thread),
//             a fixed total rate split over the peers: the hub's CPU per spike (link cost) and
//             one-way latency vs P (scale_loopback.cpp).
//   memory    heap bytes (glibc mallinfo2 uordblks delta; RSS delta of /proc/self/statm beside it)
//             per synapse of a HubCore and per neuron of a Population of each model.
//   run       `ion run --sim` (site::run_sim, in process) of generated experiments: one hub and
//             sites-1 silicon sites of `neurons` neurons each, ring synapses between consecutive
//             sites; wall time vs sites x neurons x duration, and wall time per world event
//             (link cost per datagram/timer as sites grow).
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::scale::bench {

inline constexpr uint32_t kScatterStride = 7919;  // prime: coprime to every 10^k and 2^k size
inline constexpr Duration kPeerHorizon = 1 * kMillisecond;

struct RunSize {
  uint32_t sites = 2;        // one hub + sites-1 silicon sites
  uint32_t neurons = 16;     // per silicon site
  Duration duration_ns = 0;  // experiment duration
};

struct ScaleConfig {
  std::vector<uint64_t> synapses{1000, 10000, 100000, 1000000};
  std::vector<uint64_t> peers{2, 4, 8, 16, 32, 64};
  uint64_t peer_synapses = 65536;                       // synapses of the peers table
  std::vector<uint64_t> loopback{2, 4, 8, 16, 32, 64};  // peers of the loopback table
  double loopback_rate_hz = 100'000;                    // spikes/s offered by the peers in total
  std::string host = "127.0.0.1";                       // the loopback table's sockets
  std::vector<uint64_t> neurons{1000, 10000, 100000};   // memory per neuron
  std::vector<RunSize> runs;                            // first row is the baseline; default_runs() if empty
  Duration point_ns = 300 * kMillisecond;               // time bound of each in-process point
  uint64_t seed = 1;
  std::vector<std::string> tables{"synapses", "peers", "loopback", "memory", "run"};
};

// The default `run` rows: sites 2..64 (16 neurons, 2 s), then neurons 16..256 and duration 1..8 s
// at 4 sites. quick: a handful of tiny rows.
std::vector<RunSize> default_runs(bool quick);
// A valid experiment file (TOML) of this size: what the run table simulates, and what
// `ion bench scale --write-experiments DIR` writes so that `ion validate` can check them.
std::string scale_experiment_text(const RunSize& size, uint64_t seed);
std::string scale_experiment_name(const RunSize& size);

struct Point {        // one row of the synapses / peers tables
  uint64_t size = 0;  // synapses or peers
  uint64_t spikes = 0, plastic = 0;
  double span_s = 0;
  double cpu_s = 0;  // CPU time of the measuring thread over the span (robust to a shared machine)
  double p50_ns = 0, p99_ns = 0;
  double device_per_s = 0;     // synapses table: pulse_read per CPU s on the same cells, no hub logic
  uint64_t auth_failures = 0;  // loopback: datagrams the hub rejected (must stay 0)
  uint64_t lost = 0;           // loopback: spikes offered (refused by Link::send or sent) that never reached the hub
  double build_s = 0;          // constructing the HubCore
  double per_s() const { return span_s > 0 ? static_cast<double>(plastic) / span_s : 0; }
  double per_cpu_s() const { return cpu_s > 0 ? static_cast<double>(plastic) / cpu_s : 0; }
};

struct MemoryRow {
  std::string what;  // "synapse" or a neuron model
  uint64_t count = 0;
  double heap_bytes_per = 0, rss_bytes_per = 0;
  double step_ns_per = 0;  // neurons: one step() per neuron; synapses: 0
};

struct RunRow {
  RunSize size;
  double wall_s = 0;
  double cpu_s = 0;  // process CPU time of the run (run_sim runs every site on this thread)
  uint64_t world_events = 0;
  bool complete = false;
};

struct ScaleResult {
  std::vector<Point> synapses, peers, loopback;
  std::vector<MemoryRow> memory;
  std::vector<RunRow> runs;
  uint64_t device_errors = 0;
  double load_avg_1m = 0, load_avg_after_1m = 0;
};

// Validates (the message names the option), then runs the chosen tables in order.
Result<ScaleResult> run_bench_scale(const ScaleConfig& cfg);

// Text tables (baseline = first row, ratios to it), JSON, SVG plots (one file per curve).
std::string scale_table(const ScaleConfig& cfg, const ScaleResult& r);
std::string scale_json(const ScaleConfig& cfg, const ScaleResult& r);
// Writes DIR/scale-<curve>.svg for every measured curve; the error names the file.
Status write_scale_svgs(const ScaleResult& r, const std::string& dir);

// `ion bench scale` as typed on the command line.
struct BenchScaleArgs {
  std::string sizes;               // synapses, comma-separated ("1e3,1e4")
  std::string peers;               // peer counts
  std::string sites;               // run table: sites at the baseline neurons and duration
  std::string tables;              // comma-separated subset of synapses,peers,loopback,memory,run
  std::string host = "127.0.0.1";  // the loopback table's local address
  double seconds = 0.3;            // time bound of each in-process point
  bool quick = false;
  bool json = false;
  std::string svg_dir;          // write SVG plots here
  std::string experiments_dir;  // write the generated experiments here (and run nothing else)
  uint64_t seed = 1;
};
// Builds the configuration; errors name the option (--sizes: "x" is not a count ...).
Result<ScaleConfig> scale_config(const BenchScaleArgs& a);
// Runs and prints (table or JSON); the first error.
Status report_bench_scale(const BenchScaleArgs& a);

}  // namespace ion::scale::bench
