// SPDX-License-Identifier: Apache-2.0
#include "node/hub_pipeline.hpp"

#include <pthread.h>

#include <variant>

namespace ion::node {
namespace {

// Empty polls of the ring before the logic thread goes to sleep: long enough to ride out the
// gap between two datagrams of a busy stream, short enough not to burn a core when idle.
constexpr int kIdleSpins = 256;

}  // namespace

HubPipeline::HubPipeline(hub::HubCore& core, unsigned threads, HubSinks sinks, size_t ring_capacity)
    : core_(core), threads_(threads == 2 ? 2 : 1), sinks_(std::move(sinks)) {
  forward_.reserve(64);
  if (threads_ == 2) {
    ring_ = std::make_unique<SpscRing<HubWork>>(ring_capacity);
    if (!sinks_.wake_logic) logic_ = std::thread([this] { logic_main(); });
    else sleeping_.store(true);  // a caller-owned logic thread starts idle: the first publish() wakes it
  }
}

HubPipeline::~HubPipeline() { stop(); }

bool HubPipeline::on_datagram(wire::Channel& ch, std::span<const uint8_t> datagram) {
  ++counters_.datagrams;
  auto r = ch.open(datagram, scratch_);
  if (!r.is_ok()) {
    ++counters_.rejected;
    ++counters_.wire_errors[static_cast<size_t>(r.error())];
    return false;
  }
  if (scratch_.header.type != wire::MsgType::events) {
    ++counters_.not_events;
    return true;
  }
  for (const wire::Event& e : scratch_.events) {
    const Spike* s = std::get_if<Spike>(&e);
    if (s == nullptr) {
      ++counters_.other_events;
      continue;
    }
    ++counters_.spikes;
    submit(HubWork{HubWork::Kind::spike, *s, 0});
  }
  publish();
  return true;
}

void HubPipeline::submit(const HubWork& w) {
  ++submitted_;
  if (threads_ == 1) {
    run(w);
    done_.store(submitted_, std::memory_order_relaxed);
    return;
  }
  if (!ring_->try_push(w)) push_waiting(w);
}

// The ring is full: the logic stage is behind. Wait for a slot (counted) rather than drop.
void HubPipeline::push_waiting(const HubWork& w) {
  ++counters_.ring_full_waits;
  int round = 0;
  do {
    wait_round(round);
  } while (!ring_->try_push(w));
}

// One round of the rx stage's wait for the logic stage. It yields for the first kWaitYields rounds,
// which is enough when the logic stage is only behind. Later rounds sleep kWaitSleep. A logic stage
// blocked for milliseconds (a synced write-ahead log behind a busy disk) then does not have a
// spinning rx thread beside it: that thread had taken most of a core, on a machine where the other
// sites need it (docs/benchmarks.md, "A real hub node, threads = 1 vs 2").
void HubPipeline::wait_round(int& round) {
  publish();
  if (sinks_.rx_waiting) sinks_.rx_waiting();
  if (round < kWaitYields) {
    ++round;
    std::this_thread::yield();
  } else {
    std::this_thread::sleep_for(kWaitSleep);
  }
}

// Hand-shake with announce_idle(): both sides swap sleeping_ with a read-modify-write. If the
// logic side's swap (true) comes first, ours reads true and wakes it; if ours comes first, the
// logic side's swap reads our value and so synchronizes with it: it then sees our ring writes and
// does not sleep. Either way no wake-up is lost. (RMWs rather than fences: ThreadSanitizer
// understands them.)
void HubPipeline::publish() {
  if (threads_ == 1) return;
  if (!sleeping_.exchange(false, std::memory_order_acq_rel)) return;
  if (sinks_.wake_logic) {
    sinks_.wake_logic();
    return;
  }
  wake_.fetch_add(1, std::memory_order_seq_cst);
  wake_.notify_one();
}

void HubPipeline::flush() {
  if (threads_ == 1) return;
  for (int round = 0; !caught_up();) wait_round(round);
}

void HubPipeline::stop() {
  if (!logic_.joinable()) return;
  stopping_.store(true, std::memory_order_seq_cst);
  wake_.fetch_add(1, std::memory_order_seq_cst);
  wake_.notify_one();
  logic_.join();
}

void HubPipeline::run(const HubWork& w) {
  switch (w.kind) {
    case HubWork::Kind::spike:
      core_.on_spike(w.spike, forward_);
      for (const SynapticInput& in : forward_) sinks_.forward(in);
      forward_.clear();
      break;
    case HubWork::Kind::advance:
      core_.advance(w.t, sinks_.update);
      break;
    case HubWork::Kind::drain:
      core_.drain(w.t, sinks_.update);
      break;
    case HubWork::Kind::history_starts:
      core_.history_starts(w.t);
      break;
    case HubWork::Kind::read_all:
      core_.read_all(w.t, sinks_.update);
      break;
  }
}

void HubPipeline::run_counted(const HubWork& w) {
  run(w);
  done_.store(++logic_done_, std::memory_order_release);
}

bool HubPipeline::run_ready(size_t max_items) {
  HubWork w;
  for (size_t n = 0; n < max_items; ++n) {
    if (!ring_->try_pop(w)) return !announce_idle();
    run_counted(w);
  }
  return true;
}

// Logic side of the hand-shake with publish(): true when the ring is still empty after sleeping_
// was raised (then the next publish() wakes us); false (sleeping_ lowered again) when items came.
bool HubPipeline::announce_idle() {
  sleeping_.exchange(true, std::memory_order_acq_rel);  // the value does not matter, the ordering does
  if (ring_->empty_for_consumer()) return true;
  sleeping_.store(false, std::memory_order_relaxed);  // a publish() in between only wakes us once more
  return false;
}

void HubPipeline::logic_main() {
  pthread_setname_np(pthread_self(), "hub-logic");  // for top and perf; failure changes nothing
  HubWork w;
  for (;;) {
    if (ring_->try_pop(w)) {
      run_counted(w);
      continue;
    }
    if (!idle_wait()) return;
  }
}

// Nothing to pop: spin a little, then sleep until publish() or stop(). False once stopping and
// the ring is empty (every submitted item has run: the producer stopped submitting first).
// stopping_ is read before the ring: stop() raises it after the last push, so once it reads true
// the emptiness check sees every item. (Read after, an item pushed between the check and stop()
// would be left in the ring.) A stop() after the read changes wake_ from `seen`: no sleep.
bool HubPipeline::idle_wait() {
  for (int i = 0; i < kIdleSpins; ++i)
    if (!ring_->empty_for_consumer()) return true;
  const uint32_t seen = wake_.load(std::memory_order_seq_cst);
  const bool stopping = stopping_.load(std::memory_order_acquire);
  const bool idle = announce_idle();
  if (idle && !stopping) wake_.wait(seen, std::memory_order_seq_cst);
  sleeping_.store(false, std::memory_order_relaxed);
  return !(idle && stopping);
}

}  // namespace ion::node
