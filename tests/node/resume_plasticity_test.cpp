// SPDX-License-Identifier: Apache-2.0
// A resumed hub withholds SRDP decisions until it has observed one full window after the restart.
#include <gtest/gtest.h>

#include "site/hub/plasticity.hpp"

using namespace ion;
using namespace ion::hub;

namespace {

// The rule keeps a reference to its parameters (PlasticityRule), so they are static here.
const RuleParams& srdp() {
  static const RuleParams kParams = [] {
    RuleParams p;
    p.kind = RuleKind::srdp;
    p.window_ns = kSecond;
    p.ltp_above = 2;
    p.ltd_below = 1;
    return p;
  }();
  return kParams;
}

// Five pre spikes 100 ms apart from `from`, then a post spike 100 ms after the last.
PlasticityAction burst_then_post(PlasticityRule& r, Time from) {
  for (int i = 0; i < 5; ++i) r.on_pre(from + i * 100 * kMillisecond);
  return r.on_post(from + 500 * kMillisecond);
}

}  // namespace

TEST(ResumePlasticity, FreshRuleDecidesAtOnce) {
  PlasticityRule r(srdp());
  EXPECT_EQ(burst_then_post(r, 10 * kSecond), PlasticityAction::potentiate);
}

TEST(ResumePlasticity, ResumedRuleWithholdsUntilAWholeWindowWasSeen) {
  PlasticityRule r(srdp());
  r.history_starts(10 * kSecond);
  EXPECT_FALSE(r.history_complete(10 * kSecond + 500 * kMillisecond));
  EXPECT_EQ(burst_then_post(r, 10 * kSecond), PlasticityAction::read);  // window reaches before 10 s
  EXPECT_TRUE(r.history_complete(11 * kSecond));
  EXPECT_EQ(burst_then_post(r, 11 * kSecond), PlasticityAction::potentiate);
}

TEST(ResumePlasticity, StdpIsUnaffected) {
  RuleParams p;
  p.kind = RuleKind::stdp;
  PlasticityRule r(p);
  r.history_starts(10 * kSecond);
  EXPECT_TRUE(r.history_complete(10 * kSecond));
  r.on_pre(10 * kSecond);
  EXPECT_EQ(r.on_post(10 * kSecond + 5 * kMillisecond), PlasticityAction::potentiate);
}
