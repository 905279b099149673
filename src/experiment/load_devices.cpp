// SPDX-License-Identifier: Apache-2.0
// Synapse devices checked by the device layer itself, the way the hub builds its instrument
// (site/hub/hub_instrument.cpp): so that `ion validate` refuses with FILE:LINE:COL what the hub
// would refuse when it starts, and what the instrument would refuse at the first pulse.
#include <cstdio>

#include "device/crossbar.hpp"
#include "device/model.hpp"
#include "experiment/load_internal.hpp"

namespace ion::experiment {
namespace {

// The device model the hub instantiates: a linear-drift device with a window is its own model.
std::string instrument_model(const DeviceConfig& d) {
  if (d.model == "linear-drift" && !d.window.empty() && d.window != "none") return d.window;
  return d.model;
}

std::string param_text(const Param& p) {
  if (!p.is_number()) return std::get<std::string>(p.value);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(p.value));
  return buf;
}

// Each override parsed and range-checked by the device layer; the values in SI, or nullopt.
std::optional<std::vector<std::pair<std::string, double>>> device_overrides(TableReader& r, const DeviceConfig& d,
                                                                            const device::Model& model) {
  auto base = device::Params::preset(model, "");
  if (!base) return std::nullopt;
  std::vector<std::pair<std::string, double>> out;
  bool ok = true;
  for (const auto& [name, p] : d.params) {
    Status s = base->set_from_text(name + "=" + param_text(p));
    if (!s) r.ctx().error(p.loc, p.key_path, s.message());
    if (s) out.emplace_back(name, *base->get(name));
    ok = ok && s.is_ok();
  }
  if (!ok) return std::nullopt;
  return out;
}

bool same_params(const ParamMap& a, const ParamMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, p] : a) {
    auto it = b.find(name);
    if (it == b.end() || it->second.value != p.value) return false;
  }
  return true;
}

}  // namespace

void check_device(TableReader& r, const DeviceConfig& d, double v_read) {
  if (d.model.empty() || (!d.preset.empty() && preset_model(d.preset) != d.model)) return;  // already reported
  auto model = device::model_named(instrument_model(d));
  if (!model) return r.error_at("model", model.status().message());
  auto overrides = device_overrides(r, d, **model);
  if (!overrides) return;
  auto params = device::Params::preset(**model, d.preset);
  if (!params) return r.error_at("preset", params.status().message());
  for (const auto& [name, value] : *overrides) {
    if (Status s = params->set(name, value); !s) return r.error_at("params", s.message());
  }
  if (d.r0_ohm <= 0) return;
  auto state = (*model)->state_for_resistance(params->data(), d.r0_ohm, v_read);
  if (!state)
    r.error_at("r0", "found " + describe(*r.raw().get("r0")) + ", expected a resistance the device reaches (" +
                         state.status().message() + ")");
}

void check_pulse(TableReader& r, std::string_view key, const Pulse& p) {
  if (!r.raw().contains(key)) return;
  if (Status s = device::check_pulse(p.amplitude_v, p.width_ns); !s)
    r.error_at(key, "found a pulse the instruments refuse: " + s.message());
}

void check_one_device_type(TableReader& r, const Synapse& syn, LoadState& s) {
  const InstrumentConfig* inst = s.instrument_of(syn.hub);
  if (!inst || inst->kind != InstrumentKind::simulated || syn.device.model.empty()) return;
  auto [it, first] = s.hub_device.try_emplace(syn.hub, syn);
  if (first) return;
  const Synapse& ref = it->second;
  const DeviceConfig &a = ref.device, &b = syn.device;
  if (a.model == b.model && a.preset == b.preset && a.window == b.window && same_params(a.params, b.params)) return;
  r.error_at("device", "found a device (model, preset, window or params) different from synapse '" + ref.name + "' (" +
                           first_at(ref.loc) +
                           ") on the same hub, expected the same: a simulated crossbar "
                           "holds one device type (put the other type on another hub)");
}

}  // namespace ion::experiment
