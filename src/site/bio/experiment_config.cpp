// SPDX-License-Identifier: Apache-2.0
#include "site/bio/experiment_config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "site/bio/openephys.hpp"

namespace ion::bio {

namespace {
constexpr double kAssumedCapacitanceFPerM2 = 5e-6 / 1e-4;  // 5 µF/cm²
constexpr double kDefaultGainV = 0.195e-6;
constexpr double kExperimentStimGainAPerC = 50.0;

Result<ElectrodeMaterial> material_from(const std::string& name, const std::string& where) {
  if (name == "Pt") return ElectrodeMaterial::platinum;
  if (name == "TiN") return ElectrodeMaterial::titanium_nitride;
  if (name == "IrOx") return ElectrodeMaterial::iridium_oxide;
  if (name == "TiO2") return ElectrodeMaterial::titanium_dioxide;
  return error(Errc::invalid_argument,
               fmt::format("{}: unknown electrode material \"{}\" (expected Pt, TiN, IrOx or TiO2)", where, name));
}

Result<CultureConfig> culture_from(const experiment::Experiment& e, const experiment::Site& site,
                                   const experiment::SourceConfig& src) {
  CultureConfig cc;
  cc.channels = static_cast<uint32_t>(std::max(1, src.electrodes));
  cc.sample_rate_hz = src.rate_hz;
  const auto neurons = static_cast<uint32_t>(std::max(1, src.neurons));
  cc.neurons_per_electrode = std::max<uint32_t>(1, neurons / cc.channels);
  cc.background_neurons = neurons > cc.neurons_per_electrode * cc.channels
                              ? neurons - cc.neurons_per_electrode * cc.channels
                              : 0;
  double spontaneous_hz = 0;
  for (const auto& n : e.neurons)
    if (n.site == site.name && !n.model.empty()) {
      cc.model = n.model;
      spontaneous_hz = n.spontaneous_hz;
      break;
    }
  cc.seed = 0;  // → host.rng("bio.culture")
  // Stimulus → EPSC gain of an experiment's culture. Calibrated on the built-in experiment so that a
  // full-weight stimulus (1 V on a 2000 µm² electrode) evokes a spike in > 90 % of trials and a
  // weight-0.2 stimulus in < 20 % (docs/models.md, "Culture emulator").
  cc.stim_gain_a_per_c = kExperimentStimGainAPerC;
  if (spontaneous_hz > 0) {
    cc.seed = 1;  // calibration runs are seeded on their own
    auto cal = calibrate_drive(cc, spontaneous_hz);
    ION_TRY(cal.status());
    cc = *cal;
    cc.seed = 0;
  }
  return cc;
}

Result<std::unique_ptr<SignalSource>> recording_from(const experiment::SourceConfig& src) {
  switch (src.kind) {
    case experiment::SourceKind::openephys:
      return open_openephys(src.path, OeSelect{src.experiment, src.recording});
    case experiment::SourceKind::raw:
      return open_raw_int16(src.path, static_cast<uint32_t>(std::max(0, src.channels)), src.rate_hz, kDefaultGainV);
    case experiment::SourceKind::hdf5:
      return open_hdf5(src.path, src.dataset.empty() ? "/data" : src.dataset, src.rate_hz, kDefaultGainV);
    case experiment::SourceKind::culture:
      break;
  }
  return error(Errc::internal, "bio: not a recording source");
}

Status limits_from(const experiment::StimulatorConfig& s, const std::string& where, BioRoleConfig& c) {
  auto mat = material_from(s.material, where);
  ION_TRY(mat.status());
  c.limits.mode = StimMode::voltage;
  c.limits.material = *mat;
  c.limits.electrode_area_m2 = s.electrode_area_m2;
  c.limits.capacitance_f = kAssumedCapacitanceFPerM2 * s.electrode_area_m2;
  c.limits.max_amplitude = s.max_amplitude_v;
  c.limits.max_charge_c = s.max_charge_c > 0 ? s.max_charge_c : 100e-9;  // 0 → material × area bound
  c.limits.max_rate_hz = s.max_rate_hz;
  c.limits.shannon_k = s.shannon_k;
  const double width_s = to_seconds(s.pulse_width_ns);
  c.limits.min_width_s = std::min(20e-6, width_s);
  c.limits.max_width_s = std::max(400e-6, width_s);
  c.limits.policy = s.policy == experiment::StimPolicy::clamp ? ViolationPolicy::clamp : ViolationPolicy::refuse;
  c.mapping.weight_to_amplitude = true;
  c.mapping.amplitude_min = 0;
  c.mapping.amplitude_max = s.max_amplitude_v;
  c.mapping.width_min_s = c.mapping.width_max_s = width_s;
  return Status::ok();
}
}  // namespace

Result<BioRoleConfig> bio_config_from_experiment(const experiment::Experiment& e, const experiment::Site& site) {
  const std::string where = "site " + site.name;
  if (!site.source) return error(Errc::invalid_argument, where + ": a bio site needs a source");
  BioRoleConfig c;
  c.site = site.id;
  c.threshold_k = site.source->threshold_k;
  if (site.source->kind == experiment::SourceKind::culture) {
    auto cc = culture_from(e, site, *site.source);
    ION_TRY(cc.status());
    c.culture = *cc;
  } else {
    auto rec = recording_from(*site.source);
    if (!rec) return rec.status().prefixed(where + ": ");
    c.recording = std::move(*rec);
  }
  if (site.stimulator) ION_TRY(limits_from(*site.stimulator, where, c));
  return c;
}

Result<std::unique_ptr<site::Role>> make_bio_role(const experiment::Experiment& e, const experiment::Site& site,
                                                  site::RoleHost& host, std::optional<SignalRecordingConfig> signal) {
  auto cfg = bio_config_from_experiment(e, site);
  ION_TRY(cfg.status());
  cfg->signal = std::move(signal);
  auto role = BioRole::create(std::move(*cfg), host);
  if (!role) return role.status().prefixed("site " + site.name + ": ");
  return std::unique_ptr<site::Role>(std::move(*role));
}

}  // namespace ion::bio
