// SPDX-License-Identifier: Apache-2.0
// The silicon role built from an experiment (the built-in three-neuron experiment): pacemaker
// drive, weighted inputs, and configuration errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "experiment/builtin.hpp"
#include "experiment/known_models.hpp"
#include "experiment/load.hpp"
#include "neuron/model.hpp"
#include "site/silicon/silicon_role.hpp"

namespace ion::silicon {
namespace {

struct FakeHost : site::RoleHost {
  std::vector<Spike> spikes;
  std::vector<std::string> notes;
  void emit_spike(const Spike& s) override { spikes.push_back(s); }
  void emit_input(const SynapticInput&) override {}
  void record_stimulus(const Stimulus&) override {}
  void record_weight(const WeightUpdate&) override {}
  void record_note(std::string_view text) override { notes.emplace_back(text); }
  Rng rng(std::string_view stream) const override { return Rng::stream(1, stream); }
  size_t count(uint32_t index, Time from, Time to) const {
    size_t n = 0;
    for (const auto& s : spikes) n += s.source.index == index && s.t >= from && s.t < to;
    return n;
  }
};

const experiment::Site& zurich(const experiment::Experiment& e) { return *e.find_site("zurich"); }

TEST(SiliconRole, PacemakerFollowsTheSchedule) {
  auto e = experiment::builtin_experiment().value();
  experiment::scale_duration(e, 4 * kSecond);  // phases of 1 s: 10 Hz, 30 Hz, 10 Hz, 2 Hz
  FakeHost host;
  auto role = make_silicon_role(e, zurich(e), host);
  ASSERT_TRUE(role.is_ok()) << role.status().to_string();
  (*role)->advance(2 * kSecond);
  const uint32_t anpre = e.find_neuron("ANpre")->addr.index;
  EXPECT_EQ(host.count(anpre, 0, kSecond), 10u);            // 10 Hz phase
  EXPECT_EQ(host.count(anpre, kSecond, 2 * kSecond), 30u);  // 30 Hz phase
  for (const auto& s : host.spikes) EXPECT_EQ(s.source.site, zurich(e).id);
}

TEST(SiliconRole, StrongInputsMakeThePostNeuronFireWeakOnesDoNot) {
  auto e = experiment::builtin_experiment().value();
  for (auto& n : e.neurons)
    if (n.name == "ANpost") n.spontaneous_hz = 0;  // its background firing off: the inputs alone count here
  const uint32_t anpost = e.find_neuron("ANpost")->addr.index;
  for (float w : {1.0f, 0.05f}) {
    FakeHost host;
    auto role = make_silicon_role(e, zurich(e), host).value();
    for (int k = 0; k < 10; ++k) {  // ten inputs, 100 ms apart
      Time t = k * 100 * kMillisecond;
      role->advance(t);
      role->on_input(SynapticInput{NeuronAddr{zurich(e).id, anpost}, 1, w, t});
    }
    role->advance(kSecond);
    const size_t n = host.count(anpost, 0, kSecond);
    if (w > 0.5f) EXPECT_GE(n, 10u) << "weight " << w;
    else EXPECT_EQ(n, 0u) << "weight " << w;
  }
}

// The loader refuses these files already (tests/experiment/bounds_test.cpp); the role refuses
// them too when handed such a model directly (defence in depth).
TEST(SiliconRole, RejectsNonDpiModelsAndBadParameters) {
  auto e1 = experiment::builtin_experiment();
  ASSERT_TRUE(e1.is_ok()) << e1.status().to_string();
  e1->neurons[0].model = "lif";
  FakeHost host;
  auto r1 = make_silicon_role(*e1, zurich(*e1), host);
  ASSERT_FALSE(r1.is_ok());
  EXPECT_NE(r1.status().message().find("neuron ANpre: model \"lif\" is not available"), std::string::npos)
      << r1.status().message();
  auto e2 = experiment::builtin_experiment();
  ASSERT_TRUE(e2.is_ok()) << e2.status().to_string();
  e2->neurons[0].params["I_tau"].value = std::string("3nS");
  auto r2 = make_silicon_role(*e2, zurich(*e2), host);
  ASSERT_FALSE(r2.is_ok());
  EXPECT_NE(r2.status().message().find("I_tau"), std::string::npos) << r2.status().message();
  EXPECT_NE(r2.status().message().find("current"), std::string::npos) << r2.status().message();
}

TEST(SiliconRole, NeuronRegistryMatchesTheExperimentSchema) {
  std::vector<std::string> registry, schema;
  for (const neuron::ModelDef* m : neuron::all_models()) registry.push_back(m->name);
  for (std::string_view n : experiment::neuron_model_names()) schema.emplace_back(n);
  EXPECT_EQ(registry, schema);
}

}  // namespace
}  // namespace ion::silicon
