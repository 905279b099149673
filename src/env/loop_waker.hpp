// SPDX-License-Identifier: Apache-2.0
#pragma once
// LoopWaker: another thread's way to get a callback run on an Env's loop thread.
//
// The Env contract (env/env.hpp) is single-threaded: timers, receivers and deferred work run on
// the loop. A component that keeps a worker thread of its own (the hub's logic thread,
// node/hub_threads.hpp) hands its results back through a ring and calls notify() — the only call
// that may come from another thread. The loop then runs the waker's callback on its own thread,
// in one of its next passes; notifications that come before that run are merged into it, so the
// callback must take everything that is waiting, not one item per notify().
//
// RealEnv::make_waker: an eventfd watched by the loop (RealEnv::watch_fd), written by notify().
// A SimEnv has no other threads and offers none: whoever would use one runs its work inline.
#include <functional>
#include <memory>

#include "core/status.hpp"

namespace ion {

class LoopWaker {
 public:
  virtual ~LoopWaker() = default;  // on the loop thread; no callback runs after it
  // Any thread. Never blocks; async-signal-safe on RealEnv (one write to an eventfd).
  virtual void notify() = 0;
};

// Makes a waker whose notify() gets `on_wake` run on the loop thread (RealEnv::make_waker).
using LoopWakerFactory = std::function<Result<std::unique_ptr<LoopWaker>>(std::function<void()> on_wake)>;

}  // namespace ion
