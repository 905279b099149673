// SPDX-License-Identifier: Apache-2.0
#include "device/model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "core/units.hpp"
#include "device/models_internal.hpp"

namespace ion::device {
namespace {

struct Alias {
  const char* alias;
  const char* name;
};
constexpr Alias kAliases[] = {
    {"strukov", "linear-drift"}, {"southampton-compact", "compact"}, {"southampton-data-driven", "data-driven"}};

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A bare number is SI; otherwise the unit must match the parameter's dimension when it has one.
Result<double> parse_value(std::string_view text, const ParamSpec& spec) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() && *end == '\0' && std::isfinite(v)) return v;
  const std::string_view unit = spec.unit;
  const Dim dim = unit == "ohm" ? Dim::resistance
                  : unit == "V" ? Dim::voltage
                  : unit == "m" ? Dim::length
                                : Dim::charge;
  if (dim == Dim::charge)
    return error(Errc::invalid_argument, "value '" + s + "' for parameter '" + spec.name +
                                             "' must be a plain number in " + spec.unit + " (e.g. 1.5e-3)");
  auto q = parse_quantity(text, dim);
  if (!q)
    return error(Errc::invalid_argument,
                 "value '" + s + "' for parameter '" + spec.name + "': " + q.status().message());
  return *q;
}

}  // namespace

std::string join_names(std::span<const char* const> names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

int Model::param_index(std::string_view name) const {
  const auto ps = params();
  for (size_t i = 0; i < ps.size(); ++i)
    if (name == ps[i].name) return static_cast<int>(i);
  return -1;
}

std::span<const Model* const> all_models() {
  static const Model* const kModels[] = {&linear_drift_model(Window::none),
                                         &linear_drift_model(Window::joglekar),
                                         &linear_drift_model(Window::biolek),
                                         &linear_drift_model(Window::prodromakis),
                                         &vteam_model(),
                                         &yakopcic_model(),
                                         &compact_model(),
                                         &data_driven_model()};
  return kModels;
}

const Model* find_model(std::string_view name) {
  for (const auto& a : kAliases)
    if (name == a.alias) name = a.name;
  for (const Model* m : all_models())
    if (name == m->name()) return m;
  return nullptr;
}

Result<const Model*> model_named(std::string_view name) {
  if (const Model* m = find_model(name)) return m;
  std::vector<const char*> names;
  for (const Model* m : all_models()) names.push_back(m->name());
  return error(Errc::not_found, "unknown device model '" + std::string(name) + "' (known: " + join_names(names) + ")");
}

Result<Params> Params::preset(const Model& m, std::string_view preset_name) {
  const auto ps = m.presets();
  for (const Preset& p : ps)
    if (preset_name.empty() || preset_name == p.name) return Params(m, p.values);
  std::vector<const char*> names;
  for (const Preset& p : ps) names.push_back(p.name);
  return error(Errc::not_found, "model '" + std::string(m.name()) + "' has no preset '" + std::string(preset_name) +
                                    "' (known: " + join_names(names) + ")");
}

Status Params::unknown_param(std::string_view name) const {
  std::vector<const char*> names;
  std::string hint;
  for (const ParamSpec& s : model_->params()) {
    names.push_back(s.name);
    if (iequal(name, s.name)) hint = std::string(" (did you mean '") + s.name + "'? names are case-sensitive)";
  }
  return error(Errc::not_found, "model '" + std::string(model_->name()) + "' has no parameter '" + std::string(name) +
                                    "'" + hint + "; known: " + join_names(names));
}

Status Params::set(std::string_view name, double value) {
  const int i = model_->param_index(name);
  if (i < 0) return unknown_param(name);
  const ParamSpec& s = model_->params()[static_cast<size_t>(i)];
  if (!(value >= s.lo && value <= s.hi))
    return error(Errc::out_of_range, "parameter '" + std::string(name) + "' of model '" + model_->name() +
                                         "' = " + fmt(value) + " is outside its range [" + fmt(s.lo) + ", " +
                                         fmt(s.hi) + "] " + s.unit);
  const double old = values_[static_cast<size_t>(i)];
  values_[static_cast<size_t>(i)] = value;
  Status st = model_->validate(values_.data());
  if (!st) values_[static_cast<size_t>(i)] = old;
  return st;
}

Status Params::set_from_text(std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == assignment.size())
    return error(Errc::invalid_argument,
                 "parameter assignment '" + std::string(assignment) + "' must look like name=value (e.g. Ap=11.4)");
  const auto name = assignment.substr(0, eq);
  const int i = model_->param_index(name);
  if (i < 0) return unknown_param(name);
  ION_TRY_ASSIGN(auto v, parse_value(assignment.substr(eq + 1), model_->params()[static_cast<size_t>(i)]));
  return set(name, v);
}

Result<double> Params::get(std::string_view name) const {
  const int i = model_->param_index(name);
  if (i < 0) return unknown_param(name);
  return values_[static_cast<size_t>(i)];
}

}  // namespace ion::device
