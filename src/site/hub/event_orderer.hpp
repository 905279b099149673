// SPDX-License-Identifier: Apache-2.0
#pragma once
// Puts spikes that arrive from several sites back into true experiment-time order before the
// plasticity rules see them. Spikes wait `horizon` (experiment time) after their own timestamp;
// then they are released in (time, arrival) order. A spike that arrives after spikes later
// than it were already released is "late": it is counted and NOT given to the rules (which
// require order); forwarding of that spike is unaffected.
//
// Storage: most spikes arrive already in time order (one sending site, or sites whose batches do
// not interleave), so a spike whose time is not below the newest queued in-order spike goes to a
// FIFO run (O(1)); only a spike that arrives out of order goes to a binary heap. Release merges
// the two by the same strict total order (time, arrival), so the released sequence is exactly
// the one a single heap gives (tests/site/hub/event_orderer_test.cpp checks it against one).
#include <cstddef>
#include <cstdint>
#include <queue>
#include <type_traits>
#include <vector>

#include "core/events.hpp"
#include "core/time.hpp"

namespace ion::hub {

class EventOrderer {
 public:
  explicit EventOrderer(Duration horizon) : horizon_ns_(horizon) {}

  // Returns false (and counts) if the spike is too late to be ordered. `tag` travels with the
  // spike and comes back with it on release (HubCore: the spike's route, so it is looked up once).
  bool push(const Spike& s, uint32_t tag = 0);
  // Releases, in order, every spike with t <= now_exp - horizon.
  // F: void(const Spike&) or void(const Spike&, uint32_t tag).
  template <class F>
  void release(Time now_exp, F&& f) {
    const Time up_to = now_exp - horizon_ns_;
    for (;;) {
      const Item* next = front();
      if (next == nullptr || next->spike.t > up_to) break;
      const Spike s = next->spike;
      const uint32_t tag = next->tag;
      pop(next);
      frontier_ns_ = s.t;
      if constexpr (std::is_invocable_v<F, const Spike&, uint32_t>) {
        f(s, tag);
      } else {
        f(s);
      }
    }
    compact_run();
  }
  // Releases everything (end of experiment).
  template <class F>
  void drain(F&& f) {
    release(INT64_MAX / 2, f);
  }

  uint64_t late() const { return late_; }
  size_t pending() const { return run_.size() - run_head_ + heap_.size(); }
  // Items held in memory: the pending ones plus released run items not yet compacted away.
  size_t stored() const { return run_.size() + heap_.size(); }
  static constexpr size_t kCompactAt = 4096;  // released run items kept before compaction

 private:
  struct Item {
    Spike spike;
    uint64_t arrival;
    uint32_t tag;
    bool operator>(const Item& o) const { return spike.t != o.spike.t ? spike.t > o.spike.t : arrival > o.arrival; }
  };
  // The smallest queued item by (time, arrival), or nullptr when empty.
  const Item* front() const {
    const Item* r = run_head_ < run_.size() ? &run_[run_head_] : nullptr;
    if (heap_.empty()) return r;
    const Item* h = &heap_.top();
    return r == nullptr || *r > *h ? h : r;
  }
  void pop(const Item* it);
  // Once per release, not per pop: a release that empties the run (the usual case) then moves
  // nothing, where compacting inside the loop moved the unreleased half of a large run.
  void compact_run();

  Duration horizon_ns_;
  std::vector<Item> run_;  // in (time, arrival) order from run_head_ on
  size_t run_head_ = 0;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap_;  // out-of-order arrivals
  Time frontier_ns_ = INT64_MIN;                                           // time of the last released spike
  uint64_t next_arrival_ = 0;
  uint64_t late_ = 0;
};

}  // namespace ion::hub
