// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sender-side batching for one peer (pure state machine, time passed in).
//
// Contract with its owner (Peer, src/link/peer.hpp, which Link drives on an Env):
//   * size each event and ask fits(size); if it does not fit, note_size_flush(), send pending()
//     at once and clear_sent(); then add_sized() it. When add_sized() reports that the event
//     opened a batch, arrange one flush:
//     linger 0 (default) → Env::defer(flush), i.e. "as soon as the loop has nothing else ready";
//     linger T → a timer at flush_due() (= first event's ready time + T).
//   * in the flush callback, send pending() and clear_sent() if due(now); if the batch is not due
//     yet (it was replaced by a newer one after a size flush), re-arm for flush_due().
// So events that become ready in the same loop iteration leave in one datagram and, at low load,
// batching adds no latency. The pending events are sent in place: no batch is copied or moved
// out, and the buffer is kept for the next batch.
//
// Sizes: the batcher keeps a running sum of the owner's per-event estimates against a payload
// budget; the encoder is the final judge (Link splits a batch if the estimate was short).
// Sequence numbers are not the batcher's business: every datagram (data or control) takes the
// next number of its peer stream when it is sealed (wire::Channel::begin: one strictly
// increasing counter per (our epoch, peer), so nonces never repeat).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/time.hpp"
#include "wire/codec.hpp"

namespace ion::link {

using Event = wire::Event;

struct BatcherConfig {
  Duration linger_ns = 0;  // 0: flush when the loop is idle (no added latency)
  size_t payload_budget_bytes = wire::kMaxDatagramBytes - wire::kHeaderBytes - wire::kTagBytes;
  size_t max_events = 0xFFFF;  // the header's count field
};

class Batcher {
 public:
  explicit Batcher(BatcherConfig cfg);

  // True if an event of `sz` estimated bytes joins the pending batch (an empty one takes any).
  bool fits(size_t sz) const {
    return events_.empty() || (est_bytes_ + sz <= cfg_.payload_budget_bytes && events_.size() < cfg_.max_events);
  }
  // Appends an event of `sz` estimated bytes, reading the clock (now_fn() → local ns) only when
  // the event opens a batch: the per-event clock read was a quarter of the sender's CPU time
  // (`ion bench link`). Returns true if it opened a batch (arrange a flush).
  template <class NowFn>
  bool add_sized(const Event& e, size_t sz, NowFn&& now_fn) {
    const bool started = events_.empty();
    if (started) first_ready_ns_ = now_fn();
    events_.push_back(e);
    est_bytes_ += sz;
    return started;
  }
  void note_size_flush() { ++size_flushes_; }
  std::span<const Event> pending() const { return events_; }
  // The pending batch left (sent in place from pending()); its buffer is kept.
  void clear_sent();
  // The pending batch is due at now_ns (linger 0: whenever it is not empty).
  bool due(Time now_ns) const { return !events_.empty() && now_ns >= flush_due(); }
  // When the pending batch must leave (kTimeNever if empty).
  Time flush_due() const;
  bool empty() const { return events_.empty(); }
  size_t pending_events() const { return events_.size(); }
  const BatcherConfig& config() const { return cfg_; }

  uint64_t batches_out() const { return batches_; }
  uint64_t size_flushes() const { return size_flushes_; }

 private:
  BatcherConfig cfg_;
  std::vector<Event> events_;  // the pending batch
  Time first_ready_ns_ = 0;    // local time its first event was added
  size_t est_bytes_ = 0;       // its estimated payload bytes
  uint64_t batches_ = 0;
  uint64_t size_flushes_ = 0;
};

}  // namespace ion::link
