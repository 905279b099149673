// SPDX-License-Identifier: Apache-2.0
#pragma once
// The ONE place listing the names an experiment file may use for models, presets and kinds.
// Later layers (neuron/, device/, site/) own the implementations and validate parameters; they
// should keep these lists in sync (a test in their layer can compare their registry to these).
#include <span>
#include <string_view>

namespace ion::experiment {

using NameList = std::span<const std::string_view>;

NameList neuron_model_names();   // lif, lif-cond, adex, izhikevich, hh, hh-hippocampal, dpi
NameList device_model_names();   // linear-drift, vteam, yakopcic, compact, data-driven
NameList drift_window_names();   // joglekar, biolek, prodromakis, none (linear-drift only)
NameList device_preset_names();  // tiox-dut1, tiox-dut2, arc-emulator, oblea, ...
// The device model a preset belongs to, or "" for an unknown preset.
std::string_view preset_model(std::string_view preset);

NameList site_role_names();           // bio, hub, silicon
NameList mode_names();                // realtime, sim
NameList instrument_kind_names();     // simulated, arc1
NameList source_kind_names();         // culture, openephys, raw, hdf5
NameList electrode_material_names();  // TiN, Pt, IrOx, TiO2
NameList stim_policy_names();         // refuse, clamp
NameList chip_kind_names();           // emulated
NameList drive_kind_names();          // regular, poisson, schedule, step, ramp, none
NameList spike_process_names();       // regular, poisson
NameList plasticity_rule_names();     // srdp, stdp, none
NameList weight_polarity_names();     // low-r-strong, high-r-strong
NameList connect_names();             // all-to-all, one-to-one

bool contains(NameList list, std::string_view name);

}  // namespace ion::experiment
