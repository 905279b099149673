// SPDX-License-Identifier: Apache-2.0
#include "link/batcher.hpp"

namespace ion::link {

Batcher::Batcher(BatcherConfig cfg) : cfg_(cfg) {
  if (cfg_.max_events == 0) cfg_.max_events = 1;
}

void Batcher::clear_sent() {
  if (events_.empty()) return;
  events_.clear();
  est_bytes_ = 0;
  ++batches_;
}

Time Batcher::flush_due() const { return events_.empty() ? kTimeNever : first_ready_ns_ + cfg_.linger_ns; }

}  // namespace ion::link
