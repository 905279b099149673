// SPDX-License-Identifier: Apache-2.0
#pragma once
// Current-based synapse banks, one synaptic state per postsynaptic neuron (inputs of one kind
// summed linearly), integrated exactly with a fixed dt.
//   exponential: dI/dt = −I/tau; a spike of weight w adds w (A).
//   alpha:       I(t) = w·(t/tau)·e^(1 − t/tau) after a spike at 0 (peak w at t = tau); two states.
//   dpi:         DPI synapse (docs/spec.md §3.3): dI/dt = −I/tau, tau = C·U_T/(kappa·I_tau); a pulse of weight
//                w (× I_w) adds (I_th·w·I_w/I_tau)·(1 − e^(−t_pulse/tau)).
// Order within a step (contract with the owners): on_spike() for this step's inputs, read
// current() into the neuron input, step the neurons, then step() the synapses.
#include <cstddef>
#include <span>
#include <vector>

#include "core/status.hpp"

namespace ion::neuron {

enum class SynapseKind { exponential, alpha, dpi };

struct SynapseParams {
  SynapseKind kind = SynapseKind::exponential;
  double tau_s = 5e-3;  // exponential, alpha
  // dpi only:
  double c_f = 2e-12;
  double i_tau_a = 7e-12;
  double i_th_a = 70e-12;
  double i_w_a = 100e-12;  // base weight; on_spike's weight multiplies it
  double t_pulse_s = 1e-3;
  double kappa = 0.7;
  double u_t_v = 25e-3;

  double tau() const;  // effective time constant (s)
  // Increment of the synaptic current for one input of the given weight (A).
  double jump_a(double weight) const;
};

class SynapseBank {
 public:
  // Invalid parameters (non-positive tau, dt) → error.
  static Result<SynapseBank> create(const SynapseParams& params, size_t n, double dt_s);

  void on_spike(size_t i, double weight);
  void step();
  std::span<const double> current() const { return current_; }
  const SynapseParams& params() const { return params_; }
  void clear();

 private:
  SynapseBank(const SynapseParams& params, size_t n, double dt_s);
  SynapseParams params_;
  double decay_;
  double alpha_gain_;       // dt/tau·e for the alpha kernel's x → I transfer
  double jump_per_weight_;  // params_.jump_a(1): the current added per unit weight
  std::vector<double> current_;
  std::vector<double> aux_;  // alpha: the pre-kernel state x
};

}  // namespace ion::neuron
