// SPDX-License-Identifier: Apache-2.0
#pragma once
// A recurrent network of current-based LIF neurons with two exponential synaptic variables per
// neuron, in the form of Brian2's CUBA example (state in volts):
//   dv/dt = (ge + gi − (v − E_L))/tau_m   (unless refractory),  dge/dt = −ge/tau_e,  dgi/dt = −gi/tau_i
//   threshold v > V_th, reset v = V_reset, refractory t_ref (counted as Population counts it).
// Integration is exact for the joint linear system (Brian2's method="exact"): one fused,
// branch-free pass per step does state update + refractoriness + threshold + reset and
// auto-vectorises; spikes then propagate without delay through a compressed sparse row
// connectivity (pre → posts, per-synapse weight in volts) into ge (excitatory pre) or gi
// (inhibitory pre), taking effect from the next step — Brian2's order (groups, thresholds,
// synapses, resets) for on_pre without delay.
// Memory traffic is what bounds the pass, so it writes only v (and, on a spike, the neuron's end
// of refractoriness): every neuron shares tau_e and tau_i, so the decay of ge and gi is one
// running factor per network (true ge = stored ge × scale_e) instead of a store per neuron per
// step; a spike adds w / scale to the stored value. Every kRebaseSteps steps the factors are
// folded into the stored values (so they stay near 1) and the refractory step numbers shifted.
// Usage: auto net = LifCubaNetwork::create(p, 4000, 1e-4).value(); net.set_synapses(...);
//        net.step(); for (uint32_t i : net.spikes()) ...
// Thread-safety: none. Cost per step: O(n) + O(synapses of the neurons that spiked).
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.hpp"

namespace ion::neuron {

struct LifCubaParams {
  double tau_m_s = 20e-3, tau_e_s = 5e-3, tau_i_s = 10e-3;
  double e_l_v = -49e-3, v_th_v = -50e-3, v_reset_v = -60e-3, t_ref_s = 5e-3;
};

// Synapses as CSR: the synapses of presynaptic neuron j are start[j] .. start[j+1]−1 (start has
// n + 1 entries), each with its post index and weight (V); inhibitory[j] != 0 routes j's synapses to gi.
struct CsrSynapses {
  std::vector<uint32_t> start, post;
  std::vector<double> weight_v;
  std::vector<uint8_t> inhibitory;
};

class LifCubaNetwork {
 public:
  // Bad time constants (<= 0, tau_e or tau_i equal to tau_m), dt <= 0 → error.
  static Result<LifCubaNetwork> create(const LifCubaParams& p, size_t n, double dt_s);
  // Malformed CSR (sizes, indices out of range, non-monotonic start) → error, network unchanged.
  Status set_synapses(CsrSynapses syn);

  size_t size() const { return v_.size(); }
  // The true state before the next step; writes take effect in it. ge()/gi() first fold the
  // running decay factors into the stored values (O(n)), so use them for set-up and inspection.
  std::span<double> v() { return v_; }
  std::span<double> ge() {
    fold_decay();
    return ge_;
  }
  std::span<double> gi() {
    fold_decay();
    return gi_;
  }
  void step();
  std::span<const uint32_t> spikes() const { return spiked_; }

 private:
  LifCubaNetwork(const LifCubaParams& p, size_t n, double dt_s);
  void propagate();
  void fold_decay();  // stored ge/gi ×= their factors, factors = 1
  void rebase();      // fold_decay, and step numbers shifted back by kRebaseSteps

  static constexpr int32_t kRebaseSteps = 256;  // decay factors stay >= e^(−256 dt/tau)
  LifCubaParams p_;
  double am_, ee_, ei_, ke_, ki_;  // exact propagator entries
  int32_t ref_steps_;
  std::vector<double> v_, ge_, gi_;  // ge_, gi_ are stored: true value = stored × scale
  double scale_e_ = 1, scale_i_ = 1;
  int32_t step_ = 0;                   // steps since the last rebase
  std::vector<int32_t> free_at_;       // first step (since the last rebase) in which the neuron is not refractory
  std::vector<uint8_t> block_spiked_;  // per block of the pass: did any neuron spike in this step
  std::vector<uint32_t> spiked_;
  CsrSynapses syn_;
  std::vector<uint8_t> one_weight_;  // per pre: all its synapses have the same weight
};

}  // namespace ion::neuron
