// SPDX-License-Identifier: Apache-2.0
#pragma once
// HubPipeline: the hub's work in two stages, optionally on two threads.
//
//   rx stage (the caller's thread): Channel::open of each datagram (header, epochs, replay window,
//     AEAD) and decode; every Spike of an accepted events datagram becomes one work item.
//   logic stage: HubCore::on_spike / advance / drain in the order the items were submitted; the
//     forwarded SynapticInputs and the WeightUpdates go to the sinks.
//
// threads = 1: the logic stage runs inline, inside the submitting call. threads = 2: it runs on
// its own thread, fed through a bounded SpscRing (core/spsc_ring.hpp); the sinks are then called
// on that thread. HubCore sees the same calls in the same order either way, and nothing else
// touches it, so the sinks receive identical sequences (bit-identical results by construction;
// tests/node/hub_pipeline_test.cpp checks it on a datagram stream with replays and forgeries).
//
// Back-pressure: a push to a full ring waits (yielding) until the logic stage frees a slot; each
// push that found the ring full is counted in ring_full_waits. Nothing is dropped while the
// pipeline runs; stop() lets the logic stage finish every submitted item before it joins.
// An idle logic thread sleeps on an atomic (futex) after a short spin; publish() wakes it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <thread>

#include "core/events.hpp"
#include "core/spsc_ring.hpp"
#include "core/time.hpp"
#include "site/hub/hub_core.hpp"
#include "wire/channel.hpp"
#include "wire/codec.hpp"

namespace ion::node {

inline constexpr size_t kHubRingCapacity = 8192;  // work items between the stages (≈ 0.3 MiB)

// One unit of the logic stage's work.
struct HubWork {
  // history_starts and read_all: a node's hub starting its session (node/hub_threads.hpp).
  enum class Kind : uint8_t { spike, advance, drain, history_starts, read_all };
  Kind kind = Kind::spike;
  Spike spike;  // kind spike
  Time t = 0;   // the other kinds: the experiment time passed to HubCore
};

struct HubPipelineCounters {
  uint64_t datagrams = 0;        // offered to on_datagram
  uint64_t rejected = 0;         // refused by Channel::open (counted by reason in wire_errors)
  uint64_t not_events = 0;       // accepted, but not an events datagram (ignored here)
  uint64_t spikes = 0;           // Spike records submitted to the logic stage
  uint64_t other_events = 0;     // non-Spike records of accepted events datagrams (a hub takes none)
  uint64_t ring_full_waits = 0;  // pushes that found the ring full and waited
  uint64_t wire_errors[wire::kWireErrorCount] = {};
};

struct HubSinks {
  std::function<void(const SynapticInput&)> forward;  // each forwarded input, in order
  hub::UpdateSink update;                             // each WeightUpdate, in order
  // Optional, 2 threads: the logic stage runs on a thread the caller owns (an event loop with a
  // Link of its own, say), which calls run_ready(). publish() calls wake_logic on the rx thread
  // when that thread announced it had run out of work (it must then wake and call run_ready()).
  // Without it the pipeline starts a logic thread of its own.
  std::function<void()> wake_logic;
  // Optional, 2 threads: called on the rx thread, repeatedly, while it waits for the logic stage
  // (a full ring in submit(), flush()). A caller whose sinks hand results back to the rx thread
  // through a bounded ring drains it here: else a logic stage waiting for room in that ring and
  // an rx thread waiting for the logic stage would wait for each other forever.
  std::function<void()> rx_waiting;
};

class HubPipeline {
 public:
  // REQUIRES: threads is 1 or 2; core and the sinks outlive the pipeline.
  HubPipeline(hub::HubCore& core, unsigned threads, HubSinks sinks, size_t ring_capacity = kHubRingCapacity);
  ~HubPipeline();
  HubPipeline(const HubPipeline&) = delete;
  HubPipeline& operator=(const HubPipeline&) = delete;

  // ---- rx stage (one thread: the one that constructed the pipeline or any single other) ----
  // Opens one datagram from ch's peer and submits its spikes. False when the channel refused it.
  bool on_datagram(wire::Channel& ch, std::span<const uint8_t> datagram);
  void submit(const HubWork& w);
  // Makes submitted items visible to a sleeping logic thread (on_datagram calls it once per
  // datagram; call it after a run of submit()s).
  void publish();
  // Waits until the logic stage has run every submitted item (2 threads); no-op with 1.
  void flush();
  // True when the logic stage has run every submitted item (rx thread).
  bool caught_up() const { return done_.load(std::memory_order_acquire) == submitted_; }
  // Finishes every submitted item and joins the logic thread. Idempotent; the destructor calls it.
  // With wake_logic there is no thread to join: the caller's logic thread runs what is left
  // (flush() waits for it).
  void stop();

  // ---- caller-owned logic stage (wake_logic set): the logic thread only ----
  // Runs up to max_items submitted items. True when more may be waiting (call again soon);
  // false once the ring was found empty and the idle state announced (wake_logic will come).
  bool run_ready(size_t max_items);

  unsigned threads() const { return threads_; }
  // rx-stage counters: read them on the rx thread, or after stop().
  const HubPipelineCounters& counters() const { return counters_; }

 private:
  void run(const HubWork& w);
  void run_counted(const HubWork& w);
  void logic_main();
  bool idle_wait();
  bool announce_idle();
  void push_waiting(const HubWork& w);
  void wait_round(int& round);
  static constexpr int kWaitYields = 256;  // rounds of yield before the rx stage sleeps while waiting
  static constexpr std::chrono::microseconds kWaitSleep{50};

  hub::HubCore& core_;
  const unsigned threads_;
  HubSinks sinks_;
  std::vector<SynapticInput> forward_;  // logic stage's scratch
  wire::Datagram scratch_;              // rx stage's decoded datagram, reused
  HubPipelineCounters counters_;
  std::unique_ptr<SpscRing<HubWork>> ring_;  // 2 threads only
  uint64_t submitted_ = 0;                   // rx stage
  uint64_t logic_done_ = 0;                  // logic stage: items run (its own copy)
  std::atomic<uint64_t> done_{0};            // logic stage: items run, published
  std::atomic<uint32_t> wake_{0};            // bumped by publish() when the logic thread sleeps
  std::atomic<bool> sleeping_{false};
  std::atomic<bool> stopping_{false};
  std::thread logic_;
};

}  // namespace ion::node
