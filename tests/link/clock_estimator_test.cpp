// SPDX-License-Identifier: Apache-2.0
#include "link/clock_estimator.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "synth_clock.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::link::test;
using namespace ion::literals;

namespace {
// Mapping error (ns) of the estimator at a local reading, against the synthetic truth.
double map_error(const ClockEstimator& e, const SynthClock& c, Time local) {
  return static_cast<double>(e.to_master(local) - c.true_at(local));
}
}  // namespace

TEST(ClockSample, OffsetAndRttFormulas) {
  // local = master − 1 ms; 3 ms each way; 1 ms at the master.
  ClockSample s{10_ms, 14_ms, 15_ms, 17_ms};
  EXPECT_EQ(s.rtt_ns(), 6_ms);
  EXPECT_DOUBLE_EQ(s.offset_ns(), 1e6 * ((14.0 - 10.0) + (15.0 - 17.0)) / 2);
  EXPECT_EQ(s.local_mid_ns(), 13500_us);
}

TEST(ClockEstimator, IdentityBeforeSamplesAndRejectsNegativeRtt) {
  ClockEstimator e;
  EXPECT_FALSE(e.estimate().valid);
  EXPECT_EQ(e.to_master(123), 123);
  EXPECT_EQ(e.uncertainty_at(0), kTimeNever);
  EXPECT_FALSE(e.add(ClockSample{10_ms, 14_ms, 20_ms, 12_ms}));  // master held it longer than RTT
  EXPECT_FALSE(e.estimate().valid);
}

TEST(ClockEstimator, ExactOnSymmetricNoiselessPath) {
  SynthClock c{.offset_ns = -50e6, .drift = 0};
  ClockEstimator e;
  Rng rng(1);
  ASSERT_TRUE(e.add(exchange(c, 1_s, 10_ms, 0, rng)));
  EXPECT_NEAR(map_error(e, c, c.local(1_s)), 0, 2);
  EXPECT_EQ(e.asymmetry_bound_ns(), 10_ms);  // RTT 20 ms (+ no processing counted)
}

TEST(ClockEstimator, TracksOffsetAndDriftUnderJitter) {
  for (double sign : {1.0, -1.0}) {
    SynthClock c{.offset_ns = sign * 50e6, .drift = sign * 100e-6};
    ClockEstimator e;
    Rng rng(sign > 0 ? 11 : 12);
    for (int w = 0; w < 20; ++w) (void)e.add(wave_min(c, 200_ms + w * 500_ms, 8, 10_ms, 2_ms, rng));
    SCOPED_TRACE(sign);
    EXPECT_NEAR(e.estimate().drift, -sign * 100e-6 / (1 + sign * 100e-6), 15e-6);
    const Time now_local = c.local(10_s);
    EXPECT_LT(std::fabs(map_error(e, c, now_local)), 200e3);
    // The reported uncertainty covers the actual error and is itself well under the target.
    EXPECT_LE(std::fabs(map_error(e, c, now_local)), static_cast<double>(e.uncertainty_at(now_local)) * 1.5);
    EXPECT_LT(e.uncertainty_at(now_local), 200_us);
    EXPECT_EQ(e.steps_detected(), 0u);
  }
}

TEST(ClockEstimator, OffsetOnlyUntilSpanThenDrift) {
  SynthClock c{.offset_ns = 1e6, .drift = 50e-6};
  ClockEstimator e;
  Rng rng(3);
  (void)e.add(wave_min(c, 0, 8, 1_ms, 100_us, rng));
  (void)e.add(wave_min(c, 500_ms, 8, 1_ms, 100_us, rng));
  EXPECT_EQ(e.estimate().drift, 0.0);  // span 0.5 s < 2 s
  for (int w = 2; w < 8; ++w) (void)e.add(wave_min(c, w * 500_ms, 8, 1_ms, 100_us, rng));
  EXPECT_NEAR(e.estimate().drift, -50e-6, 5e-6);
}

TEST(ClockEstimator, UncertaintyShrinksWithSamples) {
  SynthClock c{.offset_ns = 3e6, .drift = 20e-6};
  ClockEstimator e;
  Rng rng(4);
  (void)e.add(wave_min(c, 0, 8, 10_ms, 2_ms, rng));
  const Duration first = e.uncertainty_at(c.local(0));
  for (int w = 1; w < 20; ++w) (void)e.add(wave_min(c, w * 500_ms, 8, 10_ms, 2_ms, rng));
  EXPECT_LT(e.uncertainty_at(c.local(19 * 500_ms)), first);
  EXPECT_GT(e.uncertainty_at(c.local(19 * 500_ms)), 0);
}

TEST(ClockEstimator, SingleOutlierIsDiscarded) {
  SynthClock c{.offset_ns = 5e6, .drift = 0};
  ClockEstimator e;
  Rng rng(5);
  for (int w = 0; w < 10; ++w) (void)e.add(wave_min(c, w * 500_ms, 8, 10_ms, 500_us, rng));
  ClockSample bad = wave_min(c, 5_s, 8, 10_ms, 500_us, rng);
  bad.t2_ns += 20_ms;  // one reply with a wildly wrong master timestamp
  bad.t3_ns += 20_ms;
  EXPECT_FALSE(e.add(bad));
  EXPECT_TRUE(e.add(wave_min(c, 5500_ms, 8, 10_ms, 500_us, rng)));
  EXPECT_EQ(e.outliers_discarded(), 1u);
  EXPECT_EQ(e.steps_detected(), 0u);
  EXPECT_LT(std::fabs(map_error(e, c, c.local(5500_ms))), 200e3);
}

TEST(ClockEstimator, StepChangeIsTracked) {
  SynthClock c{.offset_ns = -20e6, .drift = 100e-6, .step_at_true_ns = 10_s, .step_ns = 30e6};
  ClockEstimator e;
  Rng rng(6);
  int w = 0;
  for (; w < 20; ++w) (void)e.add(wave_min(c, 100_ms + w * 500_ms, 8, 10_ms, 2_ms, rng));
  // Two waves after the step confirm it; then the estimate is back within the target.
  for (; w < 23; ++w) (void)e.add(wave_min(c, 100_ms + w * 500_ms, 8, 10_ms, 2_ms, rng));
  EXPECT_EQ(e.steps_detected(), 1u);
  const Time t = 100_ms + 22 * 500_ms;
  EXPECT_LT(std::fabs(map_error(e, c, c.local(t))), 200e3);
  for (; w < 40; ++w) (void)e.add(wave_min(c, 100_ms + w * 500_ms, 8, 10_ms, 2_ms, rng));
  const Time t2 = 100_ms + 39 * 500_ms;
  EXPECT_LT(std::fabs(map_error(e, c, c.local(t2))), 200e3);
  EXPECT_EQ(e.steps_detected(), 1u);
}
