// SPDX-License-Identifier: Apache-2.0
// Synapse banks (exponential, alpha, DPI) against their closed forms; the DPI neuron's f–I curve
// and adaptation.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "neuron/model.hpp"
#include "neuron/population.hpp"
#include "neuron/synapses.hpp"

namespace ion::neuron {
namespace {

TEST(DpiSynapse, TimeConstantAndPulseIncrementMatchClosedForms) {
  SynapseParams p;
  p.kind = SynapseKind::dpi;
  p.c_f = 2e-12;
  p.i_tau_a = 7e-12;
  p.i_th_a = 70e-12;
  p.i_w_a = 100e-12;
  p.t_pulse_s = 1e-3;
  const double tau = 2e-12 * 25e-3 / (0.7 * 7e-12);
  EXPECT_NEAR(p.tau(), tau, 1e-15);
  auto bank = SynapseBank::create(p, 2, 1e-4).value();
  bank.on_spike(1, 0.5);
  const double jump = 70e-12 * 0.5 * 100e-12 / 7e-12 * (1 - std::exp(-1e-3 / tau));
  EXPECT_NEAR(bank.current()[1], jump, 1e-20);
  EXPECT_EQ(bank.current()[0], 0.0);
  for (int k = 0; k < 100; ++k) bank.step();  // 10 ms
  EXPECT_NEAR(bank.current()[1], jump * std::exp(-10e-3 / tau), 1e-18);
  bank.on_spike(1, 1.0);  // linear summation
  EXPECT_NEAR(bank.current()[1], jump * std::exp(-10e-3 / tau) + 2 * jump, 1e-18);
}

TEST(ExponentialSynapse, DecaysExactly) {
  SynapseParams p;
  p.tau_s = 5e-3;
  auto bank = SynapseBank::create(p, 1, 1e-4).value();
  bank.on_spike(0, 1e-9);
  for (int k = 0; k < 50; ++k) bank.step();
  EXPECT_NEAR(bank.current()[0], 1e-9 * std::exp(-1.0), 1e-21);
}

TEST(AlphaSynapse, PeaksAtTauWithTheWeight) {
  SynapseParams p;
  p.kind = SynapseKind::alpha;
  p.tau_s = 5e-3;
  auto bank = SynapseBank::create(p, 1, 1e-4).value();
  bank.on_spike(0, 1e-9);
  double peak = 0;
  int peak_step = 0;
  for (int k = 1; k <= 300; ++k) {
    bank.step();
    if (bank.current()[0] > peak) peak = bank.current()[0], peak_step = k;
    const double t = k * 1e-4;
    EXPECT_NEAR(bank.current()[0], 1e-9 * (t / 5e-3) * std::exp(1 - t / 5e-3), 1e-18);
  }
  EXPECT_EQ(peak_step, 50);
  EXPECT_NEAR(peak, 1e-9, 1e-15);
}

TEST(Synapses, RejectBadParameters) {
  SynapseParams p;
  p.tau_s = 0;
  auto r = SynapseBank::create(p, 1, 1e-4);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("time constant must be > 0"), std::string::npos);
  p.tau_s = 1e-3;
  EXPECT_FALSE(SynapseBank::create(p, 1, 0).is_ok());
}

std::vector<Time> dpi_spikes(double i_a, Duration duration) {
  auto pop = Population::create(*find_model("dpi").value(), 1, 100'000).value();
  pop.input_current()[0] = i_a;
  std::vector<Time> t;
  for (int64_t k = 0; k < duration / pop.dt(); ++k) {
    pop.step();
    if (!pop.spikes().empty()) t.push_back(pop.last_step_time());
  }
  return t;
}

TEST(DpiNeuron, FiCurveIsMonotonic) {
  size_t prev = 0;
  std::vector<size_t> counts;
  for (double i_pa : {5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0}) {
    size_t n = dpi_spikes(i_pa * 1e-12, kSecond).size();
    counts.push_back(n);
    EXPECT_GE(n, prev) << "at " << i_pa << " pA";
    prev = n;
  }
  EXPECT_GT(counts.back(), counts[1] + 100);
}

TEST(DpiNeuron, AdaptationLengthensIntervals) {
  auto t = dpi_spikes(40e-12, kSecond);
  ASSERT_GE(t.size(), 10u);
  EXPECT_GT(t.back() - t[t.size() - 2], (t[1] - t[0]) * 5 / 4);
}

TEST(DpiNeuron, SilentWithoutInputAndShuntingInhibits) {
  EXPECT_TRUE(dpi_spikes(0, kSecond).empty());
  auto pop = Population::create(*find_model("dpi").value(), 2, 100'000).value();
  pop.state("I_shunt").value()[1] = 20e-12;
  for (double& x : pop.input_current()) x = 40e-12;
  size_t n[2] = {0, 0};
  for (int k = 0; k < 10000; ++k) {
    pop.step();
    for (uint32_t i : pop.spikes()) ++n[i];
  }
  EXPECT_GT(n[0], n[1]);
}

}  // namespace
}  // namespace ion::neuron
