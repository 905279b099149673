// SPDX-License-Identifier: Apache-2.0
// The bio Role driven synchronously by a fake host: spikes out, stimuli through the interlock.
#include "site/bio/bio_role.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace ion;
using namespace ion::bio;

namespace {
struct FakeHost : site::RoleHost {
  std::vector<Spike> spikes;
  std::vector<Stimulus> stimuli;
  std::vector<std::string> notes;
  void emit_spike(const Spike& s) override { spikes.push_back(s); }
  void emit_input(const SynapticInput&) override {}
  void record_stimulus(const Stimulus& s) override { stimuli.push_back(s); }
  void record_weight(const WeightUpdate&) override {}
  void record_note(std::string_view t) override { notes.emplace_back(t); }
  Rng rng(std::string_view stream) const override { return Rng::stream(99, stream); }
};

BioRoleConfig culture_config() {
  BioRoleConfig c;
  c.site = 2;
  CultureConfig cc;
  cc.channels = 9;
  cc.seed = 0;  // from the host
  c.culture = cc;
  return c;
}
}  // namespace

TEST(BioRole, EmitsDetectedSpikesWithSiteAddressesAndTimesUpToNow) {
  FakeHost host;
  auto role = BioRole::create(culture_config(), host);
  ASSERT_TRUE(role.is_ok()) << role.status().to_string();
  for (Time t = 0; t <= 3 * kSecond; t += 7 * kMillisecond) (*role)->advance(t);
  ASSERT_GT(host.spikes.size(), 30u);
  Time prev_max = 0;
  for (const auto& s : host.spikes) {
    EXPECT_EQ(s.source.site, 2);
    EXPECT_LT(s.source.index, 9u);
    EXPECT_LE(s.t, 3 * kSecond);
    EXPECT_EQ(s.kind, SpikeKind::spontaneous);
    prev_max = std::max(prev_max, s.t);
  }
  EXPECT_GT(prev_max, 2 * kSecond);
  EXPECT_EQ((*role)->spikes_emitted(), host.spikes.size());
}

TEST(BioRole, InputsGoThroughTheInterlockAndEvokeSpikes) {
  FakeHost host;
  auto cfg = culture_config();
  cfg.culture->drive_mean_a = 0.3e-9;  // quiet culture: evoked spikes stand out
  cfg.culture->drive_sd_a = 0.05e-9;
  auto role = BioRole::create(std::move(cfg), host);
  ASSERT_TRUE(role.is_ok()) << role.status().to_string();
  const float weights[] = {1.0f, std::numeric_limits<float>::quiet_NaN(), -1.0f, 1.0f};
  Time t = 0;
  for (int k = 0; k < 40; ++k) {
    t += 50 * kMillisecond;
    (*role)->advance(t);
    SynapticInput in;
    in.post = {2, static_cast<uint32_t>(k % 2 ? 4 : 40)};  // electrode 40 does not exist
    in.weight = weights[k % 4];
    (*role)->on_input(in);
  }
  (*role)->advance(t + 100 * kMillisecond);
  ASSERT_EQ(host.stimuli.size(), 40u);
  const auto& c = (*role)->interlock_counters();
  EXPECT_EQ(c.requests, 40u);
  EXPECT_EQ(c.of(Refusal::bad_electrode), 20u);
  EXPECT_EQ(c.of(Refusal::bad_weight), 10u + 0u);  // NaN on odd k: k % 4 == 1
  EXPECT_EQ(c.delivered, 10u);                     // weight 1.0 on electrode 4 (k % 4 == 3)
  size_t evoked = 0;
  for (const auto& s : host.spikes) evoked += s.kind == SpikeKind::evoked && s.source.index == 4;
  EXPECT_GE(evoked, 5u);
  site::RoleStatus st;
  (*role)->status(st);
  ASSERT_TRUE(st.interlock.has_value());
  EXPECT_EQ(st.interlock->ok, 10u);
  EXPECT_EQ(st.interlock->refused, c.refused);
}

TEST(BioRole, RequiresExactlyOneSource) {
  FakeHost host;
  BioRoleConfig none;
  auto r = BioRole::create(std::move(none), host);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("exactly one signal source"), std::string::npos);
}
