// SPDX-License-Identifier: Apache-2.0
#pragma once
// ChipRunner: drives a Chip on an Env. A periodic timer on a fixed grid (tick_ns) advances the chip
// to env.now(). On SimEnv timers fire exactly on the grid, and inputs advance the chip to their
// arrival instant first, so runs are event-exact and deterministic. On RealEnv this paces the
// chip in real time; a tick whose work finishes more than one tick after its scheduled time is
// counted as late (the chip fell behind real time) — never silently.
// Experiment time = the Env's local clock here; the node runtime uses SiliconRole instead.
#include <cstdint>

#include "env/env.hpp"
#include "site/silicon/chip.hpp"

namespace ion::silicon {

struct RunnerStats {
  uint64_t ticks = 0;
  uint64_t late_ticks = 0;  // work finished > tick after the scheduled instant
  Duration max_lag_ns = 0;  // worst (finish − scheduled) seen
  Duration total_lag_ns = 0;
};

class ChipRunner {
 public:
  // REQUIRES: env and chip outlive the runner; tick_ns > 0.
  ChipRunner(Env& env, Chip& chip, Duration tick_ns = kMillisecond) : env_(env), chip_(chip), tick_ns_(tick_ns) {}
  ~ChipRunner() { stop(); }
  ChipRunner(const ChipRunner&) = delete;
  ChipRunner& operator=(const ChipRunner&) = delete;

  void start();
  void stop();
  // Advances the chip to the arrival instant, then queues the input (errors are counted by the chip).
  Status on_input(const SynapticInput& in);
  const RunnerStats& stats() const { return stats_; }

 private:
  void tick(Time scheduled);
  Env& env_;
  Chip& chip_;
  Duration tick_ns_;
  TimerId timer_ = 0;
  RunnerStats stats_;
};

}  // namespace ion::silicon
