// SPDX-License-Identifier: Apache-2.0
#include "neuron/model.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "neuron/models.hpp"

namespace ion::neuron {

const char* integrator_name(Integrator i) {
  switch (i) {
    case Integrator::exact:
      return "exact";
    case Integrator::euler:
      return "euler";
    case Integrator::exponential_euler:
      return "exponential_euler";
    case Integrator::rk4:
      return "rk4";
  }
  return "?";
}

std::optional<size_t> ModelDef::param_index(std::string_view n) const {
  for (size_t k = 0; k < params.size(); ++k)
    if (params[k].name == n) return k;
  return std::nullopt;
}

std::optional<size_t> ModelDef::state_index(std::string_view n) const {
  for (size_t k = 0; k < states.size(); ++k)
    if (states[k].name == n) return k;
  return std::nullopt;
}

std::vector<double> ModelDef::default_params() const {
  std::vector<double> out;
  for (const auto& p : params) out.push_back(p.default_si);
  return out;
}

std::span<const ModelDef* const> all_models() {
  static const ModelDef* const kModels[] = {&lif_model(), &lif_cond_model(),       &adex_model(), &izhikevich_model(),
                                            &hh_model(),  &hh_hippocampal_model(), &dpi_model()};
  return kModels;
}

namespace {
std::string known_model_names() {
  std::string s;
  for (const ModelDef* m : all_models()) s += (s.empty() ? "" : ", ") + m->name;
  return s;
}
std::string known_param_names(const ModelDef& m) {
  std::string s;
  for (const auto& p : m.params) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}
}  // namespace

Result<const ModelDef*> find_model(std::string_view name) {
  for (const ModelDef* m : all_models())
    if (m->name == name) return m;
  return error(Errc::not_found,
               "unknown neuron model \"" + std::string(name) + "\" (known: " + known_model_names() + ")");
}

Result<double> parse_param_value(const ModelDef& model, std::string_view name, std::string_view text) {
  auto k = model.param_index(name);
  if (!k)
    return error(Errc::not_found, "unknown parameter \"" + std::string(name) + "\" for neuron model \"" + model.name +
                                      "\" (known: " + known_param_names(model) + ")");
  const ParamDef& p = model.params[*k];
  std::string where = "parameter \"" + p.name + "\" of neuron model \"" + model.name + "\": ";
  if (p.dim) {
    auto v = parse_quantity(text, *p.dim);
    if (!v) return error(Errc::invalid_argument, where + v.status().message());
    return *v;
  }
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    return error(Errc::invalid_argument,
                 where + "\"" + s + "\" is not a dimensionless number (expected e.g. \"0.02\")");
  return v;
}

Status apply_override(const ModelDef& model, std::string_view assignment, std::vector<double>& params) {
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return error(Errc::invalid_argument,
                 "parameter override \"" + std::string(assignment) + "\" is not of the form name=value (e.g. a=4nS)");
  std::string_view name = assignment.substr(0, eq);
  ION_TRY_ASSIGN(auto v, parse_param_value(model, name, assignment.substr(eq + 1)));
  params.resize(model.params.size());
  params[*model.param_index(name)] = v;
  return Status::ok();
}

Result<std::vector<double>> resolve_params(const ModelDef& model, std::span<const std::string> overrides) {
  std::vector<double> params = model.default_params();
  for (const auto& o : overrides) ION_TRY(apply_override(model, o, params));
  ION_TRY(validate_params(model, params));
  return params;
}

Status validate_params(const ModelDef& model, std::span<const double> params) {
  if (params.size() != model.params.size())
    return error(Errc::invalid_argument, "neuron model \"" + model.name + "\" takes " +
                                             std::to_string(model.params.size()) + " parameters, got " +
                                             std::to_string(params.size()));
  for (size_t k = 0; k < params.size(); ++k) {
    const ParamDef& p = model.params[k];
    if (!std::isfinite(params[k]) || (p.positive && !(params[k] > 0)))
      return error(Errc::out_of_range, "parameter \"" + p.name + "\" of neuron model \"" + model.name + "\" must be " +
                                           (p.positive ? "> 0" : "finite") + ", got " + format_param(p, params[k]));
  }
  return Status::ok();
}

Status validate_dt(const ModelDef& model, Duration dt_ns) {
  if (dt_ns <= 0)
    return error(Errc::out_of_range,
                 "dt must be > 0 for neuron model \"" + model.name + "\", got " + format_duration(dt_ns));
  if (dt_ns > model.max_dt_ns)
    return error(Errc::out_of_range, "dt " + format_duration(dt_ns) + " is too large for neuron model \"" + model.name +
                                         "\" (" + integrator_name(model.integrator) + " integration; max " +
                                         format_duration(model.max_dt_ns) + ", default " +
                                         format_duration(model.default_dt_ns) + ")");
  return Status::ok();
}

std::string format_param(const ParamDef& p, double value_si) {
  if (p.dim) return format_quantity(value_si, *p.dim);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%g", value_si);
  return buf;
}

}  // namespace ion::neuron
