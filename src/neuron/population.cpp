// SPDX-License-Identifier: Apache-2.0
#include "neuron/population.hpp"

#include <cmath>

namespace ion::neuron {

int32_t refractory_steps(double t_ref_s, double dt_s) {
  if (!(t_ref_s > 0)) return 0;
  return static_cast<int32_t>(std::floor((t_ref_s + 1e-3 * dt_s) / dt_s));
}

Population::Population(const ModelDef& model, size_t n, Duration dt_ns, Time t0)
    : model_(&model), n_(n), dt_ns_(dt_ns), t0_(t0) {
  params_.assign(model.params.size(), std::vector<double>(n));
  states_.assign(model.states.size(), std::vector<double>(n));
  param_ptrs_.resize(params_.size());
  state_ptrs_.resize(states_.size());
  derived_.assign(model.derive ? model.derived_count : 0, std::vector<double>(n));
  derived_ptrs_.resize(derived_.size());
  input_a_.assign(n, 0.0);
  refractory_steps_.assign(n, 0);
  spiked_.reserve(n);
}

Result<Population> Population::create(const ModelDef& model, size_t n, Duration dt_ns, std::span<const double> params,
                                      Time t0) {
  ION_TRY(validate_dt(model, dt_ns));
  std::vector<double> values = params.empty() ? model.default_params()
                                              : std::vector<double>(params.begin(), params.end());
  ION_TRY(validate_params(model, values));
  Population pop(model, n, dt_ns, t0);
  for (size_t k = 0; k < values.size(); ++k) pop.params_[k].assign(n, values[k]);
  pop.reset_state();
  return pop;
}

Result<std::span<double>> Population::param(std::string_view name) {
  auto k = model_->param_index(name);
  if (!k)
    return error(Errc::not_found,
                 "neuron model \"" + model_->name + "\" has no parameter \"" + std::string(name) + "\"");
  return param_column(*k);
}

Result<std::span<double>> Population::state(std::string_view name) {
  auto k = model_->state_index(name);
  if (!k) {
    std::string known;
    for (const auto& s : model_->states) known += (known.empty() ? "" : ", ") + s.name;
    return error(Errc::not_found, "neuron model \"" + model_->name + "\" has no state variable \"" + std::string(name) +
                                      "\" (known: " + known + ")");
  }
  return std::span<double>(states_[*k]);
}

PopulationView Population::view() {
  for (size_t k = 0; k < params_.size(); ++k) param_ptrs_[k] = params_[k].data();
  for (size_t k = 0; k < states_.size(); ++k) state_ptrs_[k] = states_[k].data();
  for (size_t k = 0; k < derived_.size(); ++k) derived_ptrs_[k] = derived_[k].data();
  PopulationView v;
  v.n = n_;
  v.dt_s = to_seconds(dt_ns_);
  v.param = param_ptrs_.data();
  v.state = state_ptrs_.data();
  v.input_a = input_a_.data();
  v.refractory_steps = refractory_steps_.data();
  v.spiked = &spiked_;
  v.derived = derived_ptrs_.data();
  return v;
}

void Population::refresh_derived() {
  if (model_->derive) model_->derive(view(), derived_ptrs_.data());
  params_changed_ = false;
}

void Population::reset_state() {
  refractory_steps_.assign(n_, 0);
  spiked_.clear();
  PopulationView v = view();
  model_->init(v);
}

void Population::step() {
  if (params_changed_) refresh_derived();
  spiked_.clear();
  PopulationView v = view();
  model_->step(v);
  ++steps_;
}

}  // namespace ion::neuron
