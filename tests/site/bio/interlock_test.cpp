// SPDX-License-Identifier: Apache-2.0
#include "site/bio/interlock.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <type_traits>

#include "core/prng.hpp"

using namespace ion;
using namespace ion::bio;

namespace {
Interlock make(StimLimits lim = {}, StimMapping map = {}) {
  auto r = Interlock::create(lim, map);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return std::move(r).value();
}
SynapticInput input(uint32_t electrode, float weight) {
  SynapticInput in;
  in.post = {1, electrode};
  in.weight = weight;
  return in;
}
}  // namespace

// A token can only come from the interlock: no public constructor, no copies.
static_assert(!std::is_default_constructible_v<ApprovedStimulus>);
static_assert(!std::is_constructible_v<ApprovedStimulus, Stimulus>);
static_assert(!std::is_copy_constructible_v<ApprovedStimulus>);
static_assert(!std::is_copy_assignable_v<ApprovedStimulus>);

TEST(StimLimits, DefaultsAreValidAndConservative) {
  StimLimits lim;
  ASSERT_TRUE(lim.validate().is_ok());
  // Pt at 0.05 mC/cm² on 707 µm²: ≈ 0.354 nC; the 0.3 nC cap is tighter.
  EXPECT_NEAR(lim.capacity() * lim.electrode_area_m2, 0.3535e-9, 0.001e-9);
  EXPECT_DOUBLE_EQ(lim.charge_limit_c(), 0.3e-9);
  EXPECT_LT(shannon_k(lim.charge_limit_c(), lim.electrode_area_m2), 1.5);
}

TEST(StimLimits, ShannonFormula) {
  // Q = 1 µC on 0.01 cm² → D = 100 µC/cm² → k = 2 + 0 = 2.
  EXPECT_NEAR(shannon_k(1e-6, 1e-6), 2.0, 1e-12);
  const double q = shannon_charge_limit_c(1.85, 1e-6);
  EXPECT_LT(shannon_k(q, 1e-6), 1.85);
  EXPECT_NEAR(shannon_k(q, 1e-6), 1.85, 1e-5);
}

TEST(StimLimits, AbsurdLimitsAreRejectedAtConstruction) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto bad = [](auto mutate) {
    StimLimits l;
    mutate(l);
    return !Interlock::create(l, StimMapping{}).is_ok();
  };
  EXPECT_TRUE(bad([](StimLimits& l) { l.max_amplitude = 1.0; }));  // 1 A
  EXPECT_TRUE(bad([&](StimLimits& l) { l.max_amplitude = nan; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.max_amplitude = -1e-6; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.shannon_k = 2.5; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.shannon_k = 0; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.electrode_area_m2 = 1.0; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.max_charge_c = 1e-3; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.max_width_s = 1.0; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.max_rate_hz = std::numeric_limits<double>::infinity(); }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.global_rate_hz = 0; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.electrode_count = 0; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.material = ElectrodeMaterial::custom; }));
  EXPECT_TRUE(bad([](StimLimits& l) { l.capacity_c_per_m2 = 500; }));  // 50 mC/cm²
  StimMapping m;
  m.amplitude_min = 2e-6;
  m.amplitude_max = 1e-6;
  EXPECT_FALSE(Interlock::create(StimLimits{}, m).is_ok());
  m = {};
  m.width_max_s = 2e-3;  // beyond the width limit
  auto r = Interlock::create(StimLimits{}, m);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("mapping widths"), std::string::npos) << r.status().message();
}

TEST(Interlock, MapsWeightToAmplitudeBiphasic) {
  auto il = make();
  auto d = il.review(input(3, 0.5f), 1000);
  ASSERT_TRUE(d.approved.has_value());
  EXPECT_EQ(d.record.outcome, StimulusOutcome::delivered);
  EXPECT_EQ(d.record.electrode, 3);
  EXPECT_NEAR(d.record.amplitude, 0.825e-6, 1e-12);
  EXPECT_NEAR(d.record.width_s, 200e-6, 1e-10);
  EXPECT_NEAR(d.record.charge_c, 0.825e-6 * 200e-6, 1e-16);                                     // float storage
  EXPECT_EQ(il.review(input(4, 1.0f), 20'000'000).record.outcome, StimulusOutcome::delivered);  // full weight fits
  EXPECT_TRUE(d.record.cathodic_first);
}

TEST(Interlock, ClampPolicyReducesChargeToLimit) {
  StimMapping m;
  m.amplitude_max = 5e-6;  // 5 µA × 200 µs = 1 nC > 0.3 nC; and above max amplitude 2 µA
  auto il = make(StimLimits{}, m);
  auto d = il.review(input(0, 1.0f), 0);
  ASSERT_TRUE(d.approved.has_value());
  EXPECT_EQ(d.record.outcome, StimulusOutcome::clamped);
  EXPECT_LE(d.record.charge_c, 0.3e-9);
  EXPECT_LE(static_cast<double>(d.record.amplitude) * d.record.width_s, 0.3e-9);
  EXPECT_EQ(il.counters().clamped, 1u);
}

TEST(Interlock, RefusePolicyRefusesAndCounts) {
  StimLimits l;
  l.policy = ViolationPolicy::refuse;
  StimMapping m;
  m.amplitude_max = 5e-6;
  auto il = make(l, m);
  auto d = il.review(input(0, 1.0f), 0);
  EXPECT_FALSE(d.approved.has_value());
  EXPECT_EQ(d.record.outcome, StimulusOutcome::refused);
  EXPECT_EQ(d.record.charge_c, 0.0f);
  EXPECT_EQ(d.reason, Refusal::amplitude);
  d = il.review(input(0, 1.5f), 10'000'000);
  EXPECT_EQ(d.reason, Refusal::weight_above_one);
  EXPECT_EQ(il.counters().refused, 2u);
  EXPECT_EQ(il.counters().of(Refusal::amplitude), 1u);
}

TEST(Interlock, RateLimitsPerElectrodeAndGlobal) {
  StimLimits l;
  l.max_rate_hz = 100;  // 10 ms
  l.global_rate_hz = 10;
  l.global_burst = 3;
  auto il = make(l);
  EXPECT_TRUE(il.review(input(0, 0.5f), 0).approved.has_value());
  EXPECT_EQ(il.review(input(0, 0.5f), 5'000'000).reason, Refusal::electrode_rate);
  EXPECT_TRUE(il.review(input(1, 0.5f), 5'000'000).approved.has_value());
  EXPECT_TRUE(il.review(input(2, 0.5f), 5'000'000).approved.has_value());
  EXPECT_EQ(il.review(input(3, 0.5f), 5'000'000).reason, Refusal::global_rate);
  EXPECT_TRUE(il.review(input(3, 0.5f), 105'000'000).approved.has_value());  // 1 token refilled
  EXPECT_EQ(il.review(input(4, 0.5f), 1'000'000).reason, Refusal::time_reversal);
}

TEST(Interlock, TokensAreSingleUse) {
  auto il = make();
  EmulatedStimulator stim;
  auto d = il.review(input(0, 0.2f), 0);
  ASSERT_TRUE(d.approved.has_value());
  ApprovedStimulus tok = std::move(*d.approved);
  EXPECT_FALSE(d.approved->valid());  // moved-from is spent
  EXPECT_FALSE(stim.deliver(std::move(*d.approved)).is_ok());
  EXPECT_TRUE(stim.deliver(std::move(tok)).is_ok());
  EXPECT_FALSE(stim.deliver(std::move(tok)).is_ok());
  EXPECT_EQ(stim.delivered().size(), 1u);
}

// The flood: adversarial weights, electrodes and timing. Nothing delivered may exceed a limit,
// and every request is accounted for exactly once.
TEST(Interlock, FloodNeverExceedsLimitsAndCountsEveryRefusal) {
  for (auto policy : {ViolationPolicy::clamp, ViolationPolicy::refuse}) {
    StimLimits l;
    l.policy = policy;
    l.max_rate_hz = 50;
    l.global_rate_hz = 500;
    StimMapping m;
    m.amplitude_max = 1e-3;  // mapping far beyond every limit
    m.weight_to_width = true;
    m.width_max_s = l.max_width_s;
    auto il = make(l, m);
    EmulatedStimulator stim;
    Rng rng(42);
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(),
                              -1.0f,
                              -0.0f,
                              0.0f,
                              1.0f,
                              1e30f,
                              2.0f,
                              std::numeric_limits<float>::max(),
                              std::numeric_limits<float>::denorm_min()};
    uint64_t approved = 0, refused_records = 0;
    Time t = 0;
    constexpr int kRequests = 200000;
    for (int i = 0; i < kRequests; ++i) {
      t += static_cast<Time>(rng.below(200'000));  // bursts: 0–200 µs apart
      if (rng.bernoulli(0.001)) t -= 1'000'000;    // occasional clock step back
      const float w = rng.bernoulli(0.3) ? specials[rng.below(std::size(specials))]
                                         : static_cast<float>(rng.uniform(-0.5, 1.5));
      const int64_t e = rng.bernoulli(0.1) ? static_cast<int64_t>(rng.below(200000)) - 100000
                                           : static_cast<int64_t>(rng.below(l.electrode_count));
      SynapticInput in = input(0, w);
      auto d = il.review(in, e, t);
      if (d.approved) {
        ++approved;
        ASSERT_TRUE(pulse_within_limits(d.approved->pulse(), l));
        ASSERT_LE(d.approved->pulse().charge_c, l.charge_limit_c());
        ASSERT_LE(d.approved->pulse().amplitude, l.max_amplitude);
        ASSERT_TRUE(stim.deliver(std::move(*d.approved)).is_ok());
      } else {
        ++refused_records;
        ASSERT_EQ(d.record.outcome, StimulusOutcome::refused);
        ASSERT_NE(d.reason, Refusal::none);
      }
    }
    const auto& c = il.counters();
    EXPECT_EQ(c.requests, static_cast<uint64_t>(kRequests));
    EXPECT_EQ(c.delivered + c.clamped, approved);
    EXPECT_EQ(c.refused, refused_records);
    uint64_t sum = 0;
    for (auto n : c.by_reason) sum += n;
    EXPECT_EQ(sum, c.refused);
    EXPECT_GT(c.of(Refusal::bad_weight), 0u);
    EXPECT_GT(c.of(Refusal::bad_electrode), 0u);
    EXPECT_GT(c.of(Refusal::electrode_rate), 0u);
    EXPECT_GT(c.of(Refusal::global_rate), 0u);
    EXPECT_GT(c.of(Refusal::time_reversal), 0u);
    EXPECT_EQ(c.of(Refusal::internal), 0u);
    EXPECT_GT(approved, 0u);
    // Rate limits hold on what was actually delivered.
    std::vector<Time> last(l.electrode_count, std::numeric_limits<Time>::min());
    for (const auto& s : stim.delivered()) {
      ASSERT_TRUE(pulse_within_limits(s, l));
      if (last[s.electrode] != std::numeric_limits<Time>::min()) {
        ASSERT_GE(s.t - last[s.electrode], 20'000'000);
      }
      last[s.electrode] = s.t;
    }
    if (policy == ViolationPolicy::refuse) {
      EXPECT_EQ(c.clamped, 0u);
    } else {
      EXPECT_GT(c.clamped, 0u);
    }
  }
}

TEST(Interlock, VoltageModeUsesCapacitance) {
  StimLimits l;
  l.mode = StimMode::voltage;
  l.max_amplitude = 0.9;     // V
  l.capacitance_f = 0.2e-9;  // 0.2 nF → 0.9 V = 0.18 nC
  StimMapping m;
  m.amplitude_min = 0.4;
  m.amplitude_max = 2.0;
  auto il = make(l, m);
  auto d = il.review(input(0, 1.0f), 0);
  ASSERT_TRUE(d.approved.has_value());
  EXPECT_EQ(d.record.outcome, StimulusOutcome::clamped);
  EXPECT_LE(d.record.amplitude, 0.9f);
  EXPECT_NEAR(d.record.charge_c, 0.2e-9 * d.record.amplitude, 1e-15);
}
