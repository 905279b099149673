// SPDX-License-Identifier: Apache-2.0
#pragma once
// Plasticity rules of the hub. A rule sees the pre and post spikes of one synapse IN TRUE
// EXPERIMENT-TIME ORDER (the EventOrderer guarantees it) and answers with at most one pulse
// decision per event; the instrument then decides how much the device actually changes.
//
// SRDP (the reference hub): evaluated when the postsynaptic neuron fires — count presynaptic
// spikes in [t_post − window, t_post); count > ltp_above → potentiate; count < ltd_below →
// depress; otherwise nothing. A rate needs a full window of observation: no decision is taken
// while the window still reaches before the start of the rule's history (experiment time 0,
// or the restart of a resumed hub), so the first `window` of a run never pulses.
// STDP (pair based, nearest neighbour): a post spike within tau_plus after the last pre spike →
// potentiate; a pre spike within tau_minus after the last post spike → depress.
#include <compare>
#include <cstdint>
#include <memory>

#include "core/events.hpp"
#include "core/time.hpp"

namespace ion::hub {

enum class RuleKind { none, srdp, stdp };

struct RuleParams {
  RuleKind kind = RuleKind::none;
  Duration window_ns = kSecond;               // srdp
  int ltp_above = 20;                         // srdp
  int ltd_below = 5;                          // srdp
  Duration tau_plus_ns = 20 * kMillisecond;   // stdp
  Duration tau_minus_ns = 20 * kMillisecond;  // stdp
  // Every member, in order: HubCore shares equal parameter sets between synapses by it.
  auto operator<=>(const RuleParams&) const = default;
};

// Per-synapse rule state. Memory is bounded: SRDP keeps only the pre spikes inside the window.
// The rule refers to its parameters, it does not copy them: a hub's synapses share a handful of
// parameter sets, so the per-synapse state stays within one cache line (HubCore::State).
class PlasticityRule {
 public:
  // REQUIRES: p outlives the rule (a temporary would not, hence the deleted overload).
  explicit PlasticityRule(const RuleParams& p) : p_(&p) {}
  explicit PlasticityRule(const RuleParams&& p) = delete;
  // REQUIRES: calls in non-decreasing t across on_pre and on_post.
  PlasticityAction on_pre(Time t);
  PlasticityAction on_post(Time t);
  // Presynaptic spikes currently inside the SRDP window ending at t (for tests and reports).
  int pre_count(Time t);
  // The rule saw no events before t (default 0, the start of the experiment; a hub resumed after
  // a crash: spikes of the outage and the pre spikes held in memory are gone). SRDP decisions
  // whose window starts before t are withheld (no pulse on incomplete evidence); STDP needs no
  // change (its pairs restart empty).
  void history_starts(Time t) { history_from_ns_ = t; }
  // False when an SRDP decision at t would rest on a window reaching before history_starts().
  bool history_complete(Time t) const { return p_->kind != RuleKind::srdp || t - p_->window_ns >= history_from_ns_; }

 private:
  // Drops the pre spikes before t (inline: the hub calls it twice per plastic event).
  void forget_before(Time t) {
    while (pre_count_ > 0 && pre_ring_[pre_head_] < t) {
      pre_head_ = (pre_head_ + 1) & pre_mask_;
      --pre_count_;
    }
  }
  void push_pre(Time t) {
    if (pre_count_ == pre_capacity()) grow();
    pre_ring_[(pre_head_ + pre_count_++) & pre_mask_] = t;
  }
  Time pre_at(uint32_t k) const { return pre_ring_[(pre_head_ + k) & pre_mask_]; }
  uint32_t pre_capacity() const { return pre_ring_ ? pre_mask_ + 1 : 0; }
  void grow();
  const RuleParams* p_;
  // srdp: the pre spikes inside the window, ascending from pre_head_, in a ring whose capacity
  // (0 or a power of two, pre_mask_ + 1) doubles when full and never shrinks: bounded by the most
  // pre spikes a window ever held. Nothing is moved when spikes leave the window (a vector with a
  // head index moved its tail down every half window: memmove per synapse in the hub's profile).
  std::unique_ptr<Time[]> pre_ring_;
  uint32_t pre_mask_ = 0, pre_head_ = 0, pre_count_ = 0;
  Time last_pre_ns_ = INT64_MIN;
  Time last_post_ns_ = INT64_MIN;
  Time history_from_ns_ = 0;  // experiment time starts at 0: nothing was missed before it
};

}  // namespace ion::hub
