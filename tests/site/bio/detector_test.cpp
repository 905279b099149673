// SPDX-License-Identifier: Apache-2.0
#include "site/bio/detector.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/prng.hpp"

using namespace ion;
using namespace ion::bio;

namespace {
constexpr double kFs = 25000;

// A negative extracellular-like spike (trough then rebound), `amp` units deep at `at`.
void add_spike(std::vector<float>& x, uint32_t n_channels, uint32_t ch, int64_t at, float amp) {
  for (int i = -25; i < 40; ++i) {
    const int64_t r = at + i;
    if (r < 0 || r >= static_cast<int64_t>(x.size() / n_channels)) continue;
    const double t = i / kFs * 1e3;  // ms
    const double v = -std::exp(-t * t / (2 * 0.12 * 0.12)) +
                     0.35 * std::exp(-(t - 0.45) * (t - 0.45) / (2 * 0.25 * 0.25));
    x[static_cast<size_t>(r) * n_channels + ch] += static_cast<float>(amp * v);
  }
}

std::vector<int16_t> to_i16(const std::vector<float>& x) {
  std::vector<int16_t> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = static_cast<int16_t>(std::lround(std::clamp(x[i], -32768.f, 32767.f)));
  return out;
}

DetectorConfig config(uint32_t n_channels) {
  DetectorConfig c;
  c.channels = n_channels;
  c.sample_rate_hz = kFs;
  return c;
}

std::vector<DetectedSpike> run(const DetectorConfig& cfg, const std::vector<int16_t>& x, size_t block_rows) {
  auto d = Detector::create(cfg);
  EXPECT_TRUE(d.is_ok()) << d.status().to_string();
  std::vector<DetectedSpike> out;
  const size_t step = block_rows * cfg.channels;
  for (size_t i = 0; i < x.size(); i += step) {
    const size_t len = std::min(step, x.size() - i);
    EXPECT_TRUE(d->process({x.data() + i, len}, out).is_ok());
  }
  d->flush(out);
  return out;
}

std::vector<float> noise(uint32_t n_channels, int rows, double sd, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> x(static_cast<size_t>(rows) * n_channels);
  for (auto& v : x) v = static_cast<float>(rng.normal(0, sd));
  return x;
}
}  // namespace

TEST(Detector, FindsIsolatedSpikesAtTheFilteredPeak) {
  const uint32_t n_channels = 4;
  auto x = noise(n_channels, 50000, 10, 1);
  std::vector<int64_t> at;
  for (int64_t r = 5000; r < 48000; r += 1500) at.push_back(r);
  for (auto r : at) add_spike(x, n_channels, 2, r, 60);  // ≈ 12σ after filtering
  auto cfg = config(n_channels);
  auto all = run(cfg, to_i16(x), 25);
  std::vector<DetectedSpike> spikes;
  for (auto& sp : all)
    if (sp.channel == 2) spikes.push_back(sp);
  EXPECT_LE(all.size() - spikes.size(), 2u);  // noise crossings elsewhere are rare at 4.5σ
  // Reference: the filtered minimum near each spike, computed by a separate filter bank.
  auto sec = butterworth_bandpass(cfg.order, cfg.band_lo_hz, cfg.band_hi_hz, kFs);
  FilterBank bank(*sec, n_channels);
  std::vector<float> y(x.size());
  auto xi = to_i16(x);
  for (size_t r = 0; r < x.size() / n_channels; ++r) bank.process_row(&xi[r * n_channels], &y[r * n_channels]);
  ASSERT_EQ(spikes.size(), at.size());
  for (size_t i = 0; i < at.size(); ++i) {
    int64_t best = at[i] - 10;
    for (int64_t r = at[i] - 10; r < at[i] + 10; ++r)
      if (y[r * n_channels + 2] < y[best * n_channels + 2]) best = r;
    EXPECT_EQ(spikes[i].sample, best) << "spike " << i;
    EXPECT_FLOAT_EQ(spikes[i].amplitude_v, y[best * n_channels + 2]);
    EXPECT_LT(spikes[i].amplitude_v, spikes[i].threshold_v);
  }
}

TEST(Detector, DeadTimeSuppressesSecondSpikeAndReleasesAfterIt) {
  const uint32_t n_channels = 1;
  auto x = noise(n_channels, 40000, 10, 2);
  add_spike(x, n_channels, 0, 10000, 60);
  add_spike(x, n_channels, 0, 10010, 60);  // 0.4 ms later: inside the 1 ms dead time (and align window)
  add_spike(x, n_channels, 0, 20000, 60);
  add_spike(x, n_channels, 0, 20040, 60);  // 1.6 ms later: after the dead time
  auto cfg = config(n_channels);
  auto s = run(cfg, to_i16(x), 64);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_NEAR(static_cast<double>(s[0].sample), 10005, 8);
  EXPECT_NEAR(static_cast<double>(s[1].sample), 20000, 3);
  EXPECT_NEAR(static_cast<double>(s[2].sample), 20040, 3);
  cfg.dead_time_s = 3e-3;
  s = run(cfg, to_i16(x), 64);
  EXPECT_EQ(s.size(), 2u);
}

TEST(Detector, BlockSizeNeverChangesTheResult) {
  const uint32_t n_channels = 7;
  auto x = noise(n_channels, 30000, 8, 3);
  Rng rng(5);
  for (int i = 0; i < 200; ++i)
    add_spike(x, n_channels, static_cast<uint32_t>(rng.below(n_channels)),
              3000 + static_cast<int64_t>(rng.below(26000)), static_cast<float>(rng.uniform(30, 70)));
  auto cfg = config(n_channels);
  cfg.polarity = Polarity::both;
  cfg.snippets = true;
  auto ref = run(cfg, to_i16(x), 30000);
  ASSERT_GT(ref.size(), 150u);
  for (size_t block : {1, 3, 25, 1000}) {
    auto got = run(cfg, to_i16(x), block);
    ASSERT_EQ(got.size(), ref.size()) << block;
    for (size_t i = 0; i < ref.size(); ++i) {
      ASSERT_EQ(got[i].channel, ref[i].channel);
      ASSERT_EQ(got[i].sample, ref[i].sample);
      ASSERT_EQ(got[i].amplitude_v, ref[i].amplitude_v);
    }
  }
}

TEST(Detector, PolarityAndSnippets) {
  const uint32_t n_channels = 2;
  auto x = noise(n_channels, 30000, 10, 4);
  add_spike(x, n_channels, 0, 10000, 60);
  add_spike(x, n_channels, 1, 15000, -60);  // upward spike
  auto cfg = config(n_channels);
  // After band-pass every spike is biphasic: each polarity sees only its own sign, at its own peak.
  auto s = run(cfg, to_i16(x), 100);
  bool found = false;
  for (auto& sp : s) {
    EXPECT_LT(sp.amplitude_v, 0);
    found |= sp.channel == 0 && std::abs(sp.sample - 10000) <= 3;
  }
  EXPECT_TRUE(found);
  cfg.polarity = Polarity::positive;
  s = run(cfg, to_i16(x), 100);
  found = false;
  for (auto& sp : s) {
    EXPECT_GT(sp.amplitude_v, 0);
    found |= sp.channel == 1 && std::abs(sp.sample - 15000) <= 3;
  }
  EXPECT_TRUE(found);
  cfg.polarity = Polarity::both;
  cfg.snippets = true;
  cfg.gain_v = {2.0f, 2.0f};
  auto d = Detector::create(cfg);
  ASSERT_TRUE(d.is_ok());
  std::vector<DetectedSpike> out;
  auto xi = to_i16(x);
  ASSERT_TRUE(d->process(xi, out).is_ok());
  ASSERT_GE(out.size(), 2u);
  const uint32_t len = d->snippet_length();
  EXPECT_EQ(len, 13u + 25u + 1u);
  ASSERT_EQ(d->snippets().size(), out.size() * len);
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].snippet, i);
    EXPECT_FLOAT_EQ(d->snippets()[out[i].snippet * len + 13], out[i].amplitude_v);
  }
  EXPECT_EQ(d->to_spike(out[0]).t, sample_to_ns(out[0].sample, kFs, 0));
  EXPECT_EQ(d->to_spike(out[0]).source.index, out[0].channel);
}

TEST(Detector, RejectsBadConfigAndRaggedBlocks) {
  auto cfg = config(0);
  EXPECT_FALSE(Detector::create(cfg).is_ok());
  cfg = config(4);
  cfg.band_hi_hz = 20000;
  EXPECT_FALSE(Detector::create(cfg).is_ok());
  cfg = config(4);
  cfg.threshold_k = std::nan("");
  EXPECT_FALSE(Detector::create(cfg).is_ok());
  cfg = config(4);
  cfg.gain_v = {1.0f};
  EXPECT_FALSE(Detector::create(cfg).is_ok());
  cfg = config(4);
  cfg.noise_track_window_s = 0.005;  // shorter than the first estimate's window
  auto bad = Detector::create(cfg);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("noise tracking window"), std::string::npos);
  auto d = Detector::create(config(4));
  ASSERT_TRUE(d.is_ok());
  std::vector<int16_t> ragged(10);
  std::vector<DetectedSpike> out;
  auto st = d->process(ragged, out);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("4-channel rows"), std::string::npos);
  EXPECT_EQ(d->rows_processed(), 0);
}

TEST(Detector, FlatChannelNeverTriggers) {
  const uint32_t n_channels = 2;
  auto x = noise(n_channels, 20000, 10, 9);
  for (size_t r = 0; r < x.size() / n_channels; ++r) x[r * n_channels + 1] = 0;
  auto s = run(config(n_channels), to_i16(x), 50);
  for (auto& sp : s) EXPECT_EQ(sp.channel, 0u);
}

// A dropped after-lobe re-arms the channel at once: a genuine spike right after it is not blanked
// by a dead time started at the lobe.
TEST(Detector, DroppedLobeDoesNotBlankTheNextSpike) {
  const uint32_t n_channels = 1;
  auto x = noise(n_channels, 40000, 10, 12);
  const int64_t t = 20000;
  add_spike(x, n_channels, 0, t, 120);       // ≈ 12σ after the band-pass
  add_spike(x, n_channels, 0, t + 30, 50);   // 1.2 ms later, < 0.8 × the first: taken as its after-lobe
  add_spike(x, n_channels, 0, t + 50, 150);  // 2.0 ms after the first (0.8 ms after the lobe): a new spike
  auto d = Detector::create(config(n_channels));
  ASSERT_TRUE(d.is_ok());
  std::vector<DetectedSpike> out;
  auto xi = to_i16(x);
  ASSERT_TRUE(d->process(xi, out).is_ok());
  d->flush(out);
  bool first = false, lobe = false, second = false;
  for (auto& s : out) {
    first |= std::abs(s.sample - t) <= 3;
    lobe |= std::abs(s.sample - (t + 30)) <= 3;
    second |= std::abs(s.sample - (t + 50)) <= 3;
  }
  EXPECT_TRUE(first);
  EXPECT_FALSE(lobe);
  EXPECT_TRUE(second);
  EXPECT_GE(d->lobes_rejected(), 1u);
}

// The first noise estimate comes after noise_window_s (10 ms by default): a spike 16 ms into the
// recording is found.
TEST(Detector, ShortWarmUp) {
  const uint32_t n_channels = 2;
  auto x = noise(n_channels, 5000, 10, 13);
  add_spike(x, n_channels, 1, 400, 60);
  auto d = Detector::create(config(n_channels));
  ASSERT_TRUE(d.is_ok());
  std::vector<DetectedSpike> out;
  auto xi = to_i16(x);
  ASSERT_TRUE(d->process({xi.data(), 249 * n_channels}, out).is_ok());
  EXPECT_FALSE(d->noise_ready());
  ASSERT_TRUE(d->process({xi.data() + 249 * n_channels, xi.size() - 249 * n_channels}, out).is_ok());
  EXPECT_TRUE(d->noise_ready());
  bool found = false;
  for (auto& s : out) found |= s.channel == 1 && std::abs(s.sample - 400) <= 3;
  EXPECT_TRUE(found);
}
