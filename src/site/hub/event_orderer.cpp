// SPDX-License-Identifier: Apache-2.0
#include "site/hub/event_orderer.hpp"

namespace ion::hub {

bool EventOrderer::push(const Spike& s, uint32_t tag) {
  if (s.t < frontier_ns_) {
    ++late_;
    return false;
  }
  const Item it{s, next_arrival_++, tag};
  // Arrival numbers grow, so an item not earlier in time than the run's last is also its
  // successor in (time, arrival) order.
  if (run_head_ == run_.size() || s.t >= run_.back().spike.t) {
    run_.push_back(it);
  } else {
    heap_.push(it);
  }
  return true;
}

void EventOrderer::pop(const Item* it) {
  if (!heap_.empty() && it == &heap_.top()) {
    heap_.pop();
    return;
  }
  ++run_head_;
}

void EventOrderer::compact_run() {
  if (run_head_ == run_.size()) {
    run_.clear();  // empty: reuse the capacity from the start
    run_head_ = 0;
  } else if (run_head_ >= kCompactAt && run_head_ * 2 >= run_.size()) {
    // A run that never empties (a steady stream behind a horizon) drops its released part once
    // it is at least half, so memory stays bounded by the spikes pending; amortised O(1) per spike.
    run_.erase(run_.begin(), run_.begin() + static_cast<std::ptrdiff_t>(run_head_));
    run_head_ = 0;
  }
}

}  // namespace ion::hub
