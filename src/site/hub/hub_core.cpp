// SPDX-License-Identifier: Apache-2.0
#include "site/hub/hub_core.hpp"

#include <cmath>

namespace ion::hub {

HubCore::HubCore(std::vector<HubSynapse> synapses, device::Crossbar& instrument, Duration horizon)
    : synapses_(std::move(synapses)), instrument_(instrument), orderer_(horizon) {
  state_.reserve(synapses_.size());
  for (uint32_t i = 0; i < synapses_.size(); ++i) {
    state_.push_back(State{PlasticityRule(synapses_[i].rule)});
    by_pre_[synapses_[i].pre.key()].push_back(i);
    by_post_[synapses_[i].post.key()].push_back(i);
  }
}

void HubCore::read_all(Time t, const UpdateSink& out) {
  for (size_t i = 0; i < synapses_.size(); ++i)
    record(i, instrument_.read(synapses_[i].word, synapses_[i].bit), PlasticityAction::read, t, out);
}

void HubCore::on_spike(const Spike& s, std::vector<SynapticInput>& forward) {
  ++counters_.spikes;
  const uint64_t key = s.source.key();
  auto pre = by_pre_.find(key);
  if (pre == by_pre_.end() && !by_post_.contains(key)) {
    ++counters_.unrouted;
    return;
  }
  if (pre != by_pre_.end() && s.kind != SpikeKind::psp) {  // a PSP never propagates
    for (uint32_t i : pre->second) {
      forward.push_back(SynapticInput{synapses_[i].post, synapses_[i].id, state_[i].weight, s.t});
      ++counters_.forwarded;
    }
  }
  if (!orderer_.push(s)) ++counters_.late;
}

void HubCore::advance(Time now_exp, const UpdateSink& out) {
  orderer_.release(now_exp, [&](const Spike& s) { apply_rule(s, now_exp, out); });
}

void HubCore::drain(Time now_exp, const UpdateSink& out) {
  orderer_.drain([&](const Spike& s) { apply_rule(s, now_exp, out); });
}

// The rules judge the spike at its own time s.t; the pulse happens now (now_exp >= s.t).
void HubCore::apply_rule(const Spike& s, Time now_exp, const UpdateSink& out) {
  const uint64_t key = s.source.key();
  if (auto it = by_pre_.find(key); it != by_pre_.end() && s.kind != SpikeKind::psp)
    for (uint32_t i : it->second) act(i, state_[i].rule.on_pre(s.t), now_exp, out);
  if (auto it = by_post_.find(key); it != by_post_.end())
    for (uint32_t i : it->second) {
      if (!state_[i].rule.history_complete(s.t)) ++counters_.withheld;
      act(i, state_[i].rule.on_post(s.t), now_exp, out);
    }
}

void HubCore::history_starts(Time t) {
  for (auto& st : state_) st.rule.history_starts(t);
}

// A plasticity decision becomes one pulse-then-read on the synapse's cell; "read" (no decision)
// touches nothing. A failed or non-finite read leaves the weight unchanged and is counted.
void HubCore::act(size_t i, PlasticityAction a, Time t, const UpdateSink& out) {
  if (a == PlasticityAction::read) return;
  const HubSynapse& syn = synapses_[i];
  const bool ltp = a == PlasticityAction::potentiate;
  const PulseSpec& p = ltp ? syn.ltp : syn.ltd;
  ++(ltp ? counters_.potentiations : counters_.depressions);
  record(i, instrument_.pulse_read(syn.word, syn.bit, p.amplitude_v, p.width_ns), a, t, out);
}

void HubCore::record(size_t i, const Result<double>& r, PlasticityAction a, Time t, const UpdateSink& out) {
  if (!r || !std::isfinite(*r)) {
    ++counters_.device_errors;
    return;
  }
  state_[i].resistance_ohm = *r;
  state_[i].weight = synapses_[i].map.weight(*r);
  out(WeightUpdate{synapses_[i].id, t, static_cast<float>(*r), state_[i].weight, a});
}

float HubCore::weight(SynapseId id) const {
  for (size_t i = 0; i < synapses_.size(); ++i)
    if (synapses_[i].id == id) return state_[i].weight;
  return 0;
}

}  // namespace ion::hub
