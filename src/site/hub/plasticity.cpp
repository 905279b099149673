// SPDX-License-Identifier: Apache-2.0
#include "site/hub/plasticity.hpp"

#include <stdexcept>

namespace ion::hub {

void PlasticityRule::grow() {
  // 2^31 spikes (16 GiB) in one window would overflow the 32-bit capacity: refuse rather than wrap.
  if (pre_capacity() > UINT32_MAX / 2) throw std::length_error("SRDP window holds too many pre spikes");
  const uint32_t capacity = pre_ring_ ? 2 * pre_capacity() : 8;
  auto bigger = std::make_unique<Time[]>(capacity);
  for (uint32_t k = 0; k < pre_count_; ++k) bigger[k] = pre_at(k);
  pre_ring_ = std::move(bigger);
  pre_mask_ = capacity - 1;
  pre_head_ = 0;
}

int PlasticityRule::pre_count(Time t) {
  forget_before(t - p_->window_ns);
  // The ring ascends (calls come in time order), so the spikes at or after t are its tail: the
  // count of x < t is its length without that tail, found from the back (usually no step).
  uint32_t n = pre_count_;
  while (n > 0 && pre_at(n - 1) >= t) --n;
  return static_cast<int>(n);
}

PlasticityAction PlasticityRule::on_pre(Time t) {
  PlasticityAction a = PlasticityAction::read;
  if (p_->kind == RuleKind::srdp) {
    push_pre(t);
    forget_before(t - p_->window_ns);
  } else if (p_->kind == RuleKind::stdp && last_post_ns_ != INT64_MIN && t - last_post_ns_ <= p_->tau_minus_ns) {
    a = PlasticityAction::depress;
  }
  last_pre_ns_ = t;
  return a;
}

PlasticityAction PlasticityRule::on_post(Time t) {
  PlasticityAction a = PlasticityAction::read;
  if (p_->kind == RuleKind::srdp && history_complete(t)) {
    const int n = pre_count(t);
    if (n > p_->ltp_above) a = PlasticityAction::potentiate;
    else if (n < p_->ltd_below) a = PlasticityAction::depress;
  } else if (p_->kind == RuleKind::stdp && last_pre_ns_ != INT64_MIN && t - last_pre_ns_ <= p_->tau_plus_ns) {
    a = PlasticityAction::potentiate;
  }
  last_post_ns_ = t;
  return a;
}

}  // namespace ion::hub
