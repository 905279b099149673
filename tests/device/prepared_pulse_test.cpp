// SPDX-License-Identifier: Apache-2.0
// Model::prepare_pulse/apply_prepared and SimulatedCrossbar's cache of pulse constants give the
// very same bits as Model::apply (docs/benchmarks.md, "Per plastic event").
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <vector>

#include "core/prng.hpp"
#include "core/time.hpp"
#include "device/model.hpp"
#include "device/sim_crossbar.hpp"

namespace ion::device {
namespace {

uint64_t bits(double x) { return std::bit_cast<uint64_t>(x); }

TEST(PreparedPulse, EqualsApplyBitForBitForEveryModel) {
  Rng rng(11);
  const double volts[] = {0.0, -0.0, 0.3, -0.3, 1.2, -1.5, 4.0, -4.0};
  const double widths_s[] = {0.0, 1e-6, 1e-4, 5e-3};
  for (const Model* m : all_models()) {
    const std::vector<double>& p = m->presets()[0].values;
    const double lo = m->state_lo(p.data()), hi = m->state_hi(p.data());
    for (double v : volts)
      for (double dt : widths_s) {
        const PreparedPulse k = m->prepare_pulse(p.data(), v, dt);
        for (int i = 0; i < 50; ++i) {
          const double s = i == 0 ? lo : i == 1 ? hi : rng.uniform(lo, hi);
          ASSERT_EQ(bits(m->apply_prepared(k, s)), bits(m->apply(p.data(), s, v, dt)))
              << m->name() << " v=" << v << " dt=" << dt << " s=" << s;
        }
      }
  }
}

// Pulses of four shapes (more than the cache holds) in random order on every cell, with and
// without half-select: each read equals the state a plain Model::apply mirror reaches.
void crossbar_matches_apply(const std::string& model, bool half_select) {
  CrossbarConfig cfg;
  cfg.model = model;
  cfg.words = cfg.bits = 4;
  cfg.half_select = half_select;
  auto xb = SimulatedCrossbar::create(cfg);
  ASSERT_TRUE(xb.is_ok()) << xb.status().to_string();
  SimulatedCrossbar& x = **xb;
  std::vector<double> mirror = x.states();
  const Model& m = x.model();
  const double* p = x.cell_params(0);
  const struct {
    double v;
    Duration w;
  } shapes[] = {{1.5, 100'000}, {-1.5, 100'000}, {1.5, 50'000}, {0.9, 100'000}};
  Rng rng(5);
  for (int i = 0; i < 400; ++i) {
    const auto& sh = shapes[rng.below(4)];
    const uint32_t w = static_cast<uint32_t>(rng.below(4)), b = static_cast<uint32_t>(rng.below(4));
    auto r = x.pulse_read(w, b, sh.v, sh.w);
    ASSERT_TRUE(r.is_ok());
    for (uint32_t c = 0; c < 16; ++c) {
      const bool sel = c == w * 4 + b, line = c / 4 == w || c % 4 == b;
      if (sel || (half_select && line)) mirror[c] = m.apply(p, mirror[c], sel ? sh.v : sh.v / 2, to_seconds(sh.w));
    }
    ASSERT_EQ(bits(*r), bits(m.read(p, mirror[w * 4 + b], x.v_read()).resistance_ohm)) << model << " pulse " << i;
    for (uint32_t c = 0; c < 16; ++c) ASSERT_EQ(bits(x.states()[c]), bits(mirror[c])) << model << " cell " << c;
  }
}

TEST(PreparedPulse, CrossbarCacheEqualsApplyForEveryModel) {
  for (const Model* m : all_models()) {
    crossbar_matches_apply(m->name(), false);
    crossbar_matches_apply(m->name(), true);
  }
}

// pulse_read's fast paths (in-memory array, valid arguments; one model call when nothing is added
// to the model) against pulse() then read() on a twin array: the same bits for every read and
// state; invalid arguments give pulse()'s error and change nothing.
void pulse_read_matches_pulse_then_read(const CrossbarConfig& cfg) {
  auto fast = SimulatedCrossbar::create(cfg), slow = SimulatedCrossbar::create(cfg);
  ASSERT_TRUE(fast.is_ok() && slow.is_ok()) << fast.status().to_string();
  Rng rng(9);
  for (int i = 0; i < 500; ++i) {
    const uint32_t w = static_cast<uint32_t>(rng.below(4)), b = static_cast<uint32_t>(rng.below(4));
    const double v = rng.below(2) == 0 ? 1.5 : -1.5;
    auto r = (*fast)->pulse_read(w, b, v, 100'000);
    ASSERT_TRUE(r.is_ok() && (*slow)->pulse(w, b, v, 100'000).is_ok());
    auto want = (*slow)->read(w, b);
    ASSERT_EQ(bits(*r), bits(*want)) << cfg.model << " pulse " << i;
  }
  for (size_t c = 0; c < 16; ++c) ASSERT_EQ(bits((*fast)->states()[c]), bits((*slow)->states()[c])) << "cell " << c;
  EXPECT_EQ((*fast)->pulses_applied(), (*slow)->pulses_applied());
  const struct {
    uint32_t w, b;
    double v;
    Duration width;
  } bad[] = {{4, 0, 1.5, 100'000}, {0, 4, 1.5, 100'000}, {0, 0, 25.0, 100'000}, {0, 0, 1.5, 0}};
  for (const auto& x : bad) {
    auto r = (*fast)->pulse_read(x.w, x.b, x.v, x.width);
    Status want = (*slow)->pulse(x.w, x.b, x.v, x.width);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().to_string(), want.to_string());
  }
  EXPECT_EQ((*fast)->pulses_applied(), (*slow)->pulses_applied());
  for (size_t c = 0; c < 16; ++c) EXPECT_EQ(bits((*fast)->states()[c]), bits((*slow)->states()[c]));
}

TEST(PreparedPulse, PulseReadEqualsPulseThenRead) {
  CrossbarConfig cfg;
  cfg.words = cfg.bits = 4;
  cfg.var.p_stuck_low = 0.2;  // plain, with stuck cells that must not move
  for (const Model* m : all_models()) {
    cfg.model = m->name();
    pulse_read_matches_pulse_then_read(cfg);
  }
  cfg.model = "compact";
  cfg.half_select = true;  // not plain: half-select, cycle-to-cycle noise, read noise
  cfg.var.c2c_rel_sd = 0.1;
  cfg.var.read_noise_rel = 0.02;
  pulse_read_matches_pulse_then_read(cfg);
}

}  // namespace
}  // namespace ion::device
