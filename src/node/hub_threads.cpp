// SPDX-License-Identifier: Apache-2.0
#include "node/hub_threads.hpp"

#include <thread>

namespace ion::node {

ThreadedHubEngine::ThreadedHubEngine(hub::HubCore& core, hub::HubOutputs out, size_t return_capacity)
    : core_(core), out_(std::move(out)), returns_(return_capacity) {}

Result<std::unique_ptr<ThreadedHubEngine>> ThreadedHubEngine::create(hub::HubCore& core, hub::HubOutputs out,
                                                                     const LoopWakerFactory& make_waker,
                                                                     size_t ring_capacity, size_t return_capacity) {
  std::unique_ptr<ThreadedHubEngine> e(new ThreadedHubEngine(core, std::move(out), return_capacity));
  ThreadedHubEngine* self = e.get();
  ION_TRY_ASSIGN(e->waker_, make_waker([self] { self->deliver(); }));
  HubSinks sinks;
  sinks.forward = [self](const SynapticInput& in) { self->push_output({HubOutput::Kind::input, in, {}}); };
  sinks.update = [self](const WeightUpdate& u) { self->push_output({HubOutput::Kind::update, {}, u}); };
  sinks.rx_waiting = [self] { self->deliver(); };
  e->pipeline_ = std::make_unique<HubPipeline>(core, 2, std::move(sinks), ring_capacity);
  return e;
}

ThreadedHubEngine::~ThreadedHubEngine() {
  discard_.store(true, std::memory_order_release);
  if (pipeline_) pipeline_->stop();
}

void ThreadedHubEngine::submit(HubWork::Kind kind, Time t) {
  HubWork w;
  w.kind = kind;
  w.t = t;
  pipeline_->submit(w);
}

void ThreadedHubEngine::start(Time t, bool resumed) {
  if (resumed) submit(HubWork::Kind::history_starts, t);
  submit(HubWork::Kind::read_all, t);
  pipeline_->publish();
}

void ThreadedHubEngine::on_spike(const Spike& s) {
  pipeline_->submit(HubWork{HubWork::Kind::spike, s, 0});
  pipeline_->publish();
}

void ThreadedHubEngine::advance(Time t) {
  submit(HubWork::Kind::advance, t);
  pipeline_->publish();
}

// The counters are read after flush(): it returns once the logic stage's release store of its
// done count covers the last item, which the flush's acquire load has seen, so every write the
// logic thread made (core counters, return_full_waits_, the outputs in the ring) happens-before
// the reads here; the logic thread is idle until the next submit.
const hub::HubCounters& ThreadedHubEngine::finish(Time end) {
  submit(HubWork::Kind::advance, end);
  submit(HubWork::Kind::drain, end);
  pipeline_->publish();
  pipeline_->flush();
  deliver();
  return core_.counters();
}

std::string ThreadedHubEngine::note_suffix() const {
  return " ring_full_waits=" + std::to_string(pipeline_->counters().ring_full_waits + return_full_waits_);
}

// The pending flag is cleared before the ring is read: an output pushed after that read finds it
// clear and notifies again; one pushed before is in the ring the read sees (its push happened
// before the logic side's swap, which our swap read).
void ThreadedHubEngine::deliver() {
  notified_.exchange(false, std::memory_order_acq_rel);
  HubOutput o;
  while (returns_.try_pop(o)) {
    if (o.kind == HubOutput::Kind::input) out_.forward(o.input);
    else out_.update(o.update);
  }
}

void ThreadedHubEngine::push_output(const HubOutput& o) {
  if (discard_.load(std::memory_order_acquire)) return;
  if (!returns_.try_push(o)) {
    ++return_full_waits_;  // the loop is behind: wait for room, never drop
    do {
      wake_loop();
      std::this_thread::yield();
      if (discard_.load(std::memory_order_acquire)) return;
    } while (!returns_.try_push(o));
  }
  wake_loop();
}

void ThreadedHubEngine::wake_loop() {
  if (!notified_.exchange(true, std::memory_order_acq_rel)) waker_->notify();
}

hub::HubEngineFactory threaded_hub_engine(LoopWakerFactory make_waker) {
  return [make_waker = std::move(make_waker)](hub::HubCore& core,
                                              hub::HubOutputs out) -> Result<std::unique_ptr<hub::HubEngine>> {
    if (!make_waker) return std::unique_ptr<hub::HubEngine>();  // simulated: inline
    ION_TRY_ASSIGN(auto e, ThreadedHubEngine::create(core, std::move(out), make_waker));
    return std::unique_ptr<hub::HubEngine>(std::move(e));
  };
}

}  // namespace ion::node
