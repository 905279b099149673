// SPDX-License-Identifier: Apache-2.0
#include "site/silicon/silicon_role.hpp"

#include <algorithm>
#include <cstdio>

namespace ion::silicon {

Result<std::unique_ptr<SiliconRole>> SiliconRole::create(const ChipConfig& config, site::RoleHost& host) {
  std::unique_ptr<SiliconRole> role(new SiliconRole(host));
  site::RoleHost* h = &host;
  ION_TRY_ASSIGN(auto chip, Chip::create(config, [h](const Spike& s) { h->emit_spike(s); }));
  role->chip_ = std::make_unique<Chip>(std::move(chip));
  return role;
}

void SiliconRole::on_input(const SynapticInput& in) {
  Status s = chip_->on_input(in);
  if (!s.is_ok() && chip_->stats().inputs_rejected <= 10) host_.record_note("silicon: input rejected: " + s.message());
}

}  // namespace ion::silicon

namespace ion::silicon {
namespace {

std::string where(const experiment::Site& site, const experiment::Neuron& n) {
  return "site " + site.name + ": neuron " + n.name + ": ";
}

Status apply_params(const experiment::Site& site, const experiment::Neuron& n, Chip& chip) {
  const neuron::ModelDef& model = chip.population().model();
  for (const auto& [name, param] : n.params) {
    std::string text;
    if (param.is_number()) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(param.value));
      text = buf;
    } else {
      text = std::get<std::string>(param.value);
    }
    auto v = neuron::parse_param_value(model, name, text);
    if (!v) return v.status().prefixed(where(site, n) + param.key_path + ": ");
    chip.population().param(name).value()[n.addr.index] = *v;
  }
  return Status::ok();
}

std::vector<Time> spike_train(const experiment::Neuron& n, Duration end, Rng& rng) {
  using experiment::DriveKind;
  const auto& d = n.drive;
  std::vector<Time> t;
  if (d.kind == DriveKind::regular) t = neuron::regular_train(d.rate_hz, d.start_ns, d.stop_ns ? d.stop_ns : end);
  if (d.kind == DriveKind::poisson) t = neuron::poisson_train(d.rate_hz, d.start_ns, d.stop_ns ? d.stop_ns : end, rng);
  if (d.kind == DriveKind::schedule) {
    std::vector<neuron::RatePhase> phases;
    for (const auto& p : d.phases) phases.push_back({p.rate_hz, p.duration_ns});
    auto process = d.process == experiment::SpikeProcess::poisson ? neuron::SpikeProcess::poisson
                                                                  : neuron::SpikeProcess::regular;
    t = neuron::schedule_train(phases, process, 0, rng);
  }
  if (n.spontaneous_hz > 0) {
    auto extra = neuron::poisson_train(n.spontaneous_hz, 0, end, rng);
    t.insert(t.end(), extra.begin(), extra.end());
    std::sort(t.begin(), t.end());
  }
  return t;
}

Status add_drive(const experiment::Experiment& e, const experiment::Site& site, const experiment::Neuron& n,
                 site::RoleHost& host, Chip& chip) {
  using experiment::DriveKind;
  const auto& d = n.drive;
  const Duration end = e.duration_ns > 0 ? e.duration_ns : 3600 * kSecond;
  if (d.kind == DriveKind::step || d.kind == DriveKind::ramp) {
    const Time stop = d.stop_ns ? d.stop_ns : end;
    if (stop <= d.start_ns) return error(Errc::invalid_argument, where(site, n) + "drive stop must be after start");
    auto input = d.kind == DriveKind::step ? neuron::CurrentInput::step(d.amplitude_a, d.start_ns, stop)
                                           : neuron::CurrentInput::ramp(d.from_a, d.to_a, d.start_ns, stop);
    ION_TRY(chip.add_current_drive(n.addr.index, std::move(input)));
  }
  Rng rng = host.rng("silicon.drive." + n.name);
  auto train = spike_train(n, end, rng);
  if (!train.empty()) ION_TRY(chip.add_pacemaker(n.addr.index, std::move(train)));
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<site::Role>> make_silicon_role(const experiment::Experiment& e, const experiment::Site& site,
                                                      site::RoleHost& host) {
  ChipConfig cfg = ChipConfig::defaults();
  cfg.site = site.id;
  if (site.chip) {
    if (site.chip->neurons_per_core != static_cast<int>(kNeuronsPerCore))
      return error(Errc::invalid_argument, "site " + site.name + ": the emulated chip has 256 neurons per core, not " +
                                               std::to_string(site.chip->neurons_per_core));
    cfg.cores = static_cast<uint32_t>(std::max(site.chip->cores, 0));
    cfg.max_fan_in = static_cast<uint32_t>(std::max(site.chip->synapses_per_neuron, 0));
  }
  cfg.external_i_w_a = 2e-9;
  auto role = SiliconRole::create(cfg, host);
  if (!role) return role.status().prefixed("site " + site.name + ": ");
  Chip& chip = (*role)->chip();
  for (const auto& n : e.neurons) {
    if (n.site != site.name) continue;
    if (n.model != "dpi")
      return error(Errc::invalid_argument, where(site, n) + "model \"" + n.model +
                                               "\" is not available on the emulated chip (its neurons are \"dpi\")");
    if (n.addr.index >= chip.size())
      return error(Errc::out_of_range, where(site, n) + "index " + std::to_string(n.addr.index) +
                                           " does not fit a chip of " + std::to_string(chip.size()) + " neurons");
    ION_TRY(apply_params(site, n, chip));
    ION_TRY(add_drive(e, site, n, host, chip));
  }
  return std::unique_ptr<site::Role>(std::move(*role));
}

}  // namespace ion::silicon
