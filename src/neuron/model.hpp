// SPDX-License-Identifier: Apache-2.0
#pragma once
// Neuron models as data: a ModelDef names its parameters (with units and documented defaults),
// its state variables, its integration scheme and the limits on dt, and points at two functions
// that run over a structure-of-arrays population (init: initial state from parameters; step:
// advance every neuron by one fixed dt, apply threshold and reset, report spikes).
//
// Conventions shared by every model (and by Brian2, which the crossval tests compare against):
//  * State and parameters are stored in SI units (V, A, S, F, s), one column per name.
//  * The input current of a neuron is held constant over a step.
//  * A spike is stamped with the time at the START of the step in which the threshold was crossed.
//  * Refractoriness (models with t_ref): a neuron is refractory in the step starting at t_k when
//    t_k − t_spike < t_ref; while refractory its membrane is clamped and it cannot spike.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"
#include "core/units.hpp"

namespace ion::neuron {

enum class Integrator { exact, euler, exponential_euler, rk4 };
const char* integrator_name(Integrator i);

struct ParamDef {
  std::string name;
  std::optional<Dim> dim;  // nullopt: dimensionless (written as a bare number)
  double default_si = 0;
  std::string doc;
  bool positive = false;  // must be > 0
};

struct StateDef {
  std::string name;
  std::string unit;  // SI unit of the stored value, for docs and CSV headers ("V", "A", "1")
  std::string doc;
};

// Raw view of a population handed to a model's functions. Columns are indexed by the order of
// ModelDef::params / ModelDef::states. Not owning.
struct PopulationView {
  size_t n = 0;
  double dt_s = 0;
  const double* const* param = nullptr;     // param[k][i]
  double* const* state = nullptr;           // state[k][i]
  const double* input_a = nullptr;          // input current per neuron for this step (A)
  int32_t* refractory_steps = nullptr;      // steps left in the refractory period, per neuron
  std::vector<uint32_t>* spiked = nullptr;  // step(): append indices of neurons that spiked
  const double* const* derived = nullptr;   // derived[k][i]: ModelDef::derive's columns, current for param
};

using InitFn = void (*)(PopulationView& pop);
using StepFn = void (*)(PopulationView& pop);
// Fills the model's derived per-neuron constants (reciprocals, products of parameters) from the
// parameter columns, so that step kernels do no per-step divisions that depend only on parameters.
using DeriveFn = void (*)(const PopulationView& pop, double* const* derived);

struct ModelDef {
  std::string name;
  std::string summary;
  std::string equations;  // human-readable, for docs and `ion neuron --describe`
  std::vector<ParamDef> params;
  std::vector<StateDef> states;
  Integrator integrator = Integrator::euler;
  Duration default_dt_ns = 100'000;
  Duration max_dt_ns = 1'000'000;
  std::string threshold;  // text, for docs
  std::string reset;      // text, for docs
  InitFn init = nullptr;
  StepFn step = nullptr;
  size_t derived_count = 0;  // columns filled by derive (none when derive is null)
  DeriveFn derive = nullptr;

  std::optional<size_t> param_index(std::string_view name) const;
  std::optional<size_t> state_index(std::string_view name) const;
  std::vector<double> default_params() const;
};

// --- Registry -------------------------------------------------------------------------------
// Built-in models: lif, lif-cond, adex, izhikevich, hh, hh-hippocampal, dpi.
std::span<const ModelDef* const> all_models();
// Unknown name → not_found listing the known names.
Result<const ModelDef*> find_model(std::string_view name);

// --- Parameters -------------------------------------------------------------------------------
// Parses one value for parameter `name` ("4nS"; a bare number for dimensionless parameters).
// Errors name the model, the parameter, the expected dimension and an example.
Result<double> parse_param_value(const ModelDef& model, std::string_view name, std::string_view text);
// Applies "name=value" overrides to `params` (one value per ModelDef::params entry).
Status apply_override(const ModelDef& model, std::string_view assignment, std::vector<double>& params);
// Defaults with every override applied in order.
Result<std::vector<double>> resolve_params(const ModelDef& model, std::span<const std::string> overrides);
// Checks positivity constraints and finiteness of a parameter vector.
Status validate_params(const ModelDef& model, std::span<const double> params);
// dt must be > 0 and <= model.max_dt_ns.
Status validate_dt(const ModelDef& model, Duration dt_ns);
// "4nS", "-70.6mV", "0.02" — value in the parameter's unit, for docs and errors.
std::string format_param(const ParamDef& p, double value_si);

}  // namespace ion::neuron
