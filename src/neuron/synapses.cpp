// SPDX-License-Identifier: Apache-2.0
#include "neuron/synapses.hpp"

#include <cmath>
#include <string>

namespace ion::neuron {

double SynapseParams::tau() const {
  if (kind == SynapseKind::dpi) return c_f * u_t_v / (kappa * i_tau_a);
  return tau_s;
}

double SynapseParams::jump_a(double weight) const {
  if (kind != SynapseKind::dpi) return weight;
  return i_th_a * weight * i_w_a / i_tau_a * (1.0 - std::exp(-t_pulse_s / tau()));
}

SynapseBank::SynapseBank(const SynapseParams& params, size_t n, double dt_s)
    : params_(params),
      decay_(std::exp(-dt_s / params.tau())),
      alpha_gain_(dt_s / params.tau() * std::exp(1.0)),
      jump_per_weight_(params.jump_a(1.0)),
      current_(n, 0.0),
      aux_(params.kind == SynapseKind::alpha ? n : 0, 0.0) {}

Result<SynapseBank> SynapseBank::create(const SynapseParams& params, size_t n, double dt_s) {
  const double tau = params.tau();
  if (!(dt_s > 0)) return error(Errc::invalid_argument, "synapse dt must be > 0 s, got " + std::to_string(dt_s));
  if (!(tau > 0) || !std::isfinite(tau))
    return error(Errc::invalid_argument, "synapse time constant must be > 0 s, got " + std::to_string(tau) +
                                             " s (check tau, or C, U_T, kappa, I_tau for dpi)");
  if (params.kind == SynapseKind::dpi && !(params.t_pulse_s >= 0))
    return error(Errc::invalid_argument, "dpi synapse t_pulse must be >= 0 s");
  return SynapseBank(params, n, dt_s);
}

void SynapseBank::on_spike(size_t i, double weight) {
  if (params_.kind == SynapseKind::alpha) aux_[i] += weight;
  else current_[i] += jump_per_weight_ * weight;  // jump_a is linear in the weight
}

void SynapseBank::step() {
  if (params_.kind == SynapseKind::alpha) {
    // Exact: x' = x·d; I' = I·d + x·(dt/tau)·e·d.
    for (size_t i = 0; i < current_.size(); ++i) {
      current_[i] = (current_[i] + aux_[i] * alpha_gain_) * decay_;
      aux_[i] *= decay_;
    }
    return;
  }
  for (double& c : current_) c *= decay_;
}

void SynapseBank::clear() {
  for (double& c : current_) c = 0;
  for (double& x : aux_) x = 0;
}

}  // namespace ion::neuron
