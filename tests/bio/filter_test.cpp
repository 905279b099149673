// SPDX-License-Identifier: Apache-2.0
#include "site/bio/filter.hpp"

#include <gtest/gtest.h>

#include <cmath>
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
  const uint32_t C = 3;
  MadNoise a(C, 1024, 2, 5000, 0.25f);
  const double sd[C] = {1.0, 5.0, 20.0};
  const int rows = 60000;
  std::vector<float> data(static_cast<size_t>(rows) * C);
  for (int r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < C; ++c) data[static_cast<size_t>(r) * C + c] = static_cast<float>(rng.normal(0, sd[c] * (r < rows / 2 ? 1.0 : 2.0)));
  int ready_at = -1;
  size_t changed_at_ready = 0;
  float last_at_ready = -1;
  for (int r = 0; r < rows / 2; ++r) {
    a.push_row(&data[static_cast<size_t>(r) * C]);
    if (a.ready() && ready_at < 0) ready_at = r, changed_at_ready = a.changed.size(), last_at_ready = a.sigma(C - 1);
    a.changed.clear();
  }
  EXPECT_EQ(ready_at, 2046);  // 1024 values from rows 0, 2, …, 2046
  EXPECT_EQ(changed_at_ready, 1u);  // first estimates: one channel per row (3 channels ≤ 1024)
  EXPECT_EQ(last_at_ready, 0.0f);
  for (uint32_t c = 0; c < C; ++c) EXPECT_NEAR(a.sigma(c), sd[c], 0.06 * sd[c]);
  for (int r = rows / 2; r < rows; ++r) {
    a.push_row(&data[static_cast<size_t>(r) * C]);
    a.changed.clear();
  }
  // The noise doubled; 6 smoothed updates (alpha 0.25) later the estimate is at 2 − 0.75^6.
  for (uint32_t c = 0; c < C; ++c) EXPECT_NEAR(a.sigma(c), (2 - std::pow(0.75, 6)) * sd[c], 0.1 * sd[c]);
}
