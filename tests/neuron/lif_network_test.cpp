// SPDX-License-Identifier: Apache-2.0
// LifCubaNetwork: exact joint integration, threshold/reset/refractoriness, synaptic propagation,
// bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/prng.hpp"
#include "neuron/lif_network.hpp"

namespace ion::neuron {
namespace {

CsrSynapses one_synapse(size_t n, uint32_t pre, uint32_t post, double w, bool inhibitory) {
  CsrSynapses s;
  s.start.assign(n + 1, 0);
  for (size_t j = pre + 1; j <= n; ++j) s.start[j] = 1;
  s.post = {post};
  s.weight_v = {w};
  s.inhibitory.assign(n, 0);
  s.inhibitory[pre] = inhibitory;
  return s;
}

TEST(LifCubaNetwork, SubthresholdMatchesClosedForm) {
  LifCubaParams p;
  p.e_l_v = -70e-3;  // far below threshold
  const double dt = 1e-4;
  auto net = LifCubaNetwork::create(p, 1, dt).value();
  const double v0 = -65e-3, ge0 = 3e-3, gi0 = -1e-3;
  net.v()[0] = v0, net.ge()[0] = ge0, net.gi()[0] = gi0;
  for (int k = 1; k <= 300; ++k) {
    net.step();
    const double t = k * dt;
    const double em = std::exp(-t / p.tau_m_s), ee = std::exp(-t / p.tau_e_s), ei = std::exp(-t / p.tau_i_s);
    const double want = p.e_l_v + (v0 - p.e_l_v) * em + ge0 * p.tau_e_s / (p.tau_e_s - p.tau_m_s) * (ee - em) +
                        gi0 * p.tau_i_s / (p.tau_i_s - p.tau_m_s) * (ei - em);
    ASSERT_NEAR(net.v()[0], want, 1e-12) << "step " << k;
    ASSERT_NEAR(net.ge()[0], ge0 * ee, 1e-15);
    ASSERT_TRUE(net.spikes().empty());
  }
}

TEST(LifCubaNetwork, SpikeResetAndRefractoryPeriod) {
  LifCubaParams p;  // CUBA: E_L −49 mV above V_th −50 mV, so the neuron fires regularly
  auto net = LifCubaNetwork::create(p, 1, 1e-4).value();
  net.v()[0] = p.v_reset_v;
  std::vector<int> spike_steps;
  for (int k = 0; k < 1100; ++k) {
    net.step();
    if (!net.spikes().empty()) spike_steps.push_back(k);
    if (!spike_steps.empty() && k > spike_steps[0] && k < spike_steps[0] + 50) {
      ASSERT_EQ(net.v()[0], p.v_reset_v) << k;
    }
  }
  // Crossing after t* = tau_m ln((V_r − E_L)/(V_th − E_L)) = 47.96 ms: in the step ending at 48.0 ms
  // (step 479); then 49 clamped steps and the same trajectory again from step 529.
  const int first = static_cast<int>(
                        std::ceil(p.tau_m_s * std::log((p.v_reset_v - p.e_l_v) / (p.v_th_v - p.e_l_v)) / 1e-4)) -
                    1;
  EXPECT_EQ(first, 479);
  EXPECT_EQ(spike_steps, (std::vector<int>{first, first + 50 + first}));
}

TEST(LifCubaNetwork, SpikesReachGeOrGiWithoutDelay) {
  LifCubaParams p;
  for (bool inhibitory : {false, true}) {
    auto net = LifCubaNetwork::create(p, 2, 1e-4).value();
    ASSERT_TRUE(net.set_synapses(one_synapse(2, 0, 1, inhibitory ? -0.9e-3 : 1.62e-3, inhibitory)).is_ok());
    net.v()[0] = -49.9e-3;  // above V_th: fires in the first step
    net.v()[1] = -70e-3;
    net.step();
    ASSERT_EQ(net.spikes().size(), 1u);
    EXPECT_EQ(net.spikes()[0], 0u);
    EXPECT_DOUBLE_EQ(inhibitory ? net.gi()[1] : net.ge()[1], inhibitory ? -0.9e-3 : 1.62e-3);
    EXPECT_EQ(inhibitory ? net.ge()[1] : net.gi()[1], 0.0);
  }
}

// The textbook form of the same network: every neuron's ge and gi decayed and stored every step,
// a refractory countdown per neuron, one weight load per synapse.
struct ReferenceCuba {
  LifCubaParams p;
  double dt;
  std::vector<double> v, ge, gi;
  std::vector<int> refr;
  std::vector<uint32_t> step(const CsrSynapses& syn) {
    const double am = std::exp(-dt / p.tau_m_s), ee = std::exp(-dt / p.tau_e_s), ei = std::exp(-dt / p.tau_i_s);
    const double ke = p.tau_e_s / (p.tau_e_s - p.tau_m_s) * (ee - am),
                 ki = p.tau_i_s / (p.tau_i_s - p.tau_m_s) * (ei - am);
    const int ref_steps = static_cast<int>(std::floor((p.t_ref_s + 1e-3 * dt) / dt));
    std::vector<uint32_t> spikes;
    for (size_t i = 0; i < v.size(); ++i) {
      if (refr[i] > 0) {
        --refr[i];
      } else {
        v[i] = p.e_l_v + (v[i] - p.e_l_v) * am + ge[i] * ke + gi[i] * ki;
        if (v[i] > p.v_th_v) v[i] = p.v_reset_v, refr[i] = ref_steps - 1, spikes.push_back(static_cast<uint32_t>(i));
      }
      ge[i] *= ee, gi[i] *= ei;
    }
    for (uint32_t pre : spikes)
      for (uint32_t e = syn.start[pre]; e < syn.start[pre + 1]; ++e)
        (syn.inhibitory[pre] ? gi : ge)[syn.post[e]] += syn.weight_v[e];
    return spikes;
  }
};

// Over 3000 steps (11 rebases of the running decay factors), a recurrent network with mixed
// weights spikes in the same steps as the reference, and v, ge, gi stay within rounding of it.
TEST(LifCubaNetwork, MatchesTheTextbookFormAcrossRebases) {
  const size_t n = 200;
  const double dt = 1e-4;
  LifCubaParams p;
  Rng rng = Rng::stream(3, "test.cuba");
  CsrSynapses syn;
  syn.start.push_back(0);
  for (size_t j = 0; j < n; ++j) {
    for (size_t i = 0; i < n; ++i)
      if (rng.bernoulli(0.05)) {
        syn.post.push_back(static_cast<uint32_t>(i));
        // Most pres have one weight (the fast path); every 7th has weights varying per synapse.
        syn.weight_v.push_back(j % 7 == 0 ? rng.uniform(0.5e-3, 2e-3) : (j < 160 ? 1.62e-3 : -9e-3));
      }
    syn.start.push_back(static_cast<uint32_t>(syn.post.size()));
    syn.inhibitory.push_back(j >= 160);
  }
  auto net = LifCubaNetwork::create(p, n, dt).value();
  ASSERT_TRUE(net.set_synapses(syn).is_ok());
  ReferenceCuba ref{
      p, dt, std::vector<double>(n), std::vector<double>(n, 0.0), std::vector<double>(n, 0.0), std::vector<int>(n, 0)};
  for (size_t i = 0; i < n; ++i) ref.v[i] = net.v()[i] = p.v_reset_v + rng.uniform() * (p.v_th_v - p.v_reset_v);
  size_t total = 0;
  for (int k = 0; k < 3000; ++k) {
    net.step();
    const auto want = ref.step(syn);
    ASSERT_EQ(std::vector<uint32_t>(net.spikes().begin(), net.spikes().end()), want) << "step " << k;
    total += want.size();
    if (k % 97 == 0)
      for (size_t i = 0; i < n; ++i) {
        ASSERT_NEAR(net.v()[i], ref.v[i], 1e-12) << "step " << k << " neuron " << i;
        ASSERT_NEAR(net.ge()[i], ref.ge[i], 1e-14) << "step " << k << " neuron " << i;
        ASSERT_NEAR(net.gi()[i], ref.gi[i], 1e-14) << "step " << k << " neuron " << i;
      }
  }
  EXPECT_GT(total, 500u);  // the comparison covered plenty of spikes, resets and refractory periods
}

TEST(LifCubaNetwork, RejectsBadInput) {
  LifCubaParams p;
  EXPECT_FALSE(LifCubaNetwork::create(p, 4, 0.0).is_ok());
  LifCubaParams bad = p;
  bad.tau_e_s = 0;
  auto r = LifCubaNetwork::create(bad, 4, 1e-4);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("time constants"), std::string::npos);
  bad = p;
  bad.tau_i_s = bad.tau_m_s;
  EXPECT_FALSE(LifCubaNetwork::create(bad, 4, 1e-4).is_ok());
  auto net = LifCubaNetwork::create(p, 4, 1e-4).value();
  auto s = one_synapse(4, 1, 9, 1e-3, false);
  Status st = net.set_synapses(s);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("post index 9 out of range"), std::string::npos);
  s = one_synapse(4, 1, 2, 1e-3, false);
  s.start.pop_back();
  EXPECT_FALSE(net.set_synapses(s).is_ok());
}

}  // namespace
}  // namespace ion::neuron
