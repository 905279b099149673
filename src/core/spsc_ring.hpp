// SPDX-License-Identifier: Apache-2.0
#pragma once
// SpscRing<T>: a bounded lock-free ring for exactly one producer thread and one consumer thread.
//
// Contract: try_push is only ever called by one thread (the producer), try_pop / front-side calls
// only by one other thread (the consumer); both may run at the same time. Neither blocks and
// neither allocates after construction. A full ring refuses the push (try_push returns false):
// the caller decides what back-pressure means and counts it (node/hub_pipeline.hpp waits).
//
// Layout (after the well-known design of rigtorp/SPSCQueue, written anew here): the write index is
// owned by the producer, the read index by the consumer, each on its own cache line, so the two
// threads do not write the same line. Each side keeps a private cached copy of the other side's
// index and reloads it (acquire) only when the cached value says the ring looks full (producer)
// or empty (consumer); in steady flow a push or pop touches one shared line. The slot count is a
// power of two, so an index wraps with a mask; indices are 64-bit counters that never wrap in
// practice (2^64 pushes), so full = (write - read == capacity) needs no spare slot.
//
// Memory order: the producer writes the slot, then stores write+1 with release; the consumer
// loads write with acquire before reading the slot (the slot write happens-before the read). The
// consumer moves the value out, then stores read+1 with release; the producer loads read with
// acquire before overwriting that slot.
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace ion {

inline constexpr size_t kCacheLineBytes = 64;

template <class T>
class SpscRing {
  static_assert(std::is_nothrow_move_assignable_v<T> && std::is_default_constructible_v<T>,
                "SpscRing stores default-constructed slots and moves values in and out");

 public:
  // Room for at least `min_capacity` (≥ 1) values, rounded up to a power of two.
  explicit SpscRing(size_t min_capacity)
      : slots_(std::bit_ceil(min_capacity < 1 ? size_t{1} : min_capacity)), mask_(slots_.size() - 1) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  size_t capacity() const { return slots_.size(); }

  // Producer only. False (and v unchanged) when the ring is full.
  bool try_push(T&& v) {
    const uint64_t w = prod_.write.load(std::memory_order_relaxed);
    if (w - prod_.read_cache == slots_.size()) {
      prod_.read_cache = cons_.read.load(std::memory_order_acquire);
      if (w - prod_.read_cache == slots_.size()) return false;
    }
    slots_[w & mask_] = std::move(v);
    prod_.write.store(w + 1, std::memory_order_release);
    return true;
  }
  bool try_push(const T& v) {
    T copy = v;
    return try_push(std::move(copy));
  }

  // Consumer only. False (and out unchanged) when the ring is empty.
  bool try_pop(T& out) {
    const uint64_t r = cons_.read.load(std::memory_order_relaxed);
    if (r == cons_.write_cache) {
      cons_.write_cache = prod_.write.load(std::memory_order_acquire);
      if (r == cons_.write_cache) return false;
    }
    out = std::move(slots_[r & mask_]);
    cons_.read.store(r + 1, std::memory_order_release);
    return true;
  }

  // Either thread: a snapshot that may be stale by the time it returns (statistics, tests).
  size_t size_approx() const {
    const uint64_t r = cons_.read.load(std::memory_order_acquire);
    const uint64_t w = prod_.write.load(std::memory_order_acquire);
    return w >= r ? static_cast<size_t>(w - r) : 0;
  }
  // Consumer: true when nothing is visible to pop (reloads the producer's index).
  bool empty_for_consumer() const {
    return cons_.read.load(std::memory_order_relaxed) == prod_.write.load(std::memory_order_acquire);
  }

 private:
  struct alignas(kCacheLineBytes) ProducerSide {
    std::atomic<uint64_t> write{0};
    uint64_t read_cache = 0;  // the consumer's read index as last loaded
  };
  struct alignas(kCacheLineBytes) ConsumerSide {
    std::atomic<uint64_t> read{0};
    uint64_t write_cache = 0;  // the producer's write index as last loaded
  };
  std::vector<T> slots_;
  size_t mask_;
  ProducerSide prod_;
  ConsumerSide cons_;
};

}  // namespace ion
