// SPDX-License-Identifier: Apache-2.0
// Silicon chip emulator in SimEnv (label sim): determinism, weight direction, event exactness,
// fan-in bounds and input validation.
#include <gtest/gtest.h>

#include <vector>

#include "env/sim_world.hpp"
#include "neuron/drives.hpp"
#include "site/silicon/chip.hpp"
#include "site/silicon/runner.hpp"

namespace ion::silicon {
namespace {

struct RunResult {
  std::vector<Spike> spikes;
  ChipStats chip;
  RunnerStats runner;
  uint64_t digest = 0xCBF29CE484222325ULL;
};

// 4 × 256 DPI neurons, 16 random recurrent inputs each (12 AMPA, 4 GABA), Poisson external
// inputs at rate_hz per neuron with the given weight, for `duration` of simulated time.
RunResult run_chip(uint64_t seed, float input_weight, Duration duration = 500 * kMillisecond,
                   Duration tick = kMillisecond, double rate_hz = 100) {
  SimWorld world(SimWorldOptions{seed, ""});
  SimEnv& env = *world.add_node("silicon").value();
  RunResult r;
  ChipConfig cfg = ChipConfig::defaults();
  cfg.site = 2;
  auto chip = Chip::create(cfg, [&](const Spike& s) {
                r.spikes.push_back(s);
                for (uint64_t v : {static_cast<uint64_t>(s.t), static_cast<uint64_t>(s.source.index)})
                  r.digest = (r.digest ^ v) * 0x100000001B3ULL;
              }).value();
  Rng topo = env.rng("topology");
  for (uint32_t post = 0; post < chip.size(); ++post)
    for (int k = 0; k < 16; ++k) {
      auto pre = static_cast<uint32_t>(topo.below(chip.size()));
      EXPECT_TRUE(chip.connect(pre, post, k < 12 ? SynType::ampa : SynType::gaba, 0.3f).is_ok());
    }
  ChipRunner runner(env, chip, tick);
  runner.start();
  Rng input_rng = env.rng("inputs");
  for (uint32_t i = 0; i < chip.size(); ++i)
    for (Time t : neuron::poisson_train(rate_hz, 0, duration, input_rng))
      world.schedule_at(t, [&runner, i, t, input_weight] {
        EXPECT_TRUE(runner.on_input(SynapticInput{NeuronAddr{2, i}, 0, input_weight, t}).is_ok());
      });
  world.run_until(duration);
  r.chip = chip.stats();
  r.runner = runner.stats();
  return r;
}

TEST(SiliconChip, FourCoresAreDeterministicForASeed) {
  RunResult a = run_chip(5, 0.6f), b = run_chip(5, 0.6f), c = run_chip(6, 0.6f);
  ASSERT_GT(a.spikes.size(), 1000u);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.spikes.size(), b.spikes.size());
  EXPECT_NE(a.digest, c.digest);
  EXPECT_GT(a.chip.recurrent_deliveries, 0u);
  EXPECT_EQ(a.chip.inputs_rejected, 0u);
  EXPECT_EQ(a.runner.late_ticks, 0u);  // SimEnv: every tick on time
  EXPECT_EQ(a.runner.max_lag_ns, 0);
  for (const Spike& s : a.spikes) EXPECT_EQ(s.source.site, 2);
}

TEST(SiliconChip, InputWeightsScaleResponseRates) {
  size_t low = run_chip(5, 0.2f).spikes.size();
  size_t mid = run_chip(5, 0.5f).spikes.size();
  size_t high = run_chip(5, 1.0f).spikes.size();
  EXPECT_LT(low, mid);
  EXPECT_LT(mid, high);
  EXPECT_GT(high, low * 3 / 2);
}

TEST(SiliconChip, EventExactIndependentOfTheTick) {
  RunResult a = run_chip(7, 0.6f, 200 * kMillisecond, kMillisecond);
  RunResult b = run_chip(7, 0.6f, 200 * kMillisecond, 370 * kMicrosecond);
  ASSERT_GT(a.spikes.size(), 100u);
  EXPECT_EQ(a.digest, b.digest);
}

TEST(SiliconChip, FanInIsBoundedAndInputsValidated) {
  ChipConfig cfg = ChipConfig::defaults();
  cfg.cores = 1;
  cfg.max_fan_in = 4;
  auto chip = Chip::create(cfg, [](const Spike&) {}).value();
  EXPECT_EQ(chip.size(), 256u);
  for (uint32_t k = 0; k < 4; ++k) EXPECT_TRUE(chip.connect(k, 10, SynType::nmda, 0.5f).is_ok());
  Status full = chip.connect(5, 10, SynType::ampa, 0.5f);
  EXPECT_NE(full.message().find("already has 4 input synapses"), std::string::npos);
  EXPECT_FALSE(chip.connect(0, 256, SynType::ampa, 0.5f).is_ok());
  EXPECT_FALSE(chip.connect(0, 1, SynType::ampa, 1.5f).is_ok());
  // External inputs need a free slot too.
  EXPECT_FALSE(chip.on_input(SynapticInput{NeuronAddr{0, 10}, 0, 0.5f, 0}).is_ok());
  EXPECT_FALSE(chip.on_input(SynapticInput{NeuronAddr{0, 999}, 0, 0.5f, 0}).is_ok());
  EXPECT_FALSE(chip.on_input(SynapticInput{NeuronAddr{0, 1}, 0, -0.1f, 0}).is_ok());
  EXPECT_TRUE(chip.on_input(SynapticInput{NeuronAddr{0, 1}, 0, 0.5f, 0}).is_ok());
  EXPECT_EQ(chip.stats().inputs_rejected, 3u);
  chip.advance(kMillisecond);
  EXPECT_EQ(chip.stats().inputs_applied, 1u);
  EXPECT_EQ(chip.stats().steps, 10u);
  EXPECT_NE(parse_syn_type("ampx").status().message().find("unknown synapse type"), std::string::npos);
  ChipConfig bad = ChipConfig::defaults();
  bad.cores = 0;
  EXPECT_FALSE(Chip::create(bad, [](const Spike&) {}).is_ok());
  bad = ChipConfig::defaults();
  bad.dt_ns = 10 * kMillisecond;
  EXPECT_NE(Chip::create(bad, [](const Spike&) {}).status().message().find("too large"), std::string::npos);
}

// A pacemaker neuron spikes in the step that contains each of its times, and its I_mem is reset
// to its own I_reset (parameters may differ per neuron).
TEST(SiliconChip, PacemakersFireOnTimeAndResetToTheirOwnIReset) {
  ChipConfig cfg = ChipConfig::defaults();
  cfg.cores = 1;
  std::vector<Spike> spikes;
  auto chip = Chip::create(cfg, [&](const Spike& s) { spikes.push_back(s); }).value();
  auto i_reset = chip.population().param("I_reset").value();
  i_reset[3] = 2e-12;
  i_reset[7] = 7e-12;
  ASSERT_TRUE(chip.add_pacemaker(3, {1 * kMillisecond + 50 * kMicrosecond, 5 * kMillisecond}).is_ok());
  ASSERT_TRUE(chip.add_pacemaker(7, {2 * kMillisecond}).is_ok());
  const double* i_mem = chip.population().state_column(0).data();
  chip.advance(1 * kMillisecond + 100 * kMicrosecond);  // through the step [1.0, 1.1) ms
  EXPECT_EQ(i_mem[3], 2e-12);
  chip.advance(2 * kMillisecond + 100 * kMicrosecond);
  EXPECT_EQ(i_mem[7], 7e-12);
  chip.advance(6 * kMillisecond);
  std::vector<std::pair<uint32_t, Time>> got;
  for (const Spike& s : spikes) got.emplace_back(s.source.index, s.t);
  EXPECT_EQ(got, (std::vector<std::pair<uint32_t, Time>>{
                     {3, 1 * kMillisecond}, {7, 2 * kMillisecond}, {3, 5 * kMillisecond}}));
}

TEST(SiliconChip, InhibitionLowersTheRate) {
  auto rate = [](SynType type) {
    ChipConfig cfg = ChipConfig::defaults();
    cfg.cores = 1;
    size_t spikes = 0;
    auto chip = Chip::create(cfg, [&](const Spike& s) { spikes += s.source.index == 1; }).value();
    EXPECT_TRUE(chip.connect(0, 1, type, 1.0f).is_ok());
    for (int k = 0; k < 2000; ++k) {  // 200 Hz to both neurons for 1 s
      Time t = k * 500 * kMicrosecond;
      EXPECT_TRUE(chip.on_input(SynapticInput{NeuronAddr{0, 0}, 0, 1.0f, t}).is_ok());
      EXPECT_TRUE(chip.on_input(SynapticInput{NeuronAddr{0, 1}, 0, 0.6f, t}).is_ok());
      chip.advance(t + 500 * kMicrosecond);
    }
    return spikes;
  };
  size_t excit = rate(SynType::ampa), sub = rate(SynType::gaba), shunt = rate(SynType::shunt);
  EXPECT_GT(excit, sub);
  EXPECT_GT(excit, shunt);
}

}  // namespace
}  // namespace ion::silicon
