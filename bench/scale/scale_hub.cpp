// SPDX-License-Identifier: Apache-2.0
// `ion bench scale`: the HubCore tables (synapses, peers) and the memory of a HubCore per synapse.
#include <algorithm>
#include <cmath>

#include "bench/scale/scale_internal.hpp"
#include "device/sim_crossbar.hpp"
#include "site/hub/hub_core.hpp"

namespace ion::scale::bench::detail {
namespace {

using hub::HubCore;
using hub::HubSynapse;

constexpr uint32_t kSide = 1024;                 // the crossbar is kSide x kSide
constexpr Duration kWindow = 10 * kMillisecond;  // SRDP counting window of every synapse
constexpr uint64_t kMaxSpikes = 50'000'000;      // count bound of one point
constexpr size_t kMaxSamples = 1'000'000;        // latency samples kept per point
constexpr size_t kBatch = 256;                   // spikes between two checks of the time bound
constexpr uint32_t kBurst = 32;                  // peers table: spikes per site per delivery
// Batches (rounds in the peers table) every point runs whatever the clock says, so that a thread
// preempted past its time bound before its first batch still measures something (the tiny sizes of
// the tests on a loaded machine).
constexpr uint64_t kMinBatches = 8;

// The loop condition of every point: at least kMinBatches, then until the time or count bound.
bool keep_going(uint64_t batches, Time end, uint64_t spikes, uint64_t min_batches = kMinBatches) {
  return spikes < kMaxSpikes && (batches < min_batches || mono_now() < end);
}

// Synapse j: neuron j -> neuron j+1 (mod n) on cell (j / kSide, j % kSide); every post spike
// pulses (ltp_above = 0, ltd_below = 1), as in bench/hub/bench_hub.cpp. Neuron j lives on site
// j % sites with index j / sites.
std::vector<HubSynapse> ring(uint64_t n, uint32_t sites) {
  std::vector<HubSynapse> out(n);
  for (uint64_t j = 0; j < n; ++j) {
    HubSynapse& s = out[j];
    const uint64_t k = (j + 1) % n;
    s.id = static_cast<SynapseId>(j + 1);
    s.pre = NeuronAddr{static_cast<SiteId>(j % sites), static_cast<uint32_t>(j / sites)};
    s.post = NeuronAddr{static_cast<SiteId>(k % sites), static_cast<uint32_t>(k / sites)};
    s.word = static_cast<uint32_t>(j / kSide);
    s.bit = static_cast<uint32_t>(j % kSide);
    s.rule.kind = hub::RuleKind::srdp;
    s.rule.window_ns = kWindow;
    s.rule.ltp_above = 0;
    s.rule.ltd_below = 1;
    s.ltp = {4.0, 100 * kMicrosecond};
    s.ltd = {-4.0, 100 * kMicrosecond};
  }
  return out;
}

Result<std::unique_ptr<device::SimulatedCrossbar>> crossbar() {
  device::CrossbarConfig c;  // compact model, in memory
  c.words = kSide;
  c.bits = kSide;
  return device::SimulatedCrossbar::create(c);
}

// One spike through the core, timed (on_spike + advance), the sample kept while there is room.
struct Driver {
  HubCore& core;
  std::vector<int64_t> samples;
  std::vector<SynapticInput> fwd;
  std::vector<WeightUpdate> upd;
  Time cpu0 = 0;  // thread CPU time at the start of the measured span
  void spike(const Spike& s, Time now_exp) {
    const Time a = mono_now();
    core.on_spike(s, fwd);
    core.advance(now_exp, upd);
    const Time b = mono_now();
    if (samples.size() < kMaxSamples) samples.push_back(b - a);
  }
  void clear() {
    fwd.clear();
    upd.clear();
  }
};

void finish(Point& p, Driver& d, Time t0, uint64_t& device_errors) {
  p.span_s = static_cast<double>(mono_now() - t0) / 1e9;
  p.cpu_s = static_cast<double>(thread_cpu_now() - d.cpu0) / 1e9;
  const hub::HubCounters& hc = d.core.counters();
  p.plastic = std::min(hc.forwarded, hc.potentiations + hc.depressions);
  device_errors += hc.device_errors;
  p.p50_ns = percentile_ns(d.samples, 0.5);
  p.p99_ns = percentile_ns(d.samples, 0.99);
}

// pulse_read on the cells the core would pulse, in the same order: the device's share, per CPU
// second of this thread.
double device_rate(device::Crossbar& xb, uint64_t n, Duration bound_ns) {
  uint64_t j = 0, done = 0;
  double sink = 0;
  const Time t0 = mono_now(), end = t0 + bound_ns, c0 = thread_cpu_now();
  for (uint64_t batch = 0; keep_going(batch, end, done); ++batch) {
    for (size_t k = 0; k < kBatch; ++k, ++done) {
      auto v = xb.pulse_read(static_cast<uint32_t>(j / kSide), static_cast<uint32_t>(j % kSide),
                             (done & 1) ? 4.0 : -4.0, 100 * kMicrosecond);
      if (v.is_ok()) sink += *v;
      j = (j + kScatterStride) % n;
    }
  }
  const double s = static_cast<double>(thread_cpu_now() - c0) / 1e9;
  return std::isfinite(sink) && s > 0 ? static_cast<double>(done) / s : 0;
}

}  // namespace

double percentile_ns(std::vector<int64_t>& v, double q) {
  if (v.empty()) return 0;
  const size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(std::min(v.size() - 1, i == 0 ? 0 : i - 1)), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)]);
}

Result<Point> synapse_point(uint64_t n, Duration bound_ns, uint64_t& device_errors) {
  ION_TRY_ASSIGN(auto xb, crossbar());
  Point p;
  p.size = n;
  const Time b0 = mono_now();
  HubCore core(ring(n, 1), *xb, 0);
  p.build_s = static_cast<double>(mono_now() - b0) / 1e9;
  Driver d{core, {}, {}, {}, 0};
  d.samples.reserve(kMaxSamples);
  Time t_exp = kWindow;  // the rules decide only with a whole window behind them
  uint64_t j = 0;
  const Time t0 = mono_now(), end = t0 + bound_ns;
  d.cpu0 = thread_cpu_now();
  for (uint64_t batch = 0; keep_going(batch, end, p.spikes); ++batch) {
    for (size_t k = 0; k < kBatch; ++k, ++p.spikes, t_exp += kMicrosecond) {
      d.spike(Spike{NeuronAddr{0, static_cast<uint32_t>(j)}, t_exp, SpikeKind::spike}, t_exp);
      j = (j + kScatterStride) % n;
    }
    d.clear();
  }
  finish(p, d, t0, device_errors);
  p.device_per_s = device_rate(*xb, n, bound_ns);
  return p;
}

// Each round, every site delivers one burst of kBurst spikes whose times interleave with the other
// sites' (site s's i-th spike at round start + (i * sites + s) us), as a datagram from each peer
// would; the hub then advances to the newest time it has seen, so the orderer holds spikes from
// every site and releases them in true order once the horizon has passed. Latency: one burst.
Result<Point> peer_point(uint32_t sites, uint64_t n, Duration bound_ns, uint64_t& device_errors) {
  ION_TRY_ASSIGN(auto xb, crossbar());
  Point p;
  p.size = sites;
  HubCore core(ring(n, sites), *xb, kPeerHorizon);
  Driver d{core, {}, {}, {}, 0};
  d.samples.reserve(kMaxSamples);
  Time round0 = kWindow + kPeerHorizon;
  uint64_t j = 0;
  const uint64_t per_site = (n + sites - 1) / sites;
  const Time t0 = mono_now(), end = t0 + bound_ns;
  d.cpu0 = thread_cpu_now();
  // At least enough rounds for the first ones to pass the horizon (released, hence plastic).
  const Duration round_ns = static_cast<Duration>(kBurst) * sites * kMicrosecond;
  const uint64_t min_rounds = static_cast<uint64_t>(kPeerHorizon / round_ns) + kMinBatches;
  for (uint64_t round = 0; keep_going(round, end, p.spikes, min_rounds); ++round) {
    for (uint32_t s = 0; s < sites; ++s, p.spikes += kBurst) {
      const Time a = mono_now();
      for (uint32_t i = 0; i < kBurst; ++i) {
        const Time t = round0 + static_cast<Time>(i * sites + s) * kMicrosecond;
        const auto idx = static_cast<uint32_t>((j + i) % per_site);
        core.on_spike(Spike{NeuronAddr{static_cast<SiteId>(s), idx}, t, SpikeKind::spike}, d.fwd);
      }
      core.advance(round0 + static_cast<Time>((kBurst - 1) * sites + s) * kMicrosecond, d.upd);
      if (d.samples.size() < kMaxSamples) d.samples.push_back(mono_now() - a);
    }
    j += kScatterStride;
    round0 += round_ns;
    d.clear();
  }
  finish(p, d, t0, device_errors);
  return p;
}

Result<MemoryRow> synapse_memory(uint64_t n) {
  ION_TRY_ASSIGN(auto xb, crossbar());
  MemoryRow m;
  m.what = "synapse (HubCore)";
  m.count = n;
  const MemorySample before = memory_now();
  {
    HubCore core(ring(n, 1), *xb, 0);
    const MemorySample after = memory_now();
    m.heap_bytes_per = static_cast<double>(after.heap_bytes - before.heap_bytes) / static_cast<double>(n);
    m.rss_bytes_per = static_cast<double>(after.rss_bytes - before.rss_bytes) / static_cast<double>(n);
  }
  return m;
}

}  // namespace ion::scale::bench::detail
