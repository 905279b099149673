// SPDX-License-Identifier: Apache-2.0
#include "causality.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <variant>

#include "record/log_reader.hpp"

namespace ion::testing {
namespace {

struct Pulse {
  Time t;
  PlasticityAction action;
};

struct Collected {
  std::map<uint64_t, std::vector<Time>> spikes;           // neuron key → times
  std::vector<SynapticInput> inputs;                      // every input a post site recorded
  std::vector<std::pair<SynapticInput, Stimulus>> stims;  // stimulus with the input before it
  std::map<SynapseId, std::vector<Pulse>> pulses;         // LTP/LTD weight records
};

std::string at(Time t) { return " at " + std::to_string(t) + " ns"; }

void read_log(const std::string& path, Collected& c, CausalityReport& r) {
  auto log = record::LogReader::open(path);
  if (!log) {
    r.violations.push_back("log: " + log.status().message());
    return;
  }
  std::optional<SynapticInput> last_input;
  while (auto rec = log->next()) {
    if (auto* s = std::get_if<Spike>(&*rec)) {
      if (s->kind != SpikeKind::psp) c.spikes[s->source.key()].push_back(s->t);
    } else if (auto* in = std::get_if<SynapticInput>(&*rec)) {
      c.inputs.push_back(*in);
      last_input = *in;
    } else if (auto* st = std::get_if<Stimulus>(&*rec)) {
      if (!last_input) r.violations.push_back("stimulus: no input recorded before it" + at(st->t));
      else c.stims.emplace_back(*last_input, *st);
    } else if (auto* w = std::get_if<WeightUpdate>(&*rec)) {
      if (w->action != PlasticityAction::read) c.pulses[w->synapse].push_back({w->t, w->action});
    }
  }
}

bool spiked_at(const Collected& c, uint64_t neuron, Time t) {
  auto it = c.spikes.find(neuron);
  return it != c.spikes.end() && std::binary_search(it->second.begin(), it->second.end(), t);
}

const experiment::Synapse* synapse(const experiment::Experiment& e, SynapseId id) {
  return id < e.synapses.size() ? &e.synapses[id] : nullptr;
}

uint64_t neuron_key(const experiment::Experiment& e, const std::string& name) {
  const experiment::Neuron* n = e.find_neuron(name);
  return n ? n->addr.key() : ~uint64_t{0};
}

void check_inputs(const experiment::Experiment& e, const Collected& c, CausalityReport& r) {
  for (const auto& in : c.inputs) {
    ++r.inputs;
    const experiment::Synapse* s = synapse(e, in.synapse);
    if (!s) r.violations.push_back("input: unknown synapse " + std::to_string(in.synapse) + at(in.t));
    else if (!spiked_at(c, neuron_key(e, s->pre), in.t))
      r.violations.push_back("input of " + s->name + ": no spike of " + s->pre + at(in.t));
  }
}

void check_stimuli(const experiment::Experiment& e, const Collected& c, CausalityReport& r) {
  for (const auto& [in, st] : c.stims) {
    ++r.stimuli;
    const experiment::Synapse* s = synapse(e, st.synapse);
    const std::string name = s ? s->name : "synapse " + std::to_string(st.synapse);
    if (st.synapse != in.synapse)
      r.violations.push_back("stimulus of " + name + ": follows another synapse's input" + at(st.t));
    if (st.t <= in.t)
      r.violations.push_back("stimulus of " + name + at(st.t) + ": not after its presynaptic spike" + at(in.t));
  }
}

// Pulses of one synapse triggered by one neuron's spikes, matched greedily in time order to
// distinct spikes in [t − horizon − slack, t − horizon] (up to t at the end of the run).
void match_pulses(const std::string& what, std::vector<Time> pulses, const std::vector<Time>& spikes, Duration horizon,
                  Duration slack, Time end, CausalityReport& r) {
  std::sort(pulses.begin(), pulses.end());
  size_t j = 0;
  for (Time t : pulses) {
    ++r.pulses;
    const Time lo = t - horizon - slack;
    const Time hi = t >= end ? t : t - horizon;
    while (j < spikes.size() && spikes[j] < lo) ++j;
    if (j < spikes.size() && spikes[j] <= hi) {
      ++j;
      continue;
    }
    r.violations.push_back("pulse of " + what + at(t) + ": no unused triggering spike in [" + std::to_string(lo) +
                           ", " + std::to_string(hi) + "] ns");
  }
}

void check_pulses(const experiment::Experiment& e, const Collected& c, Duration slack, CausalityReport& r) {
  static const std::vector<Time> kNone;
  for (const auto& [id, pulses] : c.pulses) {
    const experiment::Synapse* s = synapse(e, id);
    if (!s) {
      r.violations.push_back("pulse: unknown synapse " + std::to_string(id));
      continue;
    }
    // STDP depresses on a presynaptic spike; every other decision follows a postsynaptic one.
    std::map<std::string, std::vector<Time>> by_trigger;
    for (const Pulse& p : pulses) {
      const bool pre = s->plasticity.rule == experiment::PlasticityRule::stdp && p.action == PlasticityAction::depress;
      by_trigger[pre ? s->pre : s->post].push_back(p.t);
    }
    for (auto& [neuron, times] : by_trigger) {
      auto it = c.spikes.find(neuron_key(e, neuron));
      match_pulses(s->name + " (triggered by " + neuron + ")", std::move(times),
                   it == c.spikes.end() ? kNone : it->second, s->plasticity.horizon_ns, slack, e.duration_ns, r);
    }
  }
}

}  // namespace

CausalityReport check_causality(const experiment::Experiment& e, const std::vector<std::string>& logs,
                                Duration pulse_slack) {
  CausalityReport r;
  Collected c;
  for (const auto& path : logs) read_log(path, c, r);
  for (auto& [key, times] : c.spikes) std::sort(times.begin(), times.end());
  check_inputs(e, c, r);
  check_stimuli(e, c, r);
  check_pulses(e, c, pulse_slack, r);
  return r;
}

std::string first_violations(const CausalityReport& r, size_t n) {
  std::string out = std::to_string(r.violations.size()) + " violation(s):";
  for (size_t i = 0; i < std::min(n, r.violations.size()); ++i) out += "\n  " + r.violations[i];
  return out;
}

}  // namespace ion::testing
