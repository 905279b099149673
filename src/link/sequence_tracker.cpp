// SPDX-License-Identifier: Apache-2.0
#include "link/sequence_tracker.hpp"

#include <algorithm>

namespace ion::link {

SequenceTracker::SequenceTracker(SequenceTrackerConfig cfg)
    : cfg_(cfg), base_(cfg.first_seq), hist_(std::max<uint64_t>(cfg.history, 1), 0) {
  cfg_.history = hist_.size();
  cfg_.max_window = std::max<uint64_t>(cfg_.max_window, 1);
}

SequenceTracker::Verdict SequenceTracker::on_packet(uint64_t seq, Time arrival_ns, Time deliver_by_ns) {
  if (seq < base_) return classify_old(seq);
  Verdict v = Verdict::fresh;
  const uint64_t offset = seq - base_;
  if (offset < window_.size()) {
    Slot& s = window_[offset];
    if (s.received) {
      ++counters_.duplicated;
      return Verdict::duplicate;
    }
    s.received = true;
    ++counters_.reordered;
    v = Verdict::reordered;
  } else {
    // Everything between the current high mark and seq is a newly detected gap.
    while (base_ + window_.size() < seq) {
      window_.push_back({false, arrival_ns});
      if (window_.size() >= cfg_.max_window) settle_front();
    }
    window_.push_back({true, arrival_ns});
  }
  ++counters_.received;
  if (arrival_ns > deliver_by_ns) ++counters_.late;
  // Received slots at the front carry no information any more.
  while (!window_.empty() && window_.front().received) settle_front();
  return v;
}

SequenceTracker::Verdict SequenceTracker::classify_old(uint64_t seq) {
  if (base_ - seq <= cfg_.history && hist_[seq % cfg_.history]) {
    ++counters_.duplicated;
    return Verdict::duplicate;
  }
  ++counters_.stale;
  return Verdict::stale;
}

void SequenceTracker::remember(uint64_t seq, bool received) { hist_[seq % cfg_.history] = received ? 1 : 0; }

void SequenceTracker::settle_front() {
  const Slot s = window_.front();
  window_.pop_front();
  if (!s.received) ++counters_.lost;
  remember(base_, s.received);
  ++base_;
}

void SequenceTracker::service(Time now_ns) {
  // detected_ns is non-decreasing along the window (gaps are only created above the high mark),
  // so settling stops at the first slot that is still within its horizon.
  while (!window_.empty()) {
    const Slot& s = window_.front();
    if (!s.received && now_ns - s.detected_ns < cfg_.reorder_horizon_ns) break;
    settle_front();
  }
}

Time SequenceTracker::next_deadline() const {
  for (size_t i = 0; i < window_.size(); ++i) {
    if (!window_[i].received) return window_[i].detected_ns + cfg_.reorder_horizon_ns;
  }
  return kTimeNever;
}

uint64_t SequenceTracker::pending_gaps() const {
  uint64_t n = 0;
  for (size_t i = 0; i < window_.size(); ++i) n += window_[i].received ? 0 : 1;
  return n;
}

void SequenceTracker::SlotRing::push_back(Slot s) {
  if (size_ == buf_.size()) {  // full: unroll into a buffer twice the size
    std::vector<Slot> bigger(std::max<size_t>(16, 2 * buf_.size()));
    for (size_t i = 0; i < size_; ++i) bigger[i] = (*this)[i];
    buf_.swap(bigger);
    head_ = 0;
  }
  buf_[(head_ + size_) & (buf_.size() - 1)] = s;
  ++size_;
}

bool SequenceTracker::is_open_gap(uint64_t seq) const {
  return seq >= base_ && seq - base_ < window_.size() && !window_[seq - base_].received;
}

bool SequenceTracker::was_received(uint64_t seq) const {
  if (seq >= base_) return seq - base_ < window_.size() && window_[seq - base_].received;
  return base_ - seq <= cfg_.history && hist_[seq % cfg_.history] != 0;
}

void SequenceTracker::reset(uint64_t first_seq) {
  while (!window_.empty()) settle_front();
  base_ = first_seq;
  std::fill(hist_.begin(), hist_.end(), 0);
}

}  // namespace ion::link
