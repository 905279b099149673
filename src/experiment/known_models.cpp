// SPDX-License-Identifier: Apache-2.0
#include "experiment/known_models.hpp"

#include <array>

namespace ion::experiment {
namespace {

using namespace std::string_view_literals;

constexpr std::array kNeuronModels{"lif"sv, "lif-cond"sv,       "adex"sv, "izhikevich"sv,
                                   "hh"sv,  "hh-hippocampal"sv, "dpi"sv};
constexpr std::array kDeviceModels{"linear-drift"sv, "vteam"sv, "yakopcic"sv, "compact"sv, "data-driven"sv};
constexpr std::array kDriftWindows{"joglekar"sv, "biolek"sv, "prodromakis"sv, "none"sv};

struct Preset {
  std::string_view name;
  std::string_view model;
};
// The device layer's presets (device/models_*.cpp; docs/models.md): TiOx fits (TCAD 2018), the
// ArC emulator's compact-model set, the Oblea set for Yakopcic, Strukov's HP set and a common
// VTEAM set. The names must be the device layer's (tests/site/hub/device_ranges_test.cpp checks).
constexpr std::array kPresets{Preset{"tiox-dut1", "data-driven"},    Preset{"tiox-dut2", "data-driven"},
                              Preset{"arc-emulator", "compact"},     Preset{"oblea", "yakopcic"},
                              Preset{"strukov2008", "linear-drift"}, Preset{"kvatinsky2015", "vteam"}};
constexpr std::array kPresetNames{"tiox-dut1"sv, "tiox-dut2"sv,   "arc-emulator"sv,
                                  "oblea"sv,     "strukov2008"sv, "kvatinsky2015"sv};

constexpr std::array kRoles{"bio"sv, "hub"sv, "silicon"sv};
constexpr std::array kModes{"realtime"sv, "sim"sv};
constexpr std::array kInstrumentKinds{"simulated"sv, "arc1"sv};
constexpr std::array kSourceKinds{"culture"sv, "openephys"sv, "raw"sv, "hdf5"sv};
constexpr std::array kMaterials{"TiN"sv, "Pt"sv, "IrOx"sv, "TiO2"sv};
constexpr std::array kPolicies{"refuse"sv, "clamp"sv};
constexpr std::array kChipKinds{"emulated"sv};
constexpr std::array kDriveKinds{"regular"sv, "poisson"sv, "schedule"sv, "step"sv, "ramp"sv, "none"sv};
constexpr std::array kProcesses{"regular"sv, "poisson"sv};
constexpr std::array kRules{"srdp"sv, "stdp"sv, "none"sv};
constexpr std::array kPolarities{"low-r-strong"sv, "high-r-strong"sv};
constexpr std::array kConnect{"all-to-all"sv, "one-to-one"sv};

}  // namespace

NameList neuron_model_names() { return kNeuronModels; }
NameList device_model_names() { return kDeviceModels; }
NameList drift_window_names() { return kDriftWindows; }
NameList device_preset_names() { return kPresetNames; }
NameList site_role_names() { return kRoles; }
NameList mode_names() { return kModes; }
NameList instrument_kind_names() { return kInstrumentKinds; }
NameList source_kind_names() { return kSourceKinds; }
NameList electrode_material_names() { return kMaterials; }
NameList stim_policy_names() { return kPolicies; }
NameList chip_kind_names() { return kChipKinds; }
NameList drive_kind_names() { return kDriveKinds; }
NameList spike_process_names() { return kProcesses; }
NameList plasticity_rule_names() { return kRules; }
NameList weight_polarity_names() { return kPolarities; }
NameList connect_names() { return kConnect; }

std::string_view preset_model(std::string_view preset) {
  for (const auto& p : kPresets)
    if (p.name == preset) return p.model;
  return {};
}

bool contains(NameList list, std::string_view name) {
  for (auto n : list)
    if (n == name) return true;
  return false;
}

}  // namespace ion::experiment
