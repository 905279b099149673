// SPDX-License-Identifier: Apache-2.0
#include "site/bio/filter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "core/prng.hpp"
#include "site/bio/noise.hpp"

using namespace ion;
using namespace ion::bio;

TEST(Butterworth, CascadeMatchesAnalyticResponse) {
  for (int order = 1; order <= 4; ++order) {
    for (double fs : {10000.0, 25000.0, 30000.0}) {
      auto s = butterworth_bandpass(order, 300, 3000, fs);
      ASSERT_TRUE(s.is_ok());
      EXPECT_EQ(s->size(), static_cast<size_t>(2 * ((order + 1) / 2)));
      for (double f = 10; f < fs / 2; f *= 1.07) {
        const double got = std::abs(cascade_response(*s, f, fs));
        const double want = butterworth_bandpass_magnitude(order, 300, 3000, f, fs);
        ASSERT_NEAR(got, want, 1e-9 + 1e-9 * want) << "order " << order << " fs " << fs << " f " << f;
      }
    }
  }
}

TEST(Butterworth, EdgesAreMinus3dBAndSlopesFollowOrder) {
  // A single edge: low-pass alone is exactly 1/sqrt(2) at fc, and falls ~20·n dB/decade.
  for (int order = 1; order <= 4; ++order) {
    auto lp = butterworth_lowpass(order, 3000, 25000);
    EXPECT_NEAR(std::abs(cascade_response(lp, 3000, 25000)), std::sqrt(0.5), 1e-9);
    EXPECT_NEAR(std::abs(cascade_response(lp, 0.001, 25000)), 1.0, 1e-6);
    auto hp = butterworth_highpass(order, 300, 25000);
    EXPECT_NEAR(std::abs(cascade_response(hp, 300, 25000)), std::sqrt(0.5), 1e-9);
    const double a30 = std::abs(cascade_response(hp, 30, 25000));
    EXPECT_NEAR(20 * std::log10(a30), -20.0 * order, 0.5 * order);
  }
}

TEST(Butterworth, FilterBankSineAmplitudeMatchesResponse) {
  const double fs = 25000;
  auto s = butterworth_bandpass(2, 300, 3000, fs);
  ASSERT_TRUE(s.is_ok());
  for (double f : {100.0, 300.0, 1000.0, 3000.0, 8000.0}) {
    FilterBank bank(*s, 2);
    float peak = 0;
    const int n = 50000;
    for (int i = 0; i < n; ++i) {
      const float x = static_cast<float>(1000 * std::sin(2 * std::numbers::pi * f * i / fs));
      const float in[2] = {x, -x};
      float out[2];
      bank.process_row(in, out);
      EXPECT_FLOAT_EQ(out[0], -out[1]);
      if (i > n / 2) peak = std::max(peak, std::fabs(out[0]));
    }
    const double want = 1000 * butterworth_bandpass_magnitude(2, 300, 3000, f, fs);
    EXPECT_NEAR(peak, want, 0.01 * want + 0.05) << f << " Hz";
  }
}

TEST(Butterworth, RejectsBadArguments) {
  EXPECT_FALSE(butterworth_bandpass(0, 300, 3000, 25000).is_ok());
  EXPECT_FALSE(butterworth_bandpass(9, 300, 3000, 25000).is_ok());
  EXPECT_FALSE(butterworth_bandpass(2, 3000, 300, 25000).is_ok());
  EXPECT_FALSE(butterworth_bandpass(2, 300, 13000, 25000).is_ok());
  EXPECT_FALSE(butterworth_bandpass(2, 0, 3000, 25000).is_ok());
  auto r = butterworth_bandpass(2, 300, 3000, std::nan(""));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("sample rate"), std::string::npos);
}

TEST(Mad, ExactEstimatorOnGaussianNoise) {
  Rng rng(7);
  std::vector<float> x(200000);
  for (auto& v : x) v = static_cast<float>(rng.normal(0, 3.0));
  EXPECT_NEAR(mad_sigma(x), 3.0, 0.03);
  // Robust: 5 % of huge outliers move it by a few percent only; the standard deviation explodes.
  for (size_t i = 0; i < x.size(); i += 20) x[i] = -200;
  EXPECT_NEAR(mad_sigma(x), 3.0 * 1.07, 0.15);
  EXPECT_EQ(mad_sigma(std::vector<float>{}), 0.0);
  EXPECT_NEAR(mad_sigma(std::vector<float>{-1, 2, -3, 4}), 2.5 / 0.6745, 1e-6);
}

TEST(Mad, OnlineEstimatorTracksEachChannelAndIsBlockIndependent) {
  Rng rng(11);
  const uint32_t n_channels = 3;
  MadNoise a(n_channels, 1024, 2, 5000, 0.25f);
  const double sd[n_channels] = {1.0, 5.0, 20.0};
  const int rows = 60000;
  std::vector<float> data(static_cast<size_t>(rows) * n_channels);
  for (int r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < n_channels; ++c)
      data[static_cast<size_t>(r) * n_channels + c] = static_cast<float>(
          rng.normal(0, sd[c] * (r < rows / 2 ? 1.0 : 2.0)));
  int ready_at = -1;
  size_t changed_at_ready = 0;
  float last_at_ready = -1;
  for (int r = 0; r < rows / 2; ++r) {
    a.push_row(&data[static_cast<size_t>(r) * n_channels]);
    if (a.ready() && ready_at < 0)
      ready_at = r, changed_at_ready = a.changed.size(), last_at_ready = a.sigma(n_channels - 1);
    a.changed.clear();
  }
  EXPECT_EQ(ready_at, 2046);        // 1024 values from rows 0, 2, …, 2046
  EXPECT_EQ(changed_at_ready, 1u);  // first estimates: one channel per row (3 channels ≤ 1024)
  EXPECT_EQ(last_at_ready, 0.0f);
  for (uint32_t c = 0; c < n_channels; ++c) EXPECT_NEAR(a.sigma(c), sd[c], 0.06 * sd[c]);
  for (int r = rows / 2; r < rows; ++r) {
    a.push_row(&data[static_cast<size_t>(r) * n_channels]);
    a.changed.clear();
  }
  // The noise doubled; 6 smoothed updates (alpha 0.25) later the estimate is at 2 − 0.75^6.
  for (uint32_t c = 0; c < n_channels; ++c) EXPECT_NEAR(a.sigma(c), (2 - std::pow(0.75, 6)) * sd[c], 0.1 * sd[c]);
}

namespace {
// Band-passed (300–3000 Hz at 25 kHz) Gaussian noise on n_channels channels: successive samples are
// strongly correlated, as on an electrode.
std::vector<float> band_noise(uint32_t n_channels, int rows, uint64_t seed) {
  Rng rng(seed);
  FilterBank bank(*butterworth_bandpass(2, 300, 3000, 25000), n_channels);
  std::vector<float> in(n_channels), out(static_cast<size_t>(rows) * n_channels);
  for (int r = 0; r < rows; ++r) {
    for (auto& v : in) v = static_cast<float>(rng.normal(0, 10.0));
    bank.process_row(in.data(), &out[static_cast<size_t>(r) * n_channels]);
  }
  return out;
}

double rms_rel_error(const MadNoise& m, const std::vector<double>& truth) {
  double e = 0;
  for (uint32_t c = 0; c < m.channels(); ++c) e += std::pow(m.sigma(c) / truth[c] - 1, 2);
  return std::sqrt(e / m.channels());
}
}  // namespace

TEST(Mad, GrowingFillsScheduleFirstEstimateEarlyAndTrackingLater) {
  const uint32_t n_channels = 2;
  MadNoise m(n_channels, 1024, 1, 1000, 0.25f, /*track_decimation=*/16, /*first_count=*/256);
  Rng rng(3);
  std::vector<float> row(n_channels);
  int ready_at = -1, tracking_at = -1;
  for (int r = 0; r < 30000; ++r) {
    for (auto& v : row) v = static_cast<float>(rng.normal(0, 2.0));
    m.push_row(row.data());
    if (m.ready() && ready_at < 0) {
      ready_at = r;
      EXPECT_EQ(m.changed.size(), 1u);  // first estimates spread: one channel per row
    }
    if (m.tracking() && tracking_at < 0) tracking_at = r;
    m.changed.clear();
  }
  EXPECT_EQ(ready_at, 255);  // first_count values at decimation 1
  // Ring full at 1024 rows, refilled at decimation 4 (4096 rows) and 16 (16384 rows), then tracking.
  EXPECT_GT(tracking_at, 1024 + 4096 + 16384 - 100);
  EXPECT_LT(tracking_at, 1024 + 4096 + 16384 + 100);
  for (uint32_t c = 0; c < n_channels; ++c) EXPECT_NEAR(m.sigma(c), 2.0, 0.1);
}

TEST(Mad, LaterFillsShrinkTheErrorOfTheFastFirstEstimate) {
  const uint32_t n_channels = 64;
  const auto x = band_noise(n_channels, 75000, 21);
  std::vector<double> truth(n_channels);
  for (uint32_t c = 0; c < n_channels; ++c) {  // the exact σ of each channel's whole signal
    double s = 0;
    for (size_t r = 5000; r < x.size() / n_channels; ++r)
      s += static_cast<double>(x[r * n_channels + c]) * x[r * n_channels + c];
    truth[c] = std::sqrt(s / static_cast<double>(x.size() / n_channels - 5000));
  }
  MadNoise m(n_channels, 1024, 1, 25000, 0.25f, /*track_decimation=*/25, /*first_count=*/250);
  double first = -1, later = -1;
  for (size_t r = 0; r < x.size() / n_channels; ++r) {
    m.push_row(&x[r * n_channels]);
    m.changed.clear();
    if (r == 1100) first = rms_rel_error(m, truth);  // after the full first ring (41 ms)
    if (r == 74999) later = rms_rel_error(m, truth);
  }
  std::printf("σ rms relative error: %.4f at 44 ms, %.4f at 3 s\n", first, later);
  EXPECT_GT(first, 0.03);         // 1024 correlated samples: a few % error
  EXPECT_LT(later, 0.6 * first);  // measured 0.023 vs 0.051
}

TEST(Mad, SkippedRowsDoNotRaiseSigma) {
  const uint32_t n_channels = 2;  // channel 0 = channel 1 + large bursts on 10 % of the rows
  auto run = [&](bool use_skip) {
    MadNoise m(n_channels, 1024, 1, 5000, 0.25f, /*track_decimation=*/8);
    Rng r2(8);
    std::vector<float> row(n_channels);
    std::vector<uint8_t> skip(n_channels, 0);
    for (int r = 0; r < 60000; ++r) {
      const float v = static_cast<float>(r2.normal(0, 1.0));
      const bool burst = r > 2000 && r % 100 < 10;
      row[0] = burst ? 40.0f : v;
      row[1] = v;
      skip[0] = burst ? 1 : 0;
      m.push_row(row.data(), use_skip ? skip.data() : nullptr);
      m.changed.clear();
    }
    return std::pair{m.sigma(0), m.sigma(1)};
  };
  auto [with0, with1] = run(true);
  auto [without0, without1] = run(false);
  EXPECT_NEAR(with0 / with1, 1.0, 0.03);
  EXPECT_GT(without0 / without1, 1.08);  // 10 % outliers move the median by ≈ 12 %
}
