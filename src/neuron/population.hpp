// SPDX-License-Identifier: Apache-2.0
#pragma once
// A population of n neurons of one model, stored as structure of arrays, advanced with a fixed dt.
// Parameters may differ per neuron (heterogeneity: edit the param columns, then reset_state() if
// the initial state depends on them). Each step: the caller writes the input current per neuron
// (A, held constant over the step; the array is NOT cleared between steps), calls step(), and
// reads spikes() — indices of neurons whose threshold was crossed in that step, all stamped with
// last_step_time() (the time at the start of that step, as Brian2 stamps them).
//
// Usage (bio culture emulator, silicon chip, CLI):
//   auto pop = Population::create(*find_model("adex").value(), 100, 100'000).value();
//   auto v = pop.state("v").value();            // std::span<double>, V
//   pop.input_current()[3] = 0.8e-9;             // A
//   pop.step();  for (uint32_t i : pop.spikes()) emit(i, pop.last_step_time());
// Parameter edits: write through the spans of param()/param_column() before the next step();
// fetching a column marks the parameters changed, and step() then recomputes the model's derived
// constants once. (Keeping a span and writing through it after a later step() is not supported.)
// Thread-safety: none (one owner). Cost: O(n) per step, no allocation after creation.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"
#include "neuron/model.hpp"

namespace ion::neuron {

class Population {
 public:
  // REQUIRES nothing: bad dt / params return errors. `params` empty → model defaults; otherwise one
  // value per ModelDef::params entry, applied to every neuron. t0 is the time of the first step.
  static Result<Population> create(const ModelDef& model, size_t n, Duration dt_ns, std::span<const double> params = {},
                                   Time t0 = 0);

  const ModelDef& model() const { return *model_; }
  size_t size() const { return n_; }
  Duration dt() const { return dt_ns_; }
  // Start time of the next step.
  Time now() const { return t0_ + steps_ * dt_ns_; }
  int64_t steps_done() const { return steps_; }
  // Start time of the step that produced spikes().
  Time last_step_time() const { return now() - dt_ns_; }

  // Per-neuron columns (SI units). Unknown name → not_found listing the known names.
  Result<std::span<double>> param(std::string_view name);
  Result<std::span<double>> state(std::string_view name);
  std::span<double> param_column(size_t k) {  // for writing: marks the parameters changed
    params_changed_ = true;
    return params_[k];
  }
  std::span<const double> param_column(size_t k) const { return params_[k]; }
  std::span<double> state_column(size_t k) { return states_[k]; }
  std::span<const double> state_column(size_t k) const { return states_[k]; }

  // Input current per neuron (A) for the next step; kept until overwritten.
  std::span<double> input_current() { return input_a_; }

  // Re-applies the model's initial conditions (uses the current param columns); clears refractoriness.
  void reset_state();
  // Advances every neuron by dt.
  void step();
  std::span<const uint32_t> spikes() const { return spiked_; }
  bool refractory(size_t i) const { return refractory_steps_[i] > 0; }

 private:
  Population(const ModelDef& model, size_t n, Duration dt_ns, Time t0);
  PopulationView view();
  void refresh_derived();

  const ModelDef* model_;
  size_t n_;
  Duration dt_ns_;
  Time t0_;
  int64_t steps_ = 0;
  std::vector<std::vector<double>> params_;
  std::vector<std::vector<double>> states_;
  std::vector<const double*> param_ptrs_;
  std::vector<double*> state_ptrs_;
  std::vector<std::vector<double>> derived_;
  std::vector<double*> derived_ptrs_;
  bool params_changed_ = true;  // derived_ must be recomputed before the next step
  std::vector<double> input_a_;
  std::vector<int32_t> refractory_steps_;
  std::vector<uint32_t> spiked_;
};

// Refractory period in steps as Brian2 counts it: floor((t_ref + 1e-3·dt) / dt).
int32_t refractory_steps(double t_ref_s, double dt_s);

}  // namespace ion::neuron
