// SPDX-License-Identifier: Apache-2.0
// SimulatedCrossbar: variability statistics, faults, half-select, quantisation, bad input.
#include <gtest/gtest.h>

#include <cmath>

#include "device/sim_crossbar.hpp"

namespace ion::device {
namespace {

using namespace ion::literals;

std::unique_ptr<SimulatedCrossbar> make(const CrossbarConfig& cfg) {
  auto x = SimulatedCrossbar::create(cfg);
  EXPECT_TRUE(x.is_ok()) << x.status().to_string();
  return x.is_ok() ? std::move(x).value() : nullptr;
}

CrossbarConfig big(uint64_t seed) {
  CrossbarConfig c;
  c.model = "compact";
  c.words = c.bits = 100;  // 10k devices
  c.seed = seed;
  c.var.d2d = {{"Ap", 0.1}, {"a0p", 0.05}};
  c.var.p_stuck_low = 0.02;
  c.var.p_stuck_high = 0.03;
  return c;
}

TEST(Variability, TenThousandDeviceSpreadMatchesConfiguration) {
  auto x = make(big(7));
  const size_t n = 10000;
  for (int k : {0, 4}) {  // Ap (sd 10 %), a0p (sd 5 %)
    const double base = x->base_params()[size_t(k)], rel = k == 0 ? 0.1 : 0.05;
    double sum = 0, sq = 0;
    for (size_t c = 0; c < n; ++c) sum += x->cell_params(c)[k];
    const double mean = sum / n;
    for (size_t c = 0; c < n; ++c) sq += std::pow(x->cell_params(c)[k] - mean, 2);
    const double sd = std::sqrt(sq / (n - 1));
    EXPECT_NEAR(mean / base, 1, 4 * rel / std::sqrt(double(n))) << k;  // 4 standard errors
    EXPECT_NEAR(sd / (rel * base), 1, 0.05) << k;                      // ~7 standard errors of sd
  }
  size_t low = 0, high = 0;
  for (uint32_t w = 0; w < 100; ++w)
    for (uint32_t b = 0; b < 100; ++b) {
      low += x->fault(w, b) == SimulatedCrossbar::kStuckLow;
      high += x->fault(w, b) == SimulatedCrossbar::kStuckHigh;
    }
  EXPECT_NEAR(double(low), 200, 5 * std::sqrt(200 * 0.98));
  EXPECT_NEAR(double(high), 300, 5 * std::sqrt(300 * 0.97));
}

TEST(Variability, SameSeedSameArrayOtherSeedDifferent) {
  auto a = make(big(11)), b = make(big(11)), c = make(big(12));
  size_t same = 0, diff = 0;
  for (size_t i = 0; i < 10000; ++i) {
    same += a->cell_params(i)[0] == b->cell_params(i)[0] && a->states()[i] == b->states()[i];
    diff += a->cell_params(i)[0] != c->cell_params(i)[0];
  }
  EXPECT_EQ(same, 10000u);
  EXPECT_GT(diff, 9990u);
}

TEST(Variability, StuckCellsIgnorePulsesAndCycleNoiseHasConfiguredSpread) {
  CrossbarConfig c;
  c.model = "compact";
  c.words = c.bits = 100;
  c.var.c2c_rel_sd = 0.2;
  c.var.p_stuck_high = 0.01;
  auto x = make(c);
  const std::vector<double> before = x->states();
  std::vector<uint32_t> cells(10000);
  for (uint32_t i = 0; i < 10000; ++i) cells[i] = i;
  double sum = 0, sq = 0;
  size_t n = 0;
  const double ideal = x->model().apply(x->base_params().data(), 7000, 1.0, 1e-6) - 7000;
  for (uint32_t w = 0; w < 100; ++w)
    for (uint32_t b = 0; b < 100; ++b) {
      ASSERT_TRUE(x->pulse(w, b, 1.0, 1_us).is_ok());
      const size_t i = size_t(w) * 100 + b;
      if (x->fault(w, b)) {
        EXPECT_EQ(x->states()[i], before[i]);
        continue;
      }
      const double rel = (x->states()[i] - before[i]) / ideal;
      sum += rel, sq += rel * rel, ++n;
    }
  const double mean = sum / n, sd = std::sqrt(sq / n - mean * mean);
  EXPECT_NEAR(mean, 1, 0.01);
  EXPECT_NEAR(sd, 0.2, 0.01);
}

TEST(Variability, ReadNoiseWithinOnePercentAndQuantisation) {
  CrossbarConfig c;
  c.model = "linear-drift";
  c.var.read_noise_rel = 0.01;
  c.var.levels = 11;
  auto x = make(c);
  const double r = x->model().read(x->base_params().data(), x->state(0, 0), 0.5).resistance_ohm;
  double lo = 1e300, hi = 0;
  for (int i = 0; i < 2000; ++i) {
    const double m = *x->read(0, 0);
    lo = std::min(lo, m), hi = std::max(hi, m);
  }
  EXPECT_GE(lo, r * 0.99);
  EXPECT_LE(hi, r * 1.01);
  EXPECT_LT(lo, r * 0.995);
  EXPECT_GT(hi, r * 1.005);
  ASSERT_TRUE(x->pulse(3, 3, 1.0, 200_ms).is_ok());
  const double s = x->state(3, 3);
  EXPECT_NEAR(s * 10, std::round(s * 10), 1e-9);
  EXPECT_NE(s, x->state(0, 0));
}

TEST(Crossbar, HalfSelectDisturbsOnlyTheSelectedLines) {
  CrossbarConfig c;
  c.model = "compact";
  c.words = 8, c.bits = 6;
  c.half_select = true;
  auto x = make(c);
  const double s0 = x->state(0, 0);
  ASSERT_TRUE(x->pulse(2, 3, -1.5, 100_us).is_ok());
  for (uint32_t w = 0; w < 8; ++w)
    for (uint32_t b = 0; b < 6; ++b) {
      const bool line = w == 2 || b == 3;
      if (line) EXPECT_LT(x->state(w, b), s0) << w << "," << b;
      else EXPECT_EQ(x->state(w, b), s0) << w << "," << b;
    }
  EXPECT_LT(x->state(2, 3), x->state(2, 0));  // the selected cell moved most
  // VTEAM: V/2 below threshold → only the selected cell changes.
  c.model = "vteam";
  auto v = make(c);
  const double w0 = v->state(0, 0);
  ASSERT_TRUE(v->pulse(1, 1, 0.03, 1_us).is_ok());
  EXPECT_GT(v->state(1, 1), w0);
  EXPECT_EQ(v->state(1, 0), w0);
  EXPECT_EQ(v->state(0, 1), w0);
}

TEST(Crossbar, PulseReadAndReadAllAgree) {
  CrossbarConfig c;
  c.model = "data-driven";
  c.preset = "tiox-dut2";
  auto x = make(c);
  auto r = x->pulse_read(4, 5, 0.8, 100_us);
  ASSERT_TRUE(r.is_ok());
  auto all = x->read_all();
  ASSERT_TRUE(all.is_ok());
  ASSERT_EQ(all->size(), 32u * 32u);
  EXPECT_DOUBLE_EQ((*all)[4 * 32 + 5], *r);
  EXPECT_GT(*r, (*all)[0]);
  EXPECT_EQ(x->pulses_applied(), 1u);
}

TEST(Crossbar, BadInputGivesPreciseErrors) {
  auto x = make(CrossbarConfig{});
  Status s = x->pulse(32, 0, 1.0, 100_us);
  EXPECT_NE(s.message().find("outside the 32x32 array"), std::string::npos) << s.message();
  s = x->pulse(0, 0, 100.0, 100_us);
  EXPECT_NE(s.message().find("amplitude"), std::string::npos) << s.message();
  s = x->pulse(0, 0, 1.0, 0);
  EXPECT_NE(s.message().find("width"), std::string::npos) << s.message();
  EXPECT_FALSE(x->read(0, 99).is_ok());
  CrossbarConfig c;
  c.words = 0;
  EXPECT_FALSE(SimulatedCrossbar::create(c).is_ok());
  c = {};
  c.params = {{"Rmax", -5}};
  auto e = SimulatedCrossbar::create(c);
  ASSERT_FALSE(e.is_ok());
  EXPECT_NE(e.status().message().find("'Rmax'"), std::string::npos) << e.status().message();
  c = {};
  c.var.d2d = {{"nope", 0.1}};
  e = SimulatedCrossbar::create(c);
  ASSERT_FALSE(e.is_ok());
  EXPECT_NE(e.status().message().find("'nope'"), std::string::npos);
  c = {};
  c.var.p_stuck_low = 1.5;
  EXPECT_FALSE(SimulatedCrossbar::create(c).is_ok());
}

TEST(Crossbar, InitialResistancesPerCell) {
  CrossbarConfig c;
  c.model = "data-driven";
  c.preset = "tiox-dut2";
  c.initial = {{1, 2, 12000}, {3, 4, 15000}};
  auto x = make(c);
  EXPECT_NEAR(*x->read(1, 2), 12000, 1e-6);
  EXPECT_NEAR(*x->read(3, 4), 15000, 1e-6);
  EXPECT_NE(*x->read(0, 0), 12000);
  c.initial = {{40, 0, 12000}};
  auto bad = SimulatedCrossbar::create(c);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("outside the 32x32 array"), std::string::npos);
  c.initial = {{0, 0, 1e12}};
  bad = SimulatedCrossbar::create(c);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("initial resistance of cell (w=0, b=0)"), std::string::npos)
      << bad.status().message();
}

TEST(Crossbar, LargestArraySizeIsSupported) {
  CrossbarConfig c;
  c.model = "data-driven";
  c.words = c.bits = 1024;
  auto x = make(c);
  ASSERT_TRUE(x->pulse(1023, 1023, 1.0, 100_us).is_ok());
  EXPECT_NE(x->state(1023, 1023), x->state(0, 0));
}

}  // namespace
}  // namespace ion::device
