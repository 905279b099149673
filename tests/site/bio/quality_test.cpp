// SPDX-License-Identifier: Apache-2.0
// Detection quality against the emulated culture's ground truth (seeded, deterministic).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "site/bio/culture.hpp"
#include "site/bio/detector.hpp"
#include "site/bio/filter.hpp"
#include "site/bio/metrics.hpp"

using namespace ion;
using namespace ion::bio;

namespace {
struct Run {
  MatchResult m;
  uint64_t neuron_spikes = 0;
  double seconds = 0;
};

Run detect_culture(const CultureConfig& cc, double seconds, size_t block_rows) {
  auto culture = Culture::create(cc);
  EXPECT_TRUE(culture.is_ok()) << culture.status().to_string();
  DetectorConfig dc;
  dc.channels = cc.channels;
  dc.sample_rate_hz = cc.sample_rate_hz;
  auto det = Detector::create(dc);
  EXPECT_TRUE(det.is_ok());
  const auto rows = static_cast<int64_t>(seconds * cc.sample_rate_hz);
  std::vector<int16_t> block(block_rows * cc.channels);
  std::vector<DetectedSpike> spikes;
  for (int64_t r = 0; r < rows; r += static_cast<int64_t>(block_rows)) {
    culture->generate(block);
    EXPECT_TRUE(det->process(block, spikes).is_ok());
  }
  det->flush(spikes);
  std::vector<ChannelEvent> d, t;
  for (auto& s : spikes) d.push_back({s.channel, s.sample});
  for (auto& s : culture->truth()) t.push_back({s.channel, s.sample});
  Run run;
  run.m = match_spikes(d, t, static_cast<int64_t>(0.4e-3 * cc.sample_rate_hz));
  run.neuron_spikes = culture->neuron_spikes();
  run.seconds = seconds;
  return run;
}
}  // namespace

static void print_run(const char* what, uint64_t seed, const Run& run) {
  std::printf("%s seed %llu: tp %llu fp %llu fn %llu  P %.4f R %.4f A %.4f\n", what,
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(run.m.tp),
              static_cast<unsigned long long>(run.m.fp), static_cast<unsigned long long>(run.m.fn), run.m.precision(),
              run.m.recall(), run.m.accuracy());
}

// 16 electrodes, units at SNR 6 × uniform(1, spread).
static CultureConfig snr6_config(uint64_t seed, double spread) {
  CultureConfig cc;
  cc.channels = 16;
  cc.snr = 6;
  cc.snr_spread = spread;
  cc.seed = seed;
  return cc;
}

// Every unit at exactly SNR 6 (the acceptance level): a unit at SNR 6 must be found >= 95 % of
// the time, with >= 95 % of the detections true, on each of four seeded 8 s recordings.
TEST(CultureDetection, RecallAndPrecisionAtLeast95PercentAtSnr6) {
  MatchResult pooled;
  for (uint64_t seed : {1, 2, 3, 4}) {
    const CultureConfig cc = snr6_config(seed, 1.0);
    auto run = detect_culture(cc, 8.0, 25);
    print_run("SNR 6", seed, run);
    const double rate = static_cast<double>(run.neuron_spikes) / run.seconds / (cc.channels * cc.neurons_per_electrode);
    EXPECT_GT(rate, 0.5);
    EXPECT_LT(rate, 30);
    EXPECT_GT(run.m.tp, 500u);
    EXPECT_GE(run.m.recall(), 0.95) << "seed " << seed;
    EXPECT_GE(run.m.precision(), 0.95) << "seed " << seed;
    pooled.tp += run.m.tp, pooled.fp += run.m.fp, pooled.fn += run.m.fn;
  }
  std::printf("SNR 6 pooled: P %.4f R %.4f\n", pooled.precision(), pooled.recall());
  EXPECT_GE(pooled.recall(), 0.95);
  EXPECT_GE(pooled.precision(), 0.95);
}

// Units with SNR >= 6 (uniform in [6, 9]) do at least as well.
TEST(CultureDetection, RecallAndPrecisionAtLeast95PercentAboveSnr6) {
  for (uint64_t seed : {1, 2, 3}) {
    auto run = detect_culture(snr6_config(seed, 1.5), 8.0, 25);
    print_run("SNR 6-9", seed, run);
    EXPECT_GE(run.m.recall(), 0.95) << "seed " << seed;
    EXPECT_GE(run.m.precision(), 0.95) << "seed " << seed;
  }
}

TEST(CultureDetection, LowSnrIsWorse) {
  CultureConfig cc;
  cc.channels = 16;
  cc.snr = 3;
  cc.snr_spread = 1.0;
  cc.truth_min_snr = 2;
  auto run = detect_culture(cc, 4.0, 100);
  EXPECT_LT(run.m.recall(), 0.9);  // at 3σ peaks a 4.35σ threshold misses most spikes
}

// The emulator's SNR is the depth of the band-passed trough (what a negative-polarity detector
// sees) over the band noise σ, not max |band-passed waveform| (the rebound can be larger).
// Measured on the spike component alone: the same seed with (almost) no spikes gives the very
// same noise, so the difference of the two recordings is the spikes.
TEST(CultureSnr, IsTheBandPassedTroughOverTheBandNoiseSigma) {
  const CultureConfig cc = snr6_config(5, 1.0);
  CultureConfig quiet = cc;
  quiet.snr = 1e-6;  // waveforms below the emulator's 0.02 cut-off: noise only
  auto a = Culture::create(cc);
  auto b = Culture::create(quiet);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  const uint32_t n_channels = cc.channels;
  const auto rows = static_cast<size_t>(4 * cc.sample_rate_hz);
  std::vector<int16_t> xa(rows * n_channels), xb(rows * n_channels);
  a->generate(xa);
  b->generate(xb);
  auto sec = butterworth_bandpass(2, 300, 3000, cc.sample_rate_hz);
  FilterBank fa(*sec, n_channels), fb(*sec, n_channels);
  std::vector<float> ya(rows * n_channels), yb(rows * n_channels);
  for (size_t r = 0; r < rows; ++r)
    fa.process_row(&xa[r * n_channels], &ya[r * n_channels]), fb.process_row(&xb[r * n_channels], &yb[r * n_channels]);
  std::vector<double> sd(n_channels, 0);
  for (uint32_t c = 0; c < n_channels; ++c) {
    for (size_t r = 1000; r < rows; ++r) sd[c] += static_cast<double>(yb[r * n_channels + c]) * yb[r * n_channels + c];
    sd[c] = std::sqrt(sd[c] / static_cast<double>(rows - 1000));
  }
  const auto& truth = a->truth();
  size_t checked = 0;
  for (const auto& t : truth) {
    bool isolated = t.sample > 100 && t.sample + 100 < static_cast<int64_t>(rows);
    for (const auto& o : truth)
      if (&o != &t && o.channel == t.channel && std::llabs(o.sample - t.sample) < 100) isolated = false;
    if (!isolated) continue;
    double trough = 0;
    for (int64_t r = t.sample - 10; r <= t.sample + 10; ++r)
      trough = std::min(trough, static_cast<double>(ya[r * n_channels + t.channel] - yb[r * n_channels + t.channel]));
    EXPECT_NEAR(-trough / sd[t.channel], 6.0, 0.25) << "channel " << t.channel << " sample " << t.sample;
    ++checked;
  }
  EXPECT_GT(checked, 200u);
}
