// SPDX-License-Identifier: Apache-2.0
#include "report/describe.hpp"

#include <algorithm>
#include <tuple>

#include "experiment/known_models.hpp"
#include "experiment/load.hpp"

namespace ion::report {
namespace {

record::NeuronRow neuron_row(const experiment::Neuron& n) { return {n.addr.site, n.addr.index, n.name, n.model}; }

record::SynapseRow synapse_row(const experiment::Synapse& s) {
  // plasticity_rule_names() lists the rules in the enum's order (the loader maps names by index).
  const auto rule = experiment::plasticity_rule_names()[static_cast<size_t>(s.plasticity.rule)];
  return {s.id, s.name, s.pre, s.post, s.hub, s.word, s.bit, s.device.model, s.device.preset, std::string(rule)};
}

}  // namespace

record::RecordingDescription describe_recording(const experiment::Experiment& e) {
  record::RecordingDescription d;
  for (const auto& n : e.neurons) d.neurons.push_back(neuron_row(n));
  for (const auto& s : e.synapses) d.synapses.push_back(synapse_row(s));
  std::sort(d.neurons.begin(), d.neurons.end(),
            [](const auto& a, const auto& b) { return std::tie(a.site, a.index) < std::tie(b.site, b.index); });
  std::sort(d.synapses.begin(), d.synapses.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return d;
}

Result<record::RecordingDescription> describe_recorded(const record::MergedRecording& m, const std::string& source) {
  if (m.experiment_file.empty())
    return error(Errc::not_found, "the logs in " + source + " hold no experiment_file note");
  auto e = experiment::load_experiment_text(m.experiment_file, source + " (recorded experiment file)");
  if (!e) return e.status();
  return describe_recording(*e);
}

}  // namespace ion::report
