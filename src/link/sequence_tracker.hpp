// SPDX-License-Identifier: Apache-2.0
#pragma once
// Receiver-side accounting for one sender→receiver datagram stream (one peer, one session epoch).
// Pure state machine: no I/O, no clock of its own; callers pass the local time in.
//
// Sequence numbers of a stream start at `first_seq` (0) and grow by one per datagram, data and
// control alike, so every datagram the sender puts on the wire is accounted for.
//
// Counter definitions (all cumulative across epochs; see docs/protocol.md "Link behaviour"):
//   received   — distinct sequence numbers accepted (first copy only; includes reordered and late)
//   reordered  — accepted while a higher sequence number had already arrived (it filled a gap)
//   duplicated — a copy of a sequence number already accepted (within the history)
//   lost       — a gap not filled within `reorder_horizon_ns` of being detected (final once the
//                horizon has passed: service(now) settles it), plus gaps pending at reset()
//   late       — accepted, but arrival time > the packet's delivery deadline
//   stale      — arrived after its slot was settled as lost, or older than the history; dropped
#include <cstdint>
#include <vector>

#include "core/time.hpp"

namespace ion::link {

struct SeqCounters {
  uint64_t received = 0;
  uint64_t reordered = 0;
  uint64_t duplicated = 0;
  uint64_t lost = 0;
  uint64_t late = 0;
  uint64_t stale = 0;
};

struct SequenceTrackerConfig {
  Duration reorder_horizon_ns = 100 * kMillisecond;  // gap → lost after this long unfilled
  uint64_t max_window = 1u << 16;                    // pending slots kept (memory bound)
  uint64_t history = 4096;                           // settled slots remembered for duplicates
  uint64_t first_seq = 0;
};

class SequenceTracker {
 public:
  enum class Verdict : uint8_t { fresh, reordered, duplicate, stale };

  explicit SequenceTracker(SequenceTrackerConfig cfg = {});

  // One datagram arrived at local time `arrival_ns`; `deliver_by_ns` is its delivery deadline on
  // the same clock (kTimeNever: no deadline). fresh/reordered → deliver; duplicate/stale → drop.
  Verdict on_packet(uint64_t seq, Time arrival_ns, Time deliver_by_ns = kTimeNever);
  // Settles gaps whose horizon has passed by `now_ns` (counts them lost). Call at least as often
  // as next_deadline() says; calling more often is harmless.
  void service(Time now_ns);
  // Earliest local time at which service() would settle a gap; kTimeNever if none is pending.
  Time next_deadline() const;
  // New session epoch: pending gaps count as lost, sequence state restarts at `first_seq`
  // (numbers below it are stale). Counters are kept (they are per peer, not per epoch).
  void reset(uint64_t first_seq);
  void reset() { reset(cfg_.first_seq); }

  const SeqCounters& counters() const { return counters_; }
  uint64_t pending_gaps() const;
  // True if seq is a gap still open (revealed, not yet received, not yet declared lost).
  bool is_open_gap(uint64_t seq) const;
  // True if seq was accepted in this epoch (pending window or remembered history).
  bool was_received(uint64_t seq) const;
  // Highest sequence number accepted + 1 (first_seq if none yet).
  uint64_t next_expected_high() const { return base_ + window_.size(); }

 private:
  struct Slot {
    bool received = false;
    Time detected_ns = 0;  // when the gap became known (a higher seq arrived)
  };
  // FIFO of slots in one growable ring: unlike std::deque (a 512-byte block allocated and freed
  // every 32 slots), it allocates only when the window reaches a new high, so the receive path
  // allocates nothing in steady state (tests/link/peer_alloc_test.cpp).
  class SlotRing {
   public:
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    Slot& operator[](size_t i) { return buf_[(head_ + i) & (buf_.size() - 1)]; }
    const Slot& operator[](size_t i) const { return buf_[(head_ + i) & (buf_.size() - 1)]; }
    const Slot& front() const { return (*this)[0]; }
    void push_back(Slot s);
    void pop_front() {
      head_ = (head_ + 1) & (buf_.size() - 1);
      --size_;
    }

   private:
    std::vector<Slot> buf_;  // capacity: 0 or a power of two
    size_t head_ = 0, size_ = 0;
  };
  Verdict classify_old(uint64_t seq);
  void settle_front();
  void remember(uint64_t seq, bool received);

  SequenceTrackerConfig cfg_;
  SeqCounters counters_;
  uint64_t base_;              // every seq < base_ is settled
  SlotRing window_;            // slots for [base_, base_ + size)
  std::vector<uint8_t> hist_;  // settled outcomes, ring indexed by seq % history (1 = received)
};

}  // namespace ion::link
