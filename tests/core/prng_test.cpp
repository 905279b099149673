// SPDX-License-Identifier: Apache-2.0
#include "core/prng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace ion;

namespace {
struct Moments {
  double mean = 0, var = 0;
};
template <class F>
Moments moments(int n, F draw) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    double x = draw();
    s += x;
    s2 += x * x;
  }
  Moments m;
  m.mean = s / n;
  m.var = s2 / n - m.mean * m.mean;
  return m;
}
}  // namespace

TEST(Prng, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differs |= x != c.next_u64();
  }
  EXPECT_TRUE(differs);
}

TEST(Prng, KnownFirstValuesPinTheAlgorithm) {
  // Pins xoshiro256** + splitmix64 seeding: a change here changes every recorded experiment.
  uint64_t sm = 0;
  EXPECT_EQ(splitmix64(sm), 0xE220A8397B1DCDAFULL);
  Rng r(0);
  uint64_t first = r.next_u64();
  Rng r2(0);
  EXPECT_EQ(first, r2.next_u64());
  EXPECT_NE(first, 0u);
}

TEST(Prng, StreamsAreReproducibleAndIndependent) {
  Rng a = Rng::stream(7, "sim.link");
  Rng b = Rng::stream(7, "sim.link");
  Rng c = Rng::stream(7, "culture");
  Rng d = Rng::stream(8, "sim.link");
  int same_ac = 0, same_ad = 0;
  std::vector<double> xa, xc;
  for (int i = 0; i < 10000; ++i) {
    uint64_t va = a.next_u64();
    EXPECT_EQ(va, b.next_u64());
    uint64_t vc = c.next_u64(), vd = d.next_u64();
    same_ac += va == vc;
    same_ad += va == vd;
    xa.push_back(static_cast<double>(va >> 11) * 0x1.0p-53);
    xc.push_back(static_cast<double>(vc >> 11) * 0x1.0p-53);
  }
  EXPECT_EQ(same_ac, 0);
  EXPECT_EQ(same_ad, 0);
  // Sample correlation between streams is near zero (|r| < 4/sqrt(n)).
  double ma = 0, mc = 0;
  for (size_t i = 0; i < xa.size(); ++i) ma += xa[i], mc += xc[i];
  ma /= xa.size();
  mc /= xc.size();
  double sac = 0, saa = 0, scc = 0;
  for (size_t i = 0; i < xa.size(); ++i) {
    sac += (xa[i] - ma) * (xc[i] - mc);
    saa += (xa[i] - ma) * (xa[i] - ma);
    scc += (xc[i] - mc) * (xc[i] - mc);
  }
  EXPECT_LT(std::fabs(sac / std::sqrt(saa * scc)), 4.0 / std::sqrt(10000.0));
}

TEST(Prng, ForkDoesNotAdvanceParent) {
  Rng a(5), b(5);
  Rng child = a.fork("x");
  (void)child.next_u64();
  EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(Prng, UniformMoments) {
  Rng r(1);
  auto m = moments(200000, [&] { return r.uniform(); });
  EXPECT_NEAR(m.mean, 0.5, 0.005);
  EXPECT_NEAR(m.var, 1.0 / 12, 0.002);
}

TEST(Prng, BelowIsInRangeAndUnbiased) {
  Rng r(2);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    uint64_t k = r.below(7);
    ASSERT_LT(k, 7u);
    ++counts[k];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
}

TEST(Prng, NormalMoments) {
  Rng r(3);
  auto m = moments(200000, [&] { return r.normal(2.0, 3.0); });
  EXPECT_NEAR(m.mean, 2.0, 0.03);
  EXPECT_NEAR(std::sqrt(m.var), 3.0, 0.03);
}

TEST(Prng, ExponentialMoments) {
  Rng r(4);
  auto m = moments(200000, [&] { return r.exponential(4.0); });
  EXPECT_NEAR(m.mean, 0.25, 0.003);
  EXPECT_NEAR(m.var, 0.0625, 0.002);
}

TEST(Prng, PoissonMomentsSmallAndLarge) {
  for (double lambda : {0.5, 4.0, 29.0, 31.0, 250.0}) {
    Rng r(static_cast<uint64_t>(lambda * 10));
    auto m = moments(100000, [&] { return static_cast<double>(r.poisson(lambda)); });
    EXPECT_NEAR(m.mean, lambda, 0.02 * lambda + 0.02) << lambda;
    EXPECT_NEAR(m.var, lambda, 0.05 * lambda + 0.05) << lambda;
  }
  Rng r(9);
  EXPECT_EQ(r.poisson(0.0), 0u);
  EXPECT_EQ(r.poisson(-1.0), 0u);
}
