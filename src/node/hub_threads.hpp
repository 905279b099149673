// SPDX-License-Identifier: Apache-2.0
#pragma once
// A node's hub on two threads (`[sites.X] threads = 2`, real time only).
//
// The node's loop thread keeps everything that is not thread-safe: the Link, the event log, the
// status view. The logic thread runs the HubCore — rules, crossbar instrument, forwarding
// decisions — fed by HubPipeline's SpscRing (node/hub_pipeline.hpp): each spike, advance, drain
// and the session's start (history_starts, read_all) is one work item, submitted in the order
// the HubRole makes the calls. What the core outputs (forwarded SynapticInputs, WeightUpdates) goes
// back in order through a second SpscRing; the loop drains it and hands each output to the
// HubRole's outputs (RoleHost::emit_input, HubRole's record_weight), exactly as the inline engine
// does. The core sees the same calls in the same order as on one thread, and the outputs reach
// the host in the same order, so the recording is the same (tests/node/hub_threads_test.cpp).
//
// Wake-up: after pushing outputs the logic thread notifies a LoopWaker (env/loop_waker.hpp: an
// eventfd on RealEnv) unless a notification is already pending; the loop's callback clears the
// pending flag, then drains the ring (the flag is swapped with read-modify-writes on both sides,
// so an output pushed after the drain always finds the flag clear and notifies again).
//
// Back-pressure: a full return ring makes the logic thread wait (counted) — nothing is dropped.
// The loop thread, waiting for room in the work ring or for the logic stage to catch up, drains
// the return ring meanwhile (HubSinks::rx_waiting), so the two never wait for each other.
//
// Crash safety: a read-back is recorded when the loop drains it, not before the next pulse, so a
// crash can leave several applied pulses that the log lacks (those in flight). The crossbar's
// write-ahead log holds every one of them and `--resume` records them (site/hub/hub_recovery.hpp).
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/spsc_ring.hpp"
#include "env/loop_waker.hpp"
#include "node/hub_pipeline.hpp"
#include "site/hub/hub_role.hpp"

namespace ion::node {

inline constexpr size_t kHubReturnCapacity = 8192;  // outputs in flight to the loop thread

// One output of the logic stage on its way back to the loop thread.
struct HubOutput {
  enum class Kind : uint8_t { input, update };
  Kind kind = Kind::input;
  SynapticInput input;  // kind input
  WeightUpdate update;  // kind update
};

class ThreadedHubEngine final : public hub::HubEngine {
 public:
  // Starts the logic thread. Errors: the waker could not be made.
  static Result<std::unique_ptr<ThreadedHubEngine>> create(hub::HubCore& core, hub::HubOutputs out,
                                                           const LoopWakerFactory& make_waker,
                                                           size_t ring_capacity = kHubRingCapacity,
                                                           size_t return_capacity = kHubReturnCapacity);
  // Stops the logic thread after it has run every submitted item; outputs not delivered by then
  // are discarded (the node has ended: nothing can record them; see the crash note above).
  ~ThreadedHubEngine() override;
  ThreadedHubEngine(const ThreadedHubEngine&) = delete;
  ThreadedHubEngine& operator=(const ThreadedHubEngine&) = delete;

  // hub::HubEngine, on the loop thread.
  void start(Time t, bool resumed) override;
  void on_spike(const Spike& s) override;
  void advance(Time t) override;
  const hub::HubCounters& finish(Time end) override;
  std::string note_suffix() const override;  // " ring_full_waits=N" (both rings), after finish()

  // Loop thread: hands every output waiting in the return ring to the outputs, in order.
  void deliver();

 private:
  ThreadedHubEngine(hub::HubCore& core, hub::HubOutputs out, size_t return_capacity);
  void submit(HubWork::Kind kind, Time t);
  void push_output(const HubOutput& o);  // logic thread
  void wake_loop();                      // logic thread

  hub::HubCore& core_;
  hub::HubOutputs out_;
  SpscRing<HubOutput> returns_;
  std::atomic<bool> notified_{false};  // a wake-up is pending: the loop will drain
  std::atomic<bool> discard_{false};   // the engine is going: outputs are dropped
  uint64_t return_full_waits_ = 0;     // logic thread; read after HubPipeline::flush (acquire)
  std::unique_ptr<LoopWaker> waker_;
  std::unique_ptr<HubPipeline> pipeline_;  // last: stopped (in the destructor) before the rest goes
};

// The HubRoleOptions::engine of a hub with threads = 2: a ThreadedHubEngine on the node's loop, or
// none (the hub runs inline) when make_waker is empty — every simulated run.
hub::HubEngineFactory threaded_hub_engine(LoopWakerFactory make_waker);

}  // namespace ion::node
