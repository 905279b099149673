// SPDX-License-Identifier: Apache-2.0
#include "wire/replay.hpp"

#include <algorithm>
#include <bit>
#include <cassert>

namespace ion::wire {

// Invariant: a bit is set only for an accepted sequence in [low(), next_); slot = seq % kWindow.

namespace {
uint64_t window_low(uint64_t first, uint64_t next) {
  return next - first > ReplayWindow::kWindow ? next - ReplayWindow::kWindow : first;
}
}  // namespace

void ReplayWindow::reset(uint64_t first) {
  bits_.fill(0);
  first_ = first;
  next_ = first;
  accepted_ = 0;
}

bool ReplayWindow::bit(uint64_t seq) const {
  const uint64_t slot = seq % kWindow;
  return ((bits_[slot / 64] >> (slot % 64)) & 1u) != 0;
}

void ReplayWindow::set_bit(uint64_t seq) {
  const uint64_t slot = seq % kWindow;
  bits_[slot / 64] |= uint64_t{1} << (slot % 64);
}

ReplayWindow::Verdict ReplayWindow::check(uint64_t seq) const {
  if (seq == UINT64_MAX) return Verdict::too_old;  // never valid: next() would overflow
  if (seq >= next_) return Verdict::fresh;
  if (seq < window_low(first_, next_)) return Verdict::too_old;
  return bit(seq) ? Verdict::duplicate : Verdict::fresh;
}

// Moves next_ forward; returns how many numbers left the window without being accepted.
uint64_t ReplayWindow::advance_to(uint64_t new_next) {
  const uint64_t lo_old = window_low(first_, next_);
  const uint64_t lo_new = window_low(first_, new_next);
  uint64_t received_leaving = 0;
  for (uint64_t s = lo_old; s < std::min(lo_new, next_); ++s) received_leaving += bit(s) ? 1 : 0;
  const uint64_t lost = (lo_new - lo_old) - received_leaving;
  if (new_next - next_ >= kWindow) {
    bits_.fill(0);
  } else {
    for (uint64_t s = next_; s < new_next; ++s) {
      const uint64_t slot = s % kWindow;
      bits_[slot / 64] &= ~(uint64_t{1} << (slot % 64));
    }
  }
  next_ = new_next;
  return lost;
}

ReplayWindow::Accepted ReplayWindow::accept(uint64_t seq) {
  assert(check(seq) == Verdict::fresh);
  Accepted a;
  if (seq >= next_) {
    a.gap = seq - next_;
    a.lost = advance_to(seq + 1);
  } else {
    a.reordered = true;
  }
  set_bit(seq);
  ++accepted_;
  return a;
}

uint64_t ReplayWindow::missing_in_window() const {
  uint64_t received = 0;
  for (uint64_t w : bits_) received += static_cast<uint64_t>(std::popcount(w));
  return (next_ - window_low(first_, next_)) - received;
}

}  // namespace ion::wire
