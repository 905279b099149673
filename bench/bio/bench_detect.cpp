// SPDX-License-Identifier: Apache-2.0
#include "bench/bio/bench_detect.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "core/prng.hpp"
#include "site/bio/culture.hpp"
#include "site/bio/detector.hpp"

namespace ion::bio {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Noise (σ 20 units) with ~5 Hz of 12σ spikes per channel, written straight to int16.
std::vector<int16_t> make_signal(uint32_t n_channels, int64_t rows, double fs, uint64_t seed) {
  Rng rng = Rng::stream(seed, "bio.bench.signal");
  std::vector<int16_t> x(static_cast<size_t>(rows) * n_channels);
  for (auto& v : x) v = static_cast<int16_t>(std::lround(rng.normal(0, 20)));
  const auto n_spikes = static_cast<int64_t>(5.0 * n_channels * static_cast<double>(rows) / fs);
  for (int64_t k = 0; k < n_spikes; ++k) {
    const auto c = static_cast<uint32_t>(rng.below(n_channels));
    const auto at = static_cast<int64_t>(rng.below(static_cast<uint64_t>(rows)));
    for (int i = -10; i < 30 && at + i < rows; ++i) {
      if (at + i < 0) continue;
      const double ms = i / fs * 1e3;
      auto& v = x[static_cast<size_t>(at + i) * n_channels + c];
      const double add = -240 * std::exp(-ms * ms / 0.03) + 80 * std::exp(-(ms - 0.5) * (ms - 0.5) / 0.16);
      v = static_cast<int16_t>(std::clamp(std::lround(v + add), -32768L, 32767L));
    }
  }
  return x;
}

double baseline_pass(const std::vector<int16_t>& data, double& sink) {
  const double t0 = to_seconds(thread_cpu_now());
  float acc[8] = {};
  const size_t n = data.size() / 8 * 8;
  for (size_t i = 0; i < n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += static_cast<float>(data[i + static_cast<size_t>(j)]);
  volatile float result = acc[0] + acc[1] + acc[2] + acc[3] + acc[4] + acc[5] + acc[6] + acc[7];
  const double dt = to_seconds(thread_cpu_now()) - t0;
  sink += result;
  return dt;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}
}  // namespace

Result<DetectBenchResult> run_detect_bench(const DetectBenchConfig& cfg) {
  DetectorConfig dc;
  dc.channels = cfg.channels;
  dc.sample_rate_hz = cfg.rate_hz;
  dc.order = cfg.order;
  ION_TRY(dc.validate());
  const auto rows = static_cast<int64_t>(cfg.seconds * cfg.rate_hz);
  const auto block_rows = std::max<int64_t>(1, std::llround(cfg.block_s * cfg.rate_hz));
  const auto data = make_signal(cfg.channels, rows, cfg.rate_hz, cfg.seed);
  DetectBenchResult r;
  r.samples = data.size();
  double best = 1e300, best_base = 1e300, sink = 0;
  std::vector<double> block_ms, latency_ms;
  std::vector<DetectedSpike> out;
  out.reserve(1 << 16);
  for (int rep = 0; rep < std::max(1, cfg.repeats); ++rep) {
    best_base = std::min(best_base, baseline_pass(data, sink));
    auto det = Detector::create(dc);
    ION_TRY(det.status());
    block_ms.clear();
    latency_ms.clear();
    r.spikes = 0;
    const double t0 = to_seconds(thread_cpu_now());
    for (int64_t b = 0; b < rows; b += block_rows) {
      const int64_t n = std::min(block_rows, rows - b);
      out.clear();
      const auto tb = Clock::now();
      ION_TRY(det->process({data.data() + b * cfg.channels, static_cast<size_t>(n * cfg.channels)}, out));
      const double proc_ms = seconds_since(tb) * 1e3;
      block_ms.push_back(proc_ms);
      r.spikes += out.size();
      // The block's last sample arrives at its end; the event leaves after processing.
      for (const auto& s : out)
        latency_ms.push_back(static_cast<double>(b + n - s.sample) / cfg.rate_hz * 1e3 + proc_ms);
    }
    best = std::min(best, to_seconds(thread_cpu_now()) - t0);
  }
  r.pipeline_sps = static_cast<double>(data.size()) / best;
  r.baseline_sps = static_cast<double>(data.size()) / best_base;
  r.block_ms_median = percentile(block_ms, 0.5);
  r.block_ms_p99 = percentile(block_ms, 0.99);
  r.block_ms_max = percentile(block_ms, 1.0);
  r.latency_ms_median = percentile(latency_ms, 0.5);
  r.latency_ms_p99 = percentile(latency_ms, 0.99);
  if (sink == 12345.678) r.spikes += 0;  // keeps the baseline from being optimised away
  return r;
}

Result<std::vector<SnrRow>> run_snr_table(const std::vector<double>& snrs, uint32_t channels, double seconds,
                                          uint64_t seed, double threshold_k, double snr_spread) {
  std::vector<SnrRow> rows;
  for (double snr : snrs) {
    CultureConfig cc;
    cc.channels = channels;
    cc.snr = snr;
    cc.snr_spread = snr_spread;
    cc.truth_min_snr = std::min(cc.truth_min_snr, snr);
    cc.seed = seed;
    auto culture = Culture::create(cc);
    ION_TRY(culture.status());
    DetectorConfig dc;
    dc.channels = channels;
    dc.sample_rate_hz = cc.sample_rate_hz;
    dc.threshold_k = threshold_k;
    auto det = Detector::create(dc);
    ION_TRY(det.status());
    const auto block = static_cast<size_t>(cc.sample_rate_hz * 1e-3);
    std::vector<int16_t> buf(block * channels);
    std::vector<DetectedSpike> spikes;
    for (int64_t r = 0; r < static_cast<int64_t>(seconds * cc.sample_rate_hz); r += static_cast<int64_t>(block)) {
      culture->generate(buf);
      ION_TRY(det->process(buf, spikes));
    }
    det->flush(spikes);
    std::vector<ChannelEvent> d, t;
    for (const auto& s : spikes) d.push_back({s.channel, s.sample});
    for (const auto& s : culture->truth()) t.push_back({s.channel, s.sample});
    rows.push_back({snr, match_spikes(d, t, std::llround(0.4e-3 * cc.sample_rate_hz))});
  }
  return rows;
}

}  // namespace ion::bio
