// SPDX-License-Identifier: Apache-2.0
#pragma once
// Puts spikes that arrive from several sites back into true experiment-time order before the
// plasticity rules see them. Spikes wait `horizon` (experiment time) after their own timestamp;
// then they are released in (time, arrival) order. A spike that arrives after spikes later
// than it were already released is "late": it is counted and NOT given to the rules (which
// require order); forwarding of that spike is unaffected.
#include <cstdint>
#include <queue>
#include <vector>

#include "core/events.hpp"
#include "core/time.hpp"

namespace ion::hub {

class EventOrderer {
 public:
  explicit EventOrderer(Duration horizon) : horizon_ns_(horizon) {}

  // Returns false (and counts) if the spike is too late to be ordered.
  bool push(const Spike& s);
  // Releases, in order, every spike with t <= now_exp - horizon. F: void(const Spike&).
  template <class F>
  void release(Time now_exp, F&& f) {
    while (!heap_.empty() && heap_.top().spike.t <= now_exp - horizon_ns_) {
      Spike s = heap_.top().spike;
      heap_.pop();
      frontier_ns_ = s.t;
      f(s);
    }
  }
  // Releases everything (end of experiment).
  template <class F>
  void drain(F&& f) {
    release(INT64_MAX / 2, f);
  }

  uint64_t late() const { return late_; }
  size_t pending() const { return heap_.size(); }

 private:
  struct Item {
    Spike spike;
    uint64_t arrival;
    bool operator>(const Item& o) const { return spike.t != o.spike.t ? spike.t > o.spike.t : arrival > o.arrival; }
  };
  Duration horizon_ns_;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap_;
  Time frontier_ns_ = INT64_MIN;  // time of the last released spike
  uint64_t next_arrival_ = 0;
  uint64_t late_ = 0;
};

}  // namespace ion::hub
