// SPDX-License-Identifier: Apache-2.0
#include "site/hub/plasticity.hpp"

namespace ion::hub {

void PlasticityRule::forget_before(Time t) {
  while (pre_head_ < pre_times_.size() && pre_times_[pre_head_] < t) ++pre_head_;
  if (pre_head_ * 2 < pre_times_.size() + 8) return;  // compact only when the front is large
  pre_times_.erase(pre_times_.begin(), pre_times_.begin() + static_cast<std::ptrdiff_t>(pre_head_));
  pre_head_ = 0;
}

int PlasticityRule::pre_count(Time t) {
  forget_before(t - p_.window_ns);
  // pre_times_ ascends (calls come in time order), so the spikes at or after t are its tail: the
  // count of x < t is its length without that tail, found from the back (usually no step).
  size_t n = pre_times_.size();
  while (n > pre_head_ && pre_times_[n - 1] >= t) --n;
  return static_cast<int>(n - pre_head_);
}

PlasticityAction PlasticityRule::on_pre(Time t) {
  PlasticityAction a = PlasticityAction::read;
  if (p_.kind == RuleKind::srdp) {
    pre_times_.push_back(t);
    forget_before(t - p_.window_ns);
  } else if (p_.kind == RuleKind::stdp && last_post_ns_ != INT64_MIN && t - last_post_ns_ <= p_.tau_minus_ns) {
    a = PlasticityAction::depress;
  }
  last_pre_ns_ = t;
  return a;
}

PlasticityAction PlasticityRule::on_post(Time t) {
  PlasticityAction a = PlasticityAction::read;
  if (p_.kind == RuleKind::srdp && history_complete(t)) {
    const int n = pre_count(t);
    if (n > p_.ltp_above) a = PlasticityAction::potentiate;
    else if (n < p_.ltd_below) a = PlasticityAction::depress;
  } else if (p_.kind == RuleKind::stdp && last_pre_ns_ != INT64_MIN && t - last_pre_ns_ <= p_.tau_plus_ns) {
    a = PlasticityAction::potentiate;
  }
  last_post_ns_ = t;
  return a;
}

}  // namespace ion::hub
