// SPDX-License-Identifier: Apache-2.0
// The miss/false-positive diagnosis of `ion bench detect --diagnose` (bench/bio/bench_detect.hpp).
#include <gtest/gtest.h>

#include "bench/bio/bench_detect.hpp"

using namespace ion;
using namespace ion::bio;

// The diagnosis behind docs/benchmarks.md (detect): its twin noise-only recording recovers the
// SNR and the true σ, and its miss causes follow the SNR (no sub-threshold misses at SNR 20).
TEST(CultureDiagnosis, ClassifiesMissesAndMeasuresSnrAndSigma) {
  auto low = diagnose_snr(6, 8, 4.0, 2, 4.35);
  auto high = diagnose_snr(20, 8, 4.0, 2, 4.35);
  ASSERT_TRUE(low.is_ok() && high.is_ok());
  EXPECT_GT(low->troughs, 100u);
  EXPECT_NEAR(low->trough_mean, 6.0, 0.1);
  EXPECT_NEAR(high->trough_mean, 20.0, 0.3);
  EXPECT_NEAR(low->sigma_ratio_mean, 1.0, 0.04);
  EXPECT_GT(low->sigma_ratio_sd, 0.0);
  const uint64_t low_misses = low->miss_warmup + low->miss_below + low->miss_sigma + low->miss_overlap +
                              low->miss_misaligned + low->miss_other;
  EXPECT_LE(low_misses, low->m.fn);
  EXPECT_GT(low->miss_below, 0u);  // at SNR 6 some troughs stay above 4.35σ
  EXPECT_EQ(high->miss_below + high->miss_sigma, 0u);
  EXPECT_EQ(low->fp_near_spike + low->fp_noise, low->m.fp);
}
