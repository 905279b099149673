// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sender-side batching for one peer (pure state machine, time passed in).
//
// Contract with the node's loop (Link does this on an Env):
//   * push() every event as it becomes ready; when push() reports `started`, arrange one flush:
//     linger 0 (default) → Env::defer(flush), i.e. "as soon as the loop has nothing else ready";
//     linger T → a timer at flush_due() (= first event's ready time + T).
//   * push() hands back a full batch when the next event would not fit (the event then starts
//     the next batch): send it immediately.
//   * take_if_due(now) in the flush callback; if the batch is not due yet (it was replaced by a
//     newer one after a size flush), re-arm for flush_due().
// So events that become ready in the same loop iteration leave in one datagram and, at low load,
// batching adds no latency.
//
// Sizes: the batcher keeps a running estimate from a record-size callback against a payload
// budget; the encoder is the final judge (Link splits a batch if the estimate was short).
// Sequence numbers are not the batcher's business: every datagram (data or control) takes the
// next number of its peer stream when it is sealed (wire::Channel::begin: one strictly
// increasing counter per (our epoch, peer), so nonces never repeat).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
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

struct Batch {
  std::vector<Event> events;
  Time first_ready_ns = 0;  // local time the first event was pushed
  size_t est_bytes = 0;     // estimated payload bytes
};

// Estimated encoded size of one event record (bytes).
using RecordSizeFn = std::function<size_t(const Event&)>;

class Batcher {
 public:
  struct PushResult {
    bool started = false;       // this event opened a new batch: arrange a flush
    std::optional<Batch> full;  // a batch that must be sent now (size flush)
  };

  Batcher(BatcherConfig cfg, RecordSizeFn size_fn);

  PushResult push(const Event& e, Time now_ns);
  // The same, reading the clock only when the event opens a batch (now_fn() → local ns): the
  // per-event clock read was a quarter of the sender's CPU time (`ion bench link`).
  template <class NowFn>
  PushResult push_with(const Event& e, NowFn&& now_fn) {
    PushResult r;
    const size_t sz = size_fn_(e);
    if (!fits(sz)) {
      note_size_flush();
      r.full = take();
    }
    r.started = add_sized(e, sz, now_fn);
    return r;
  }

  // The allocation-free interface the link uses (Peer): the caller sizes the event itself
  // (no call through size_fn), sends pending() in place when the event does not fit(), then
  // clear_sent() keeps the buffer for the next batch.
  // True if an event of `sz` estimated bytes joins the pending batch (an empty one takes any).
  bool fits(size_t sz) const {
    return cur_.events.empty() ||
           (cur_.est_bytes + sz <= cfg_.payload_budget_bytes && cur_.events.size() < cfg_.max_events);
  }
  // Appends an event of `sz` estimated bytes. Returns true if it opened a batch (arrange a flush).
  template <class NowFn>
  bool add_sized(const Event& e, size_t sz, NowFn&& now_fn) {
    const bool started = cur_.events.empty();
    if (started) cur_.first_ready_ns = now_fn();
    cur_.events.push_back(e);
    cur_.est_bytes += sz;
    return started;
  }
  void note_size_flush() { ++size_flushes_; }
  std::span<const Event> pending() const { return cur_.events; }
  // The pending batch left (sent in place from pending()); its buffer is kept.
  void clear_sent();
  // The pending batch is due at now_ns (linger 0: whenever it is not empty).
  bool due(Time now_ns) const { return !cur_.events.empty() && now_ns >= flush_due(); }
  // The pending batch if it is due at now_ns (linger 0: always), else nothing.
  std::optional<Batch> take_if_due(Time now_ns);
  // The pending batch regardless of linger (shutdown, or a control message about to go).
  std::optional<Batch> take();
  // When the pending batch must leave (kTimeNever if empty).
  Time flush_due() const;
  bool empty() const { return cur_.events.empty(); }
  size_t pending_events() const { return cur_.events.size(); }
  const BatcherConfig& config() const { return cfg_; }

  uint64_t batches_out() const { return batches_; }
  uint64_t size_flushes() const { return size_flushes_; }

 private:
  BatcherConfig cfg_;
  RecordSizeFn size_fn_;
  Batch cur_;
  uint64_t batches_ = 0;
  uint64_t size_flushes_ = 0;
};

}  // namespace ion::link
