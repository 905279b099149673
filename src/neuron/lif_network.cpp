// SPDX-License-Identifier: Apache-2.0
#include "neuron/lif_network.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "neuron/kernels.hpp"
#include "neuron/population.hpp"

namespace ion::neuron {
namespace {

// One exact step of every neuron, fused with refractoriness, threshold and reset. The stored
// conductances are read only (ke_now, ki_now carry the decay factors); a neuron spiking in this
// step gets free_at = mark, the first step after its refractory period.
// Branch-free (selects only) so it auto-vectorises; GCC honours __restrict only on parameters.
ION_SIMD_CLONES void cuba_pass(size_t n, double* __restrict v, const double* __restrict ge, const double* __restrict gi,
                               int32_t* __restrict free_at, int32_t step, int32_t mark, double el, double am,
                               double ke_now, double ki_now, double vth, double vr) {
  for (size_t i = 0; i < n; ++i) {
    const bool free_now = free_at[i] <= step;
    const double x = el + (v[i] - el) * am + ge[i] * ke_now + gi[i] * ki_now;
    const double vn = free_now ? x : v[i];
    const bool spike = free_now && vn > vth;
    v[i] = spike ? vr : vn;
    if (spike) free_at[i] = mark;  // a masked store: most steps write nothing here
  }
}

// Spikes are rare: flags each block of kBlock neurons that holds a free_at == mark (a vectorised
// test), so that only flagged blocks are scanned for the neurons themselves.
constexpr size_t kBlock = 64;

ION_SIMD_CLONES void flag_spiking_blocks(size_t n, const int32_t* __restrict free_at, int32_t mark,
                                         uint8_t* __restrict block_spiked) {
  for (size_t b = 0; b * kBlock < n; ++b) {
    const int32_t* f = free_at + b * kBlock;
    const size_t len = std::min(kBlock, n - b * kBlock);
    int32_t any = 0;
    for (size_t k = 0; k < len; ++k) any |= static_cast<int32_t>(f[k] == mark);
    block_spiked[b] = static_cast<uint8_t>(any != 0);
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
      free_at_(n, -1),
      block_spiked_((n + kBlock - 1) / kBlock, 0) {
  spiked_.reserve(n);
  syn_.start.assign(n + 1, 0);
  syn_.inhibitory.assign(n, 0);
  one_weight_.assign(n, 1);
}

Result<LifCubaNetwork> LifCubaNetwork::create(const LifCubaParams& p, size_t n, double dt_s) {
  if (!(dt_s > 0)) return error(Errc::invalid_argument, "lif network: dt must be > 0 s, got " + std::to_string(dt_s));
  for (double tau : {p.tau_m_s, p.tau_e_s, p.tau_i_s})
    if (!(tau > 0) || !std::isfinite(tau))
      return error(Errc::invalid_argument,
                   "lif network: time constants must be finite and > 0 s, got " + std::to_string(tau));
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
    if (post >= n)
      return error(Errc::invalid_argument, "lif network synapses: post index " + std::to_string(post) +
                                               " out of range (n = " + std::to_string(n) + ")");
  syn_ = std::move(syn);
  one_weight_.assign(n, 1);
  for (size_t j = 0; j < n; ++j)
    for (uint32_t e = syn_.start[j]; e < syn_.start[j + 1]; ++e)
      if (syn_.weight_v[e] != syn_.weight_v[syn_.start[j]]) one_weight_[j] = 0;
  return Status::ok();
}

void LifCubaNetwork::step() {
  if (step_ == kRebaseSteps) rebase();
  // A neuron spiking now is refractory in the steps before step_ + ref_steps_; no other neuron can
  // hold that value (earlier spikes set smaller ones, and -1 is the initial/rebased floor).
  const int32_t mark = step_ + ref_steps_;
  cuba_pass(size(), v_.data(), ge_.data(), gi_.data(), free_at_.data(), step_, mark, p_.e_l_v, am_, ke_ * scale_e_,
            ki_ * scale_i_, p_.v_th_v, p_.v_reset_v);
  scale_e_ *= ee_;
  scale_i_ *= ei_;
  ++step_;
  spiked_.clear();
  const int32_t* f = free_at_.data();
  flag_spiking_blocks(size(), f, mark, block_spiked_.data());
  for (size_t b = 0; b < block_spiked_.size(); ++b) {
    if (!block_spiked_[b]) continue;
    for (size_t k = b * kBlock; k < std::min((b + 1) * kBlock, size()); ++k)
      if (f[k] == mark) spiked_.push_back(static_cast<uint32_t>(k));
  }
  propagate();
}

// Adds w to the true conductance of the next step: stored += w / (that step's decay factor).
// A presynaptic neuron whose synapses share one weight (as in CUBA) reads only its post indices.
void LifCubaNetwork::propagate() {
  if (spiked_.empty()) return;
  const double inv_e = 1.0 / scale_e_, inv_i = 1.0 / scale_i_;
  const uint32_t* post = syn_.post.data();
  const double* w = syn_.weight_v.data();
  for (uint32_t pre : spiked_) {
    const bool inh = syn_.inhibitory[pre] != 0;
    double* g = inh ? gi_.data() : ge_.data();
    const double inv = inh ? inv_i : inv_e;
    const uint32_t begin = syn_.start[pre], end = syn_.start[pre + 1];
    if (begin == end) continue;
    if (one_weight_[pre]) {
      const double dw = w[begin] * inv;
      for (uint32_t e = begin; e < end; ++e) g[post[e]] += dw;
    } else {
      for (uint32_t e = begin; e < end; ++e) g[post[e]] += w[e] * inv;
    }
  }
}

void LifCubaNetwork::fold_decay() {
  if (scale_e_ == 1.0 && scale_i_ == 1.0) return;
  for (double& g : ge_) g *= scale_e_;
  for (double& g : gi_) g *= scale_i_;
  scale_e_ = scale_i_ = 1.0;
}

void LifCubaNetwork::rebase() {
  fold_decay();
  for (int32_t& f : free_at_) f = std::max(f - step_, -1);
  step_ = 0;
}

}  // namespace ion::neuron
