// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion bench hub --hub-threads 2`: the hub site's HubCore on a logic thread (node/hub_pipeline.hpp).
//
// The hub's network thread keeps its Link (recvmmsg, open, decode, replay window, and the sends)
// and hands each received Spike to the logic thread through the pipeline's ring; once per loop
// pass it also hands over advance(t), as the 1-thread bench hub runs its rules once per pass.
// The logic thread runs HubCore (forwarding lookup, rules, pulse_read) and puts the forwarded
// inputs on a second SpscRing; an eventfd wakes the network thread, which sends them. Back-
// pressure on either ring waits and is counted (in_full_waits, out_full_waits); nothing is dropped.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/spsc_ring.hpp"
#include "env/real_env.hpp"
#include "link/link.hpp"
#include "node/hub_pipeline.hpp"

namespace ion::hub::bench::detail {

class MtHub {
 public:
  // out: the hub's Link; inputs go to `to`. Errors: eventfd or watch_fd failures.
  static Result<std::unique_ptr<MtHub>> create(HubCore& core, RealEnv& env, link::Link& out, SiteId to);
  ~MtHub();
  MtHub(const MtHub&) = delete;
  MtHub& operator=(const MtHub&) = delete;

  // Network thread: one received spike.
  void on_spike(const Spike& s);
  // Network thread: runs the logic stage dry, sends what it forwarded, joins the logic thread.
  void stop();

  double logic_cpu_s() const { return static_cast<double>(pipe_->logic_cpu_ns()) / 1e9; }
  uint64_t in_full_waits() const { return pipe_->counters().ring_full_waits; }
  uint64_t out_full_waits() const { return out_full_waits_.load(std::memory_order_relaxed); }

 private:
  MtHub(HubCore& core, RealEnv& env, link::Link& out, SiteId to, int efd);
  void forward(const SynapticInput& in);  // logic thread
  void pass_end();                        // network thread, deferred once per loop pass
  void on_wake();                         // network thread: the eventfd is readable
  void drain_out();                       // network thread

  RealEnv& env_;
  link::Link& out_;
  SiteId to_;
  int efd_ = -1;
  uint32_t watch_ = 0;
  bool watching_ = false;
  SpscRing<SynapticInput> outputs_;
  std::atomic<bool> signalled_{false};
  std::atomic<uint64_t> out_full_waits_{0};
  std::unique_ptr<node::HubPipeline> pipe_;
  Time up_to_ = 0;
  bool armed_ = false;
  bool stopped_ = false;
};

}  // namespace ion::hub::bench::detail
