// SPDX-License-Identifier: Apache-2.0
#include "site/silicon/runner.hpp"

namespace ion::silicon {

void ChipRunner::start() {
  if (timer_ != 0) return;
  const Time first = env_.now() + tick_ns_;
  timer_ = env_.schedule_at(first, [this, first] { tick(first); });
}

void ChipRunner::stop() {
  if (timer_ != 0) env_.cancel(timer_);
  timer_ = 0;
}

Status ChipRunner::on_input(const SynapticInput& in) {
  chip_.advance(env_.now());
  return chip_.on_input(in);
}

void ChipRunner::tick(Time scheduled) {
  chip_.advance(env_.now());
  const Duration lag = env_.now() - scheduled;
  ++stats_.ticks;
  stats_.total_lag_ns += lag;
  if (lag > stats_.max_lag_ns) stats_.max_lag_ns = lag;
  if (lag > tick_ns_) ++stats_.late_ticks;
  const Time next = scheduled + tick_ns_;  // fixed grid: a late tick is followed at once, not skipped
  timer_ = env_.schedule_at(next, [this, next] { tick(next); });
}

}  // namespace ion::silicon
