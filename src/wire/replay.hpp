// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sliding replay window over one sender→receiver stream's 64-bit sequence numbers (1024 bits).
// A sequence is accepted once; numbers more than kWindow below the highest accepted one are too
// old. Reordered arrivals inside the window are accepted. Also does exact loss accounting: a
// sequence number that leaves the window without having been accepted is lost.
#include <array>
#include <cstdint>

namespace ion::wire {

class ReplayWindow {
 public:
  static constexpr uint64_t kWindow = 1024;

  enum class Verdict : uint8_t { fresh, duplicate, too_old };
  struct Accepted {
    bool reordered = false;  // below the highest sequence accepted before
    uint64_t gap = 0;        // how many sequence numbers were skipped ahead (0 for in-order)
    uint64_t lost = 0;       // sequence numbers that just left the window never accepted
  };

  // An empty window whose stream starts at `first` (numbers below it are too old).
  explicit ReplayWindow(uint64_t first = 0) { reset(first); }
  void reset(uint64_t first = 0);

  // Does not modify the window. Call accept() only after the datagram authenticated.
  Verdict check(uint64_t seq) const;
  // REQUIRES: check(seq) == fresh.
  Accepted accept(uint64_t seq);

  // One past the highest accepted sequence (== first before anything was accepted).
  uint64_t next() const { return next_; }
  uint64_t accepted_count() const { return accepted_; }
  // Sequence numbers below next() still inside the window and not accepted (maybe lost,
  // maybe still in flight). Add to lost at the end of a stream for final accounting.
  uint64_t missing_in_window() const;

 private:
  bool bit(uint64_t seq) const;
  void set_bit(uint64_t seq);
  uint64_t advance_to(uint64_t new_next);
  std::array<uint64_t, kWindow / 64> bits_{};
  uint64_t first_ = 0;
  uint64_t next_ = 0;
  uint64_t accepted_ = 0;
};

}  // namespace ion::wire
