// SPDX-License-Identifier: Apache-2.0
// vexp: accuracy against libm over the whole clamped range, the clamps themselves, and that a
// vectorised loop gives the same bits as one call at a time.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/prng.hpp"
#include "neuron/kernels.hpp"

namespace ion::neuron {
namespace {

// Distance in units in the last place between two finite positive doubles.
int64_t ulps(double a, double b) {
  const auto ia = std::bit_cast<int64_t>(a), ib = std::bit_cast<int64_t>(b);
  return ia > ib ? ia - ib : ib - ia;
}

TEST(Vexp, WithinTwoUlpOfLibmOverTheWholeRange) {
  Rng rng = Rng::stream(7, "test.vexp");
  int64_t worst = 0;
  double worst_x = 0;
  for (int k = 0; k < 2'000'000; ++k) {
    const double x = rng.uniform(-708.0, 709.0);
    const int64_t u = ulps(vexp(x), std::exp(x));
    if (u > worst) worst = u, worst_x = x;
  }
  for (double x : {-1e-300, 0.0, 1e-300, 0.5, -0.5, 1.0, -10.1, 20.0, 0.34657359, -0.34657359}) {
    const int64_t u = ulps(vexp(x), std::exp(x));
    if (u > worst) worst = u, worst_x = x;
  }
  EXPECT_LE(worst, 2) << "at x = " << worst_x;
  EXPECT_EQ(vexp(0.0), 1.0);
}

TEST(Vexp, ClampsInsteadOfOverflowingOrGoingDenormal) {
  EXPECT_EQ(vexp(1e6), vexp(709.0));
  EXPECT_TRUE(std::isfinite(vexp(1e6)));
  EXPECT_EQ(vexp(-1e6), vexp(-708.0));
  EXPECT_GT(vexp(-1e6), 0.0);
  EXPECT_TRUE(std::isnormal(vexp(-1e6)));
}

// Not inlined and not vectorised: one value at a time.
[[gnu::noinline]] double vexp_scalar(double x) {
  volatile double v = x;
  return vexp(v);
}

ION_SIMD_CLONES void vexp_all(size_t n, const double* __restrict x, double* __restrict y) {
  for (size_t i = 0; i < n; ++i) y[i] = vexp(x[i]);
}

TEST(Vexp, VectorisedLoopGivesTheSameBitsAsSingleCalls) {
  Rng rng = Rng::stream(8, "test.vexp.simd");
  std::vector<double> x(4099), y(x.size());
  for (double& v : x) v = rng.uniform(-50.0, 50.0);
  vexp_all(x.size(), x.data(), y.data());
  for (size_t i = 0; i < x.size(); ++i)
    ASSERT_EQ(std::bit_cast<uint64_t>(y[i]), std::bit_cast<uint64_t>(vexp_scalar(x[i]))) << i;
}

}  // namespace
}  // namespace ion::neuron
