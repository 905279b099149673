// SPDX-License-Identifier: Apache-2.0
// The bio site of the built-in three-neuron experiment becomes a running BioRole.
#include "site/bio/experiment_config.hpp"

#include <gtest/gtest.h>

#include "experiment/builtin.hpp"

using namespace ion;

namespace {
struct CountingHost : site::RoleHost {
  size_t spikes = 0, stimuli = 0;
  std::vector<Stimulus> records;
  void emit_spike(const Spike&) override { ++spikes; }
  void emit_input(const SynapticInput&) override {}
  void record_stimulus(const Stimulus& s) override { records.push_back(s); }
  void record_weight(const WeightUpdate&) override {}
  void record_note(std::string_view) override {}
  Rng rng(std::string_view stream) const override { return Rng::stream(5, stream); }
};
}  // namespace

TEST(BioExperiment, BuiltinPadovaSiteMapsToACultureAndVoltageModeInterlock) {
  auto e = experiment::builtin_experiment();
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  const auto* site = e->find_site("padova");
  ASSERT_NE(site, nullptr);
  auto cfg = bio::bio_config_from_experiment(*e, *site);
  ASSERT_TRUE(cfg.is_ok()) << cfg.status().to_string();
  ASSERT_TRUE(cfg->culture.has_value());
  EXPECT_EQ(cfg->culture->channels, 1u);
  EXPECT_EQ(cfg->culture->neurons_per_electrode, 1u);
  EXPECT_EQ(cfg->culture->model, "hh-hippocampal");
  EXPECT_EQ(cfg->limits.mode, bio::StimMode::voltage);
  EXPECT_EQ(cfg->limits.material, bio::ElectrodeMaterial::titanium_dioxide);
  EXPECT_DOUBLE_EQ(cfg->limits.max_amplitude, 1.0);
  EXPECT_NEAR(cfg->limits.capacitance_f, 1e-10, 1e-16);  // 5 µF/cm² × 2000 µm²

  CountingHost host;
  auto role = bio::make_bio_role(*e, *site, host);
  ASSERT_TRUE(role.is_ok()) << role.status().to_string();
  for (Time t = 0; t <= kSecond; t += 10 * kMillisecond) {
    (*role)->advance(t);
    SynapticInput in;
    in.post = {site->id, 0};
    in.weight = 2.0f;  // above 1: the built-in site refuses (policy refuse)
    if (t % (100 * kMillisecond) == 0) (*role)->on_input(in);
  }
  ASSERT_EQ(host.records.size(), 11u);
  // BN is "spontaneous = 1Hz": the drive was calibrated to that rate (1 neuron, 1 s: a few spikes).
  auto* bio_role = dynamic_cast<bio::BioRole*>(role->get());
  ASSERT_NE(bio_role, nullptr);
  std::printf("neuron spikes %llu, detected %zu, drive %.3g A\n",
              static_cast<unsigned long long>(bio_role->culture()->neuron_spikes()), host.spikes,
              cfg->culture->drive_mean_a);
  EXPECT_LE(bio_role->culture()->neuron_spikes(), 6u);  // ~1 Hz for 1 s (uncalibrated: ~20 Hz)
  EXPECT_LT(cfg->culture->drive_mean_a, 0.0);           // hh-hippocampal is tonic at rest: needs inhibition
  for (const auto& s : host.records) EXPECT_EQ(s.outcome, StimulusOutcome::refused);
}
