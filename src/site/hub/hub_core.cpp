// SPDX-License-Identifier: Apache-2.0
#include "site/hub/hub_core.hpp"

#include <cmath>
#include <map>

namespace ion::hub {

HubCore::HubCore(std::vector<HubSynapse> synapses, device::Crossbar& instrument, Duration horizon)
    : synapses_(std::move(synapses)), instrument_(instrument), orderer_(horizon) {
  // The distinct rules first: the rules point into rule_params_, which must not move after.
  const std::vector<uint32_t> rule_of = share_rule_params();
  state_.reserve(synapses_.size());
  std::vector<uint64_t> pre_keys, post_keys;
  for (size_t i = 0; i < synapses_.size(); ++i) {
    state_.push_back(State{PlasticityRule(rule_params_[rule_of[i]])});
    pre_keys.push_back(synapses_[i].pre.key());
    post_keys.push_back(synapses_[i].post.key());
  }
  routes_ = NeuronRoutes(pre_keys, post_keys);
}

// Synapses with equal rules share one RuleParams: usually a handful of sets, which stay in cache
// while the rules run. Returns each synapse's position in rule_params_.
std::vector<uint32_t> HubCore::share_rule_params() {
  std::map<RuleParams, uint32_t> index;  // ordered by every member (RuleParams::operator<=>)
  std::vector<uint32_t> rule_of;
  rule_of.reserve(synapses_.size());
  for (const HubSynapse& syn : synapses_) {
    auto [it, added] = index.try_emplace(syn.rule, static_cast<uint32_t>(rule_params_.size()));
    if (added) rule_params_.push_back(syn.rule);
    rule_of.push_back(it->second);
  }
  return rule_of;
}

namespace {
void emit(const UpdateSink& out, const WeightUpdate& u) { out(u); }
void emit(std::vector<WeightUpdate>& out, const WeightUpdate& u) { out.push_back(u); }
}  // namespace

void HubCore::read_all(Time t, const UpdateSink& out) { read_all_to(t, out); }
void HubCore::advance(Time now_exp, const UpdateSink& out) { advance_to(now_exp, out); }
void HubCore::drain(Time now_exp, const UpdateSink& out) { drain_to(now_exp, out); }
void HubCore::read_all(Time t, std::vector<WeightUpdate>& updates) { read_all_to(t, updates); }
void HubCore::advance(Time now_exp, std::vector<WeightUpdate>& updates) { advance_to(now_exp, updates); }
void HubCore::drain(Time now_exp, std::vector<WeightUpdate>& updates) { drain_to(now_exp, updates); }

template <class Out>
void HubCore::read_all_to(Time t, Out& out) {
  for (size_t i = 0; i < synapses_.size(); ++i)
    record(i, instrument_.read(synapses_[i].word, synapses_[i].bit), PlasticityAction::read, t, out);
}

// The spike's route is looked up once, here; its number waits with the spike in the orderer.
void HubCore::on_spike(const Spike& s, std::vector<SynapticInput>& forward) {
  ++counters_.spikes;
  const NeuronRoutes::Entry* r = routes_.find(s.source.key());
  if (r == nullptr) {
    ++counters_.unrouted;
    return;
  }
  if (s.kind != SpikeKind::psp) {  // a PSP never propagates
    for (uint32_t i : routes_.pre(*r)) {
      forward.push_back(SynapticInput{synapses_[i].post, synapses_[i].id, state_[i].weight, s.t});
      ++counters_.forwarded;
    }
  }
  if (!orderer_.push(s, routes_.number(*r))) ++counters_.late;
}

template <class Out>
void HubCore::advance_to(Time now_exp, Out& out) {
  orderer_.release(now_exp, [&](const Spike& s, uint32_t route) { apply_rule(s, route, now_exp, out); });
}

template <class Out>
void HubCore::drain_to(Time now_exp, Out& out) {
  orderer_.drain([&](const Spike& s, uint32_t route) { apply_rule(s, route, now_exp, out); });
}

// The rules judge the spike at its own time s.t; the pulse happens now (now_exp >= s.t).
template <class Out>
void HubCore::apply_rule(const Spike& s, uint32_t route, Time now_exp, Out& out) {
  const NeuronRoutes::Entry& r = routes_.entry(route);
  if (s.kind != SpikeKind::psp)
    for (uint32_t i : routes_.pre(r)) act(i, state_[i].rule.on_pre(s.t), now_exp, out);
  for (uint32_t i : routes_.post(r)) {
    if (!state_[i].rule.history_complete(s.t)) ++counters_.withheld;
    act(i, state_[i].rule.on_post(s.t), now_exp, out);
  }
}

void HubCore::history_starts(Time t) {
  for (auto& st : state_) st.rule.history_starts(t);
}

// A plasticity decision becomes one pulse-then-read on the synapse's cell; "read" (no decision)
// touches nothing. A failed or non-finite read leaves the weight unchanged and is counted.
template <class Out>
void HubCore::act(size_t i, PlasticityAction a, Time t, Out& out) {
  if (a == PlasticityAction::read) return;
  const HubSynapse& syn = synapses_[i];
  const bool ltp = a == PlasticityAction::potentiate;
  const PulseSpec& p = ltp ? syn.ltp : syn.ltd;
  ++(ltp ? counters_.potentiations : counters_.depressions);
  record(i, instrument_.pulse_read(syn.word, syn.bit, p.amplitude_v, p.width_ns), a, t, out);
}

template <class Out>
void HubCore::record(size_t i, const Result<double>& r, PlasticityAction a, Time t, Out& out) {
  if (!r || !std::isfinite(*r)) {
    ++counters_.device_errors;
    return;
  }
  state_[i].weight = synapses_[i].map.weight(*r);
  emit(out, WeightUpdate{synapses_[i].id, t, static_cast<float>(*r), state_[i].weight, a});
}

float HubCore::weight(SynapseId id) const {
  for (size_t i = 0; i < synapses_.size(); ++i)
    if (synapses_[i].id == id) return state_[i].weight;
  return 0;
}

}  // namespace ion::hub
