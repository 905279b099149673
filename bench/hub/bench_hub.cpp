// SPDX-License-Identifier: Apache-2.0
// `ion bench hub`: validation, the in-process phases (HubCore alone and its device baseline) and
// the order of all phases.
#include "bench/hub/bench_hub.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "bench/hub/bench_hub_internal.hpp"

namespace ion::hub::bench::detail {

uint32_t crossbar_side(uint32_t n) { return n <= 32 * 32 ? 32 : 1024; }

std::vector<HubSynapse> ring_synapses(uint32_t n) {
  const uint32_t side = crossbar_side(n);
  std::vector<HubSynapse> out;
  out.reserve(n);
  for (uint32_t j = 0; j < n; ++j) {
    HubSynapse s;
    s.id = j + 1;
    s.pre = NeuronAddr{kBio, j};
    s.post = NeuronAddr{kBio, (j + 1) % n};
    s.word = j / side;
    s.bit = j % side;
    s.rule.kind = RuleKind::srdp;
    s.rule.window_ns = kRingWindow;
    s.rule.ltp_above = 0;  // any pre spike in the window: potentiate
    s.rule.ltd_below = 1;  // none: depress — every post spike pulses
    s.ltp = {4.0, 100 * kMicrosecond};
    s.ltd = {-4.0, 100 * kMicrosecond};
    out.push_back(s);
  }
  return out;
}

SynapticInput ring_input(const Spike& s, uint32_t n) {
  const uint32_t j = s.source.index;
  return SynapticInput{NeuronAddr{kBio, (j + 1) % n}, j + 1, 0.5f, s.t};
}

Result<std::unique_ptr<device::SimulatedCrossbar>> bench_crossbar(uint32_t n) {
  device::CrossbarConfig c;  // compact model, in memory (no state file, no fsync)
  c.words = c.bits = crossbar_side(n);
  return device::SimulatedCrossbar::create(c);
}

Lat latency_of(std::vector<int64_t>& s, uint64_t sent) {
  Lat l;
  l.sent = sent;
  l.samples = s.size();
  if (s.empty()) return l;
  std::sort(s.begin(), s.end());
  auto at = [&s](double q) {
    const size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(s.size())));
    return static_cast<double>(s[std::min(s.size() - 1, i == 0 ? 0 : i - 1)]) / 1e3;
  };
  l.p50_us = at(0.5);
  l.p99_us = at(0.99);
  l.p999_us = at(0.999);
  l.max_us = static_cast<double>(s.back()) / 1e3;
  return l;
}

}  // namespace ion::hub::bench::detail

namespace ion::hub::bench {

void Stalls::add(Duration wall_ns, Duration cpu_ns) {
  if (wall_ns <= kStallGapNs) return;
  ++count;
  stalled_ns += wall_ns;
  max_ns = std::max(max_ns, wall_ns);
  if (cpu_ns * 10 >= wall_ns * 8) ++cpu_charged;  // at least 80 % of the gap billed to this thread
}

namespace {
using namespace detail;

constexpr uint64_t kMaxCoreSpikes = 200'000'000;  // count bound of the in-process phases
constexpr size_t kCoreBatch = 1024;
// The latency paths run interleaved (raw, forward-only, hub) in this many rounds, each with a
// share of --latency-seconds, and their samples are pooled: slow drifts of the machine's load
// then hit the three paths alike.
constexpr int kLatencyRounds = 3;
constexpr int kMonitorPairs = 4;  // --monitor: paired throughput rounds

Status validate(const BenchHubConfig& c) {
  const auto bad_secs = [](Duration d) { return d <= 0 || d > 60 * kSecond; };
  if (bad_secs(c.core_ns)) return error(Errc::out_of_range, "--core-seconds: expected a duration in (0, 60] s");
  if (bad_secs(c.throughput_ns)) return error(Errc::out_of_range, "--seconds: expected a duration in (0, 60] s");
  if (bad_secs(c.latency_ns)) return error(Errc::out_of_range, "--latency-seconds: expected a duration in (0, 60] s");
  if (!(c.rate_hz > 0 && c.rate_hz <= 1e6)) return error(Errc::out_of_range, "--rate: expected (0, 1000000] events/s");
  if (c.burst_events == 0 || c.burst_events > 65536)
    return error(Errc::out_of_range, "--burst: expected 1..65536 events");
  if (c.synapses < 2 || c.synapses > kMaxBenchSynapses)
    return error(Errc::out_of_range,
                 "--synapses: expected 2..1048576 (cells of the 32 x 32 bench crossbar, 1024 x 1024 above 1024)");
  if (!(c.monitor_rate_hz >= 1 && c.monitor_rate_hz <= experiment::kMaxMonitorRecordRateHz))
    return error(Errc::out_of_range, "--monitor-rate: expected 1..10000000 records/s (as max_record_rate)");
  if (c.hub_threads != 1 && c.hub_threads != 2) return error(Errc::out_of_range, "--hub-threads: expected 1 or 2");
  return Status::ok();
}

// HubCore alone: every spike is forwarded, ordered (horizon 0) and evaluated, and pulses a cell.
Result<Rate> core_phase(const BenchHubConfig& cfg, uint64_t& device_errors) {
  ION_TRY_ASSIGN(auto xb, bench_crossbar(cfg.synapses));
  HubCore core(ring_synapses(cfg.synapses), *xb, 0);
  std::vector<SynapticInput> fwd;
  std::vector<WeightUpdate> upd;
  fwd.reserve(kCoreBatch);
  upd.reserve(kCoreBatch);
  Rate r;
  Time t_exp = kRingWindow;  // the rules decide only with a whole window behind them (plasticity.hpp)
  uint32_t j = 0;
  const Time t0 = mono_now(), c0 = thread_cpu_now(), end = t0 + cfg.core_ns;
  while (mono_now() < end && r.sent < kMaxCoreSpikes) {
    for (size_t k = 0; k < kCoreBatch; ++k, ++r.sent) {
      core.on_spike(Spike{NeuronAddr{kBio, j}, t_exp, SpikeKind::spike}, fwd);
      core.advance(t_exp, upd);
      t_exp += kMicrosecond;
      j = j + 1 == cfg.synapses ? 0 : j + 1;
    }
    fwd.clear();
    upd.clear();
  }
  r.span_s = static_cast<double>(mono_now() - t0) / 1e9;
  r.cpu_s = static_cast<double>(thread_cpu_now() - c0) / 1e9;
  const HubCounters& hc = core.counters();
  r.pulses = hc.potentiations + hc.depressions;
  r.events = std::min(hc.forwarded, r.pulses);  // spikes that were both forwarded and plastic
  device_errors += hc.device_errors;
  return r;
}

// Baseline of core_phase: the device work alone (pulse_read on the same cells, same count).
Result<Rate> device_phase(const BenchHubConfig& cfg, uint64_t count) {
  ION_TRY_ASSIGN(auto xb, bench_crossbar(cfg.synapses));
  const uint32_t side = crossbar_side(cfg.synapses);
  Rate r;
  double sink = 0;
  uint64_t ok = 0;
  uint32_t j = 0;
  const Time t0 = mono_now(), c0 = thread_cpu_now();
  for (; r.sent < count; ++r.sent) {
    auto v = xb->pulse_read(j / side, j % side, (r.sent & 1) ? 4.0 : -4.0, 100 * kMicrosecond);
    if (v.is_ok()) sink += *v, ++ok;
    j = j + 1 == cfg.synapses ? 0 : j + 1;
  }
  r.span_s = static_cast<double>(mono_now() - t0) / 1e9;
  r.cpu_s = static_cast<double>(thread_cpu_now() - c0) / 1e9;
  r.events = r.pulses = std::isfinite(sink) ? ok : 0;  // pulse_reads that returned a resistance
  return r;
}

void add_net(BenchHubResult& r, const NetOutcome& o) {
  r.auth_failures += o.auth_failures;
  r.device_errors += o.device_errors;
  r.monitor_records += o.monitor_records;
  r.monitor_dropped += o.monitor_dropped;
  r.ring_full_waits += o.ring_full_waits;
}

// The hub phases to run: with --monitor, the hub with a monitor attached too (same run, same
// machine state, interleaved in the latency rounds).
// With --hub-threads 2, the hub with its HubCore on a logic thread too.
std::vector<HubMode> hub_modes(const BenchHubConfig& cfg) {
  std::vector<HubMode> m{HubMode::forward, HubMode::hub};
  if (cfg.monitor) m.push_back(HubMode::hub_monitor);
  if (cfg.hub_threads == 2) m.push_back(HubMode::hub_mt);
  return m;
}

Rate& rate_of(BenchHubResult& r, HubMode mode) {
  switch (mode) {
    case HubMode::hub:
      return r.hub;
    case HubMode::forward:
      return r.forward;
    case HubMode::hub_monitor:
      return r.hub_mon;
    case HubMode::hub_mt:
      break;
  }
  return r.hub_mt;
}

void pool(Samples& into, Samples&& from) {
  into.ns.insert(into.ns.end(), from.ns.begin(), from.ns.end());
  into.traces.insert(into.traces.end(), from.traces.begin(), from.traces.end());
  into.sent += from.sent;
  into.kernel_rx_missing += from.kernel_rx_missing;
}

Breakdown split_of_path(const Samples& s) {
  Breakdown b = breakdown_of(s.traces, s.sent);
  b.kernel_rx_missing = s.kernel_rx_missing;
  return b;
}

constexpr Duration kStallSpinNs = 500 * kMillisecond;

// Spins for `span` reading both clocks (see Stalls).
Stalls spin_for_stalls(Duration span) {
  Stalls s;
  Time w = mono_now(), c = thread_cpu_now();
  const Time t0 = w, end = t0 + span;
  while (w < end) {
    const Time w2 = mono_now(), c2 = thread_cpu_now();
    s.add(w2 - w, c2 - c);
    w = w2;
    c = c2;
  }
  s.span_s = static_cast<double>(w - t0) / 1e9;
  return s;
}

WakeWork wake_work_of(WakeWorkSamples& s) {
  WakeWork w;
  w.iters = s.iters;
  w.wall = latency_of(s.wall_ns, s.wall_ns.size());
  w.cpu = latency_of(s.cpu_ns, s.cpu_ns.size());
  w.warm = latency_of(s.warm_ns, s.warm_ns.size());
  return w;
}

// Throughput pairs of half length: `base` and `variant` back to back, the order alternating, so
// that a drift in the machine's load favours neither. Per pair: variant/base on events/s and on
// events/hub-CPU-s; `pooled` (if given) sums each mode's phases.
struct PairRatios {
  std::vector<double>& per_s;
  std::vector<double>& per_cpu_s;
};
Status paired_phases(const BenchHubConfig& cfg, BenchHubResult& r, int pairs, HubMode base, HubMode variant,
                     PairRatios out, Rate* pooled_base = nullptr, Rate* pooled_variant = nullptr) {
  BenchHubConfig half = cfg;
  half.throughput_ns = cfg.throughput_ns / 2;
  for (int k = 0; k < pairs; ++k) {
    Rate b, v;
    for (HubMode mode : k % 2 ? std::vector{variant, base} : std::vector{base, variant}) {
      ION_TRY_ASSIGN(auto o, run_net_phase(half, mode, false));
      add_net(r, o);
      (mode == base ? b : v) = o.rate;
    }
    if (pooled_base) pooled_base->add(b);
    if (pooled_variant) pooled_variant->add(v);
    out.per_s.push_back(b.per_s() > 0 ? v.per_s() / b.per_s() : 0);
    out.per_cpu_s.push_back(b.per_cpu_s() > 0 ? v.per_cpu_s() / b.per_cpu_s() : 0);
  }
  return Status::ok();
}

// The hub and its forward-only baseline, pooled over kThroughputPairs pairs.
Status forward_pairs(const BenchHubConfig& cfg, BenchHubResult& r) {
  return paired_phases(cfg, r, kThroughputPairs, HubMode::forward, HubMode::hub,
                       {r.forward_pair_ratio, r.forward_pair_cpu_ratio}, &r.forward, &r.hub);
}

// --monitor: the hub without and with a monitor (the single hub_monitor phase gives the table row).
Status monitor_pairs(const BenchHubConfig& cfg, BenchHubResult& r) {
  if (!cfg.monitor) return Status::ok();
  return paired_phases(cfg, r, kMonitorPairs, HubMode::hub, HubMode::hub_monitor,
                       {r.monitor_pair_ratio, r.monitor_pair_cpu_ratio});
}

Status latency_rounds(const BenchHubConfig& cfg, BenchHubResult& r) {
  r.stalls = spin_for_stalls(kStallSpinNs);
  BenchHubConfig round = cfg;
  round.latency_ns = cfg.latency_ns / kLatencyRounds;
  Samples raw, fwd, hub, mon, mt;
  WakeWorkSamples ww, wm;
  for (int k = 0; k < kLatencyRounds; ++k) {
    ION_TRY(run_wake_work(round, kWakeWorkNs, false, ww));
    ION_TRY(run_wake_work(round, kWakeWorkNs, true, wm));
    ION_TRY_ASSIGN(auto rw, run_raw_two_hop(round));
    pool(raw, std::move(rw));
    for (HubMode mode : hub_modes(cfg)) {
      ION_TRY_ASSIGN(auto o, run_net_phase(round, mode, true));
      add_net(r, o);
      Samples* into[] = {&hub, &fwd, &mon, &mt};  // by HubMode
      pool(*into[static_cast<size_t>(mode)], std::move(o.lat));
    }
  }
  r.wake_work = wake_work_of(ww);
  r.wake_work_mem = wake_work_of(wm);
  r.raw_split = split_of_path(raw);
  r.forward_split = split_of_path(fwd);
  r.hub_split = split_of_path(hub);
  r.raw_lat = latency_of(raw.ns, raw.sent);
  r.forward_lat = latency_of(fwd.ns, fwd.sent);
  r.hub_lat = latency_of(hub.ns, hub.sent);
  r.hub_mon_lat = latency_of(mon.ns, mon.sent);
  r.hub_mt_lat = latency_of(mt.ns, mt.sent);
  return Status::ok();
}

}  // namespace

Result<BenchHubResult> run_bench_hub(const BenchHubConfig& cfg) {
  ION_TRY(validate(cfg));
  BenchHubResult r;
  r.load_avg_1m = load_average_1m();
  ION_TRY_ASSIGN(auto core, core_phase(cfg, r.device_errors));
  r.core = core;
  ION_TRY_ASSIGN(auto dev, device_phase(cfg, r.core.sent));
  r.device = dev;
  r.monitor = cfg.monitor;
  r.monitor_rate_hz = cfg.monitor_rate_hz;
  r.hub_threads = cfg.hub_threads;
  ION_TRY(forward_pairs(cfg, r));
  for (HubMode mode : hub_modes(cfg)) {
    if (mode == HubMode::hub || mode == HubMode::forward) continue;  // measured in pairs above
    ION_TRY_ASSIGN(auto o, run_net_phase(cfg, mode, false));
    add_net(r, o);
    rate_of(r, mode) = o.rate;
  }
  ION_TRY(monitor_pairs(cfg, r));
  ION_TRY(latency_rounds(cfg, r));
  r.load_avg_after_1m = load_average_1m();
  return r;
}

}  // namespace ion::hub::bench
