// SPDX-License-Identifier: Apache-2.0
#include "link/batcher.hpp"

#include <utility>

namespace ion::link {

Batcher::Batcher(BatcherConfig cfg, RecordSizeFn size_fn) : cfg_(cfg), size_fn_(std::move(size_fn)) {
  if (cfg_.max_events == 0) cfg_.max_events = 1;
}

Batcher::PushResult Batcher::push(const Event& e, Time now_ns) {
  return push_with(e, [now_ns] { return now_ns; });
}

std::optional<Batch> Batcher::take_if_due(Time now_ns) {
  if (!due(now_ns)) return std::nullopt;
  return take();
}

std::optional<Batch> Batcher::take() {
  if (cur_.events.empty()) return std::nullopt;
  Batch out = std::move(cur_);
  cur_ = Batch{};
  cur_.events.reserve(out.events.size());
  ++batches_;
  return out;
}

void Batcher::clear_sent() {
  if (cur_.events.empty()) return;
  cur_.events.clear();
  cur_.est_bytes = 0;
  ++batches_;
}

Time Batcher::flush_due() const { return cur_.events.empty() ? kTimeNever : cur_.first_ready_ns + cfg_.linger_ns; }

}  // namespace ion::link
