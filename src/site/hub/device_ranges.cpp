// SPDX-License-Identifier: Apache-2.0
#include "site/hub/device_ranges.hpp"

#include <set>

#include "device/fitted_range.hpp"

namespace ion::hub {
namespace {

using experiment::Synapse;

struct Checker {
  std::vector<RangeWarning>& out;
  const device::Model& model;
  const device::Preset& preset;
  const Synapse& syn;
  std::string path;  // "synapses[i]"

  void warn(const experiment::SourceLoc& loc, const std::string& key, const std::string& what, const std::string& why) {
    if (why.empty()) return;
    const experiment::SourceLoc& at = loc.line > 0 ? loc : syn.loc;
    out.push_back({at, path + "." + key, syn.hub, device::extrapolation_warning(what, model, preset, why)});
  }
  void pulse(const char* key, const experiment::Pulse& p, const char* what) {
    warn(p.loc, std::string("plasticity.") + key, "the " + std::string(what) + " pulse of synapse " + syn.group,
         device::pulse_outside(preset.fitted, p.amplitude_v, to_seconds(p.width_ns)));
  }
  void run() {
    if (syn.device.r0_ohm > 0)
      warn(syn.loc, "device.r0", "the initial resistance of synapse " + syn.group,
           device::resistance_outside(preset.fitted, syn.device.r0_ohm));
    if (syn.plasticity.rule == experiment::PlasticityRule::none) return;
    pulse("ltp_pulse", syn.plasticity.ltp_pulse, "LTP");
    pulse("ltd_pulse", syn.plasticity.ltd_pulse, "LTD");
  }
};

}  // namespace

std::string device_model_name(const experiment::DeviceConfig& d) {
  if (d.model == "linear-drift" && !d.window.empty() && d.window != "none") return d.window;
  return d.model;
}

std::string RangeWarning::to_string() const {
  return loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col) + ": " + key_path +
         ": warning: " + message;
}

std::vector<RangeWarning> device_range_warnings(const experiment::Experiment& e) {
  std::vector<RangeWarning> out;
  std::set<std::string> seen;  // entries already checked (members of one block share everything)
  for (const Synapse& s : e.synapses) {
    const size_t entry = seen.size();
    if (!seen.insert(s.group).second) continue;
    const device::Model* m = device::find_model(device_model_name(s.device));
    const device::Preset* p = m ? device::find_preset(*m, s.device.preset) : nullptr;
    if (!p) continue;  // unknown names are the loader's (or the hub's) error, not a range question
    Checker{out, *m, *p, s, "synapses[" + std::to_string(entry) + "]"}.run();
  }
  return out;
}

}  // namespace ion::hub
