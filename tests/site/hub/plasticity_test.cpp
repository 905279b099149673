// SPDX-License-Identifier: Apache-2.0
#include "site/hub/plasticity.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "site/hub/event_orderer.hpp"
#include "site/hub/weight_map.hpp"

using namespace ion;
using namespace ion::hub;
using namespace ion::literals;

namespace {
// The rule keeps a reference to its parameters (PlasticityRule), so they are static here.
const RuleParams& srdp() {
  static const RuleParams kParams = [] {
    RuleParams p;
    p.kind = RuleKind::srdp;
    p.window_ns = 1_s;
    p.ltp_above = 20;
    p.ltd_below = 5;
    return p;
  }();
  return kParams;
}
// Feeds `n` pre spikes evenly over the second before t_post and returns the post decision.
PlasticityAction srdp_after(int n, Time t_post) {
  PlasticityRule r(srdp());
  for (int i = 0; i < n; ++i) r.on_pre(t_post - 1_s + (i + 1) * (1_s / (n + 1)));
  return r.on_post(t_post);
}
}  // namespace

TEST(WeightMap, LinearClippedLowResistanceStrong) {
  WeightMap m{4000, 9000, true};
  EXPECT_FLOAT_EQ(m.weight(4000), 1.0f);
  EXPECT_FLOAT_EQ(m.weight(9000), 0.0f);
  EXPECT_FLOAT_EQ(m.weight(6500), 0.5f);
  EXPECT_FLOAT_EQ(m.weight(100), 1.0f);
  EXPECT_FLOAT_EQ(m.weight(1e9), 0.0f);
}

TEST(WeightMap, PolarityAndFailedReads) {
  WeightMap m{4000, 9000, false};
  EXPECT_FLOAT_EQ(m.weight(9000), 1.0f);
  EXPECT_FLOAT_EQ(m.weight(std::nan("")), 0.0f);
  EXPECT_FLOAT_EQ(m.weight(-5), 0.0f);
  EXPECT_FLOAT_EQ(m.weight(INFINITY), 0.0f);
  WeightMap degenerate{5000, 5000, true};
  EXPECT_FLOAT_EQ(degenerate.weight(5000), 0.0f);
}

TEST(Srdp, ThresholdsAsReferenceHub) {
  EXPECT_EQ(srdp_after(21, 10_s), PlasticityAction::potentiate);
  EXPECT_EQ(srdp_after(20, 10_s), PlasticityAction::read);
  EXPECT_EQ(srdp_after(5, 10_s), PlasticityAction::read);
  EXPECT_EQ(srdp_after(4, 10_s), PlasticityAction::depress);
  EXPECT_EQ(srdp_after(0, 10_s), PlasticityAction::depress);
}

TEST(Srdp, WindowForgetsOldSpikes) {
  PlasticityRule r(srdp());
  for (int i = 0; i < 30; ++i) r.on_pre(i * 10_ms);  // 30 spikes in [0, 290 ms]
  EXPECT_EQ(r.pre_count(500_ms), 30);
  EXPECT_EQ(r.pre_count(1100_ms), 20);  // spikes at 100..290 ms remain
  EXPECT_EQ(r.on_post(2_s), PlasticityAction::depress);
}

TEST(Srdp, NoDecisionWhileTheFirstWindowIsFilling) {
  // Experiment time starts at 0: a window [t - 1 s, t) with t < 1 s was not fully observed.
  PlasticityRule fresh(srdp());
  EXPECT_FALSE(fresh.history_complete(999_ms));
  EXPECT_EQ(fresh.on_post(200_ms), PlasticityAction::read);  // 0 pre spikes, but only 200 ms seen
  PlasticityRule r(srdp());
  for (int i = 0; i < 25; ++i) r.on_pre(i * 20_ms);  // 25 spikes in [0, 480 ms]: a 50 Hz burst
  EXPECT_EQ(r.on_post(900_ms), PlasticityAction::read);
  EXPECT_TRUE(r.history_complete(1_s));
  EXPECT_EQ(r.on_post(1_s), PlasticityAction::potentiate);
}

TEST(Srdp, PreSpikeAtPostTimeIsNotCounted) {
  PlasticityRule r(srdp());
  r.on_pre(1_s);
  EXPECT_EQ(r.pre_count(1_s), 0);
  EXPECT_EQ(r.pre_count(1_s + 1), 1);
}

TEST(Stdp, PairsWithinWindows) {
  RuleParams p;
  p.kind = RuleKind::stdp;
  PlasticityRule r(p);
  EXPECT_EQ(r.on_pre(100_ms), PlasticityAction::read);
  EXPECT_EQ(r.on_post(110_ms), PlasticityAction::potentiate);
  EXPECT_EQ(r.on_pre(125_ms), PlasticityAction::depress);
  EXPECT_EQ(r.on_post(200_ms), PlasticityAction::read);
  EXPECT_EQ(r.on_pre(300_ms), PlasticityAction::read);
}

TEST(NoRule, NeverPulses) {
  const RuleParams none;
  PlasticityRule r(none);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(r.on_pre(i * 1_ms), PlasticityAction::read);
  EXPECT_EQ(r.on_post(60_ms), PlasticityAction::read);
}

TEST(EventOrderer, ReleasesInTrueOrderAfterHorizon) {
  EventOrderer o(50_ms);
  std::vector<Time> out;
  auto collect = [&](const Spike& s) { out.push_back(s.t); };
  EXPECT_TRUE(o.push(Spike{{1, 0}, 30_ms}));
  EXPECT_TRUE(o.push(Spike{{2, 0}, 10_ms}));  // arrives later, happened earlier
  EXPECT_TRUE(o.push(Spike{{1, 1}, 20_ms}));
  o.release(65_ms, collect);
  EXPECT_EQ(out, (std::vector<Time>{10_ms}));
  o.release(100_ms, collect);
  EXPECT_EQ(out, (std::vector<Time>{10_ms, 20_ms, 30_ms}));
  EXPECT_EQ(o.pending(), 0u);
}

TEST(EventOrderer, CountsSpikesTooLateToOrder) {
  EventOrderer o(10_ms);
  o.push(Spike{{1, 0}, 100_ms});
  o.release(200_ms, [](const Spike&) {});
  EXPECT_FALSE(o.push(Spike{{2, 0}, 90_ms}));
  EXPECT_EQ(o.late(), 1u);
  EXPECT_TRUE(o.push(Spike{{2, 0}, 100_ms}));  // equal time is still in order
  int n = 0;
  o.drain([&](const Spike&) { ++n; });
  EXPECT_EQ(n, 1);
}
