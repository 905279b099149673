// SPDX-License-Identifier: Apache-2.0
// The hub's crossbar instrument from the experiment file: a simulated array holding the
// synapses' device model (one model per array, as on a real chip) or an ArC ONE.
#include <cstdio>

#include "device/arc_one.hpp"
#include "device/sim_crossbar.hpp"
#include "site/hub/device_ranges.hpp"
#include "site/hub/hub_role.hpp"

namespace ion::hub {
namespace {

using experiment::Synapse;

std::vector<const Synapse*> synapses_on(const experiment::Experiment& e, const experiment::Site& hub) {
  std::vector<const Synapse*> out;
  for (const auto& s : e.synapses)
    if (s.hub == hub.name) out.push_back(&s);
  return out;
}

// Parameters as "name=value" texts (numbers in SI, or unit strings) for device::Params.
Status apply_params(const experiment::ParamMap& params, std::vector<std::pair<std::string, double>>& out,
                    const device::Model& model) {
  ION_TRY_ASSIGN(auto base, device::Params::preset(model, ""));
  for (const auto& [name, p] : params) {
    // %.17g: std::to_string would print 1e-14 as "0.000000" and silently set the parameter to 0.
    char number[40];
    if (p.is_number()) std::snprintf(number, sizeof number, "%.17g", std::get<double>(p.value));
    std::string text = name + "=" + (p.is_number() ? std::string(number) : std::get<std::string>(p.value));
    Status s = base.set_from_text(text);
    if (!s)
      return s.prefixed(p.loc.file + ":" + std::to_string(p.loc.line) + ":" + std::to_string(p.loc.col) + ": " +
                        p.key_path + ": ");
    out.emplace_back(name, *base.get(name));
  }
  return Status::ok();
}

// All synapses of one simulated array must share model, preset and parameters.
Status check_same_device(const std::vector<const Synapse*>& syn, const std::string& hub) {
  for (const Synapse* s : syn) {
    const auto& a = syn.front()->device;
    const auto& b = s->device;
    if (a.model != b.model || a.preset != b.preset || a.window != b.window || a.params.size() != b.params.size())
      return error(Errc::invalid_argument, "hub " + hub + ": synapses " + syn.front()->name + " and " + s->name +
                                               " use different device models/presets; a simulated crossbar "
                                               "holds one device type (use another hub for the other type)");
  }
  return Status::ok();
}

Result<std::unique_ptr<device::Crossbar>> make_simulated(const experiment::Experiment& e, const experiment::Site& hub,
                                                         const HubRoleOptions& opt) {
  const auto& ic = *hub.instrument;
  const std::string path = !ic.state_file.empty()  ? ic.state_file
                           : opt.state_dir.empty() ? std::string()
                                                   : opt.state_dir + "/" + hub.name + ".xbar";
  Storage& storage = opt.storage != nullptr ? *opt.storage : real_storage();
  auto existing = path.empty() ? Result<FileInfo>(FileInfo{}) : storage.stat(path);
  if (!existing) return existing.status().prefixed("hub " + hub.name + ": ");
  if (opt.resume && existing->exists) {
    auto xb = device::SimulatedCrossbar::open(path, storage);
    if (!xb) return xb.status().prefixed("hub " + hub.name + ": ");
    return std::unique_ptr<device::Crossbar>(std::move(xb).value());
  }
  const auto syn = synapses_on(e, hub);
  device::CrossbarConfig cfg;
  cfg.words = static_cast<uint32_t>(ic.words);
  cfg.bits = static_cast<uint32_t>(ic.bits);
  cfg.v_read = ic.v_read;
  cfg.var.read_noise_rel = ic.read_noise;
  cfg.seed = Rng::stream(e.seed, "hub.crossbar." + hub.name).next_u64();
  if (!syn.empty()) {
    ION_TRY(check_same_device(syn, hub.name));
    const auto& d = syn.front()->device;
    cfg.model = device_model_name(d);
    cfg.preset = d.preset;
    auto model = device::model_named(cfg.model);
    if (!model) return model.status().prefixed("hub " + hub.name + ": ");
    ION_TRY(apply_params(d.params, cfg.params, **model));
    for (const Synapse* s : syn)
      if (s->device.r0_ohm > 0)
        cfg.initial.push_back({static_cast<uint32_t>(s->word), static_cast<uint32_t>(s->bit), s->device.r0_ohm});
  }
  auto xb = path.empty() ? device::SimulatedCrossbar::create(cfg)
                         : device::SimulatedCrossbar::create_file(cfg, path, storage);
  if (!xb) return xb.status().prefixed("hub " + hub.name + ": ");
  return std::unique_ptr<device::Crossbar>(std::move(xb).value());
}

}  // namespace

Result<std::unique_ptr<device::Crossbar>> make_instrument(const experiment::Experiment& e, const experiment::Site& hub,
                                                          const HubRoleOptions& opt) {
  const auto& ic = *hub.instrument;
  if (ic.kind == experiment::InstrumentKind::simulated) return make_simulated(e, hub, opt);
  device::ArcOneOptions ao;
  ao.words = static_cast<uint32_t>(ic.words);
  ao.bits = static_cast<uint32_t>(ic.bits);
  ao.v_read = ic.v_read;
  auto arc = device::ArcOne::connect(ic.serial_port, ao);
  if (!arc) return arc.status().prefixed("hub " + hub.name + ": ArC ONE on " + ic.serial_port + ": ");
  return std::unique_ptr<device::Crossbar>(std::move(arc).value());
}

}  // namespace ion::hub
