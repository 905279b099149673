// SPDX-License-Identifier: Apache-2.0
#include "node/monitor_feed.hpp"

#include <algorithm>
#include <cmath>

#include "core/bytes.hpp"

namespace ion::site {

MonitorFeed::MonitorFeed(SiteId monitor, std::string name, double rate_hz, Time now_local)
    : monitor_(monitor),
      name_(std::move(name)),
      rate_hz_(rate_hz),
      capacity_(std::max(1.0, rate_hz * static_cast<double>(kMonitorBucketDepth) / 1e9)),
      tokens_(capacity_),
      refilled_at_ns_(now_local),
      next_batch_ns_(now_local + kMonitorBatchInterval) {}

void MonitorFeed::copy(const record::Record& r) {
  if (static_cast<double>(count_) >= capacity_) {
    ++c_.dropped;
    return;
  }
  scratch_.clear();
  record::encode_payload(r, scratch_);
  if (scratch_.size() > UINT16_MAX) {
    ++c_.oversize;
    return;
  }
  const size_t at = framed_.size();
  framed_.resize(at + wire::kCopyFrameBytes + scratch_.size());
  bytes::put_u16(framed_.data() + at, static_cast<uint16_t>(record::kind_of(r)));
  bytes::put_u16(framed_.data() + at + 2, static_cast<uint16_t>(scratch_.size()));
  std::copy(scratch_.begin(), scratch_.end(), framed_.begin() + static_cast<long>(at + wire::kCopyFrameBytes));
  ++count_;
  ++c_.copied;
}

void MonitorFeed::refill(Time now_local) {
  const double dt_s = static_cast<double>(std::max<Time>(0, now_local - refilled_at_ns_)) / 1e9;
  tokens_ = std::min(capacity_, tokens_ + dt_s * rate_hz_);
  refilled_at_ns_ = now_local;
}

void MonitorFeed::service(link::Link& link, Time now_local, bool final) {
  if (!final && now_local < next_batch_ns_) return;
  next_batch_ns_ = now_local + kMonitorBatchInterval;
  refill(now_local);
  const size_t n = std::min(count_, static_cast<size_t>(std::floor(tokens_)));
  if (n > 0) send(link, n);
  if (final) {
    c_.dropped += count_;
    count_ = 0;
    framed_.clear();
  }
}

// The first n buffered records, if the monitor is addressed; otherwise they stay buffered.
void MonitorFeed::send(link::Link& link, size_t n) {
  views_.clear();
  size_t used = 0;
  wire::for_each_copy(framed_, [&](wire::CopyView v) {
    if (views_.size() == n) return;
    views_.push_back(v);
    used += wire::kCopyFrameBytes + v.payload.size();
  });
  const uint64_t oversize_before = c_.oversize;
  if (!link.send_copies(monitor_, views_, &c_.oversize)) return;
  tokens_ -= static_cast<double>(n);
  c_.sent += n - (c_.oversize - oversize_before);
  count_ -= n;
  framed_.erase(framed_.begin(), framed_.begin() + static_cast<long>(used));
}

std::string MonitorFeed::describe() const {
  return "monitor " + name_ + ": copied=" + std::to_string(c_.copied) + " sent=" + std::to_string(c_.sent) +
         " dropped=" + std::to_string(c_.dropped) + " oversize=" + std::to_string(c_.oversize) + " (rate limit " +
         std::to_string(static_cast<uint64_t>(rate_hz_)) + " records/s)";
}

}  // namespace ion::site
