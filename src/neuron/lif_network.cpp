// SPDX-License-Identifier: Apache-2.0
#include "neuron/lif_network.hpp"

#include <cmath>
#include <string>

#include "neuron/kernels.hpp"
#include "neuron/population.hpp"

namespace ion::neuron {
namespace {

// One exact step of every neuron, fused with the refractory countdown, threshold and reset.
// Branch-free (selects only) so it auto-vectorises; GCC honours __restrict only on parameters.
ION_SIMD_CLONES void cuba_pass(size_t n, double* __restrict v, double* __restrict ge, double* __restrict gi,
               int32_t* __restrict refr, double el, double am, double ke, double ki,
               double ee, double ei, double vth, double vr, int32_t ref_after_spike) {
  for (size_t i = 0; i < n; ++i) {
    const bool free_now = refr[i] <= 0;
    const double x = el + (v[i] - el) * am + ge[i] * ke + gi[i] * ki;
    const double vn = free_now ? x : v[i];
    ge[i] *= ee;
    gi[i] *= ei;
    const bool spike = free_now && vn > vth;
    v[i] = spike ? vr : vn;
    // Free neurons hold 0, so after this pass refr[i] == ref_after_spike exactly when i spiked.
    refr[i] = spike ? ref_after_spike : (free_now ? 0 : refr[i] - 1);
  }
}

}  // namespace

LifCubaNetwork::LifCubaNetwork(const LifCubaParams& p, size_t n, double dt_s)
    : p_(p),
      am_(std::exp(-dt_s / p.tau_m_s)),
      ee_(std::exp(-dt_s / p.tau_e_s)),
      ei_(std::exp(-dt_s / p.tau_i_s)),
      ke_(p.tau_e_s / (p.tau_e_s - p.tau_m_s) * (ee_ - am_)),
      ki_(p.tau_i_s / (p.tau_i_s - p.tau_m_s) * (ei_ - am_)),
      ref_steps_(refractory_steps(p.t_ref_s, dt_s)),
      v_(n, p.e_l_v),
      ge_(n, 0.0),
      gi_(n, 0.0),
      refr_(n, 0) {
  spiked_.reserve(n);
  syn_.start.assign(n + 1, 0);
  syn_.inhibitory.assign(n, 0);
}

Result<LifCubaNetwork> LifCubaNetwork::create(const LifCubaParams& p, size_t n, double dt_s) {
  if (!(dt_s > 0)) return error(Errc::invalid_argument, "lif network: dt must be > 0 s, got " + std::to_string(dt_s));
  for (double tau : {p.tau_m_s, p.tau_e_s, p.tau_i_s})
    if (!(tau > 0) || !std::isfinite(tau))
      return error(Errc::invalid_argument, "lif network: time constants must be finite and > 0 s, got " +
                                               std::to_string(tau));
  if (p.tau_e_s == p.tau_m_s || p.tau_i_s == p.tau_m_s)
    return error(Errc::invalid_argument, "lif network: tau_e and tau_i must differ from tau_m (exact propagator)");
  return LifCubaNetwork(p, n, dt_s);
}

Status LifCubaNetwork::set_synapses(CsrSynapses syn) {
  const size_t n = size();
  if (syn.start.size() != n + 1 || syn.inhibitory.size() != n || syn.post.size() != syn.weight_v.size())
    return error(Errc::invalid_argument, "lif network synapses: need start of n+1 = " + std::to_string(n + 1) +
                                             " entries, inhibitory of n, and one weight per post");
  if (syn.start[0] != 0 || syn.start[n] != syn.post.size())
    return error(Errc::invalid_argument, "lif network synapses: start must begin at 0 and end at post.size()");
  for (size_t j = 0; j < n; ++j)
    if (syn.start[j] > syn.start[j + 1])
      return error(Errc::invalid_argument, "lif network synapses: start decreases at " + std::to_string(j));
  for (uint32_t post : syn.post)
    if (post >= n) return error(Errc::invalid_argument, "lif network synapses: post index " + std::to_string(post) +
                                                            " out of range (n = " + std::to_string(n) + ")");
  syn_ = std::move(syn);
  return Status::ok();
}

void LifCubaNetwork::step() {
  const int32_t mark = ref_steps_ - 1;  // refr value of a neuron that spiked in this step
  cuba_pass(size(), v_.data(), ge_.data(), gi_.data(), refr_.data(), p_.e_l_v, am_, ke_, ki_, ee_, ei_, p_.v_th_v,
            p_.v_reset_v, mark);
  spiked_.clear();
  const int32_t* f = refr_.data();
  const size_t n = size();
  constexpr size_t kBlock = 64;  // spikes are rare: a vectorised "any" test per block, then a scan
  size_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    int32_t any = 0;
    for (size_t k = i; k < i + kBlock; ++k) any |= (f[k] == mark);
    if (!any) continue;
    for (size_t k = i; k < i + kBlock; ++k)
      if (f[k] == mark) spiked_.push_back(static_cast<uint32_t>(k));
  }
  for (; i < n; ++i)
    if (f[i] == mark) spiked_.push_back(static_cast<uint32_t>(i));
  propagate();
}

void LifCubaNetwork::propagate() {
  for (uint32_t pre : spiked_) {
    double* g = syn_.inhibitory[pre] ? gi_.data() : ge_.data();
    for (uint32_t e = syn_.start[pre]; e < syn_.start[pre + 1]; ++e) g[syn_.post[e]] += syn_.weight_v[e];
  }
}

}  // namespace ion::neuron
