// SPDX-License-Identifier: Apache-2.0
#pragma once
// Neuron benchmarks (used by `ion bench neurons`), each with its Brian2 baseline measured in the
// same run by bench/silicon/brian_bench.py (cpp_standalone; run time only, compilation excluded):
// Brian2's own run time (device._last_run_time) is std::clock(), i.e. CPU time of its run loop, so the
// like-for-like ratio is Brian2 cpu_s / ion cpu_s (ion: this thread's CPU time over its run loop).
//  (a) CUBA: Brian2's example network (4000 LIF, p = 0.02, exponential current synapses), 10 s;
//  (b) real-time capacity: N AdEx or DPI neurons at dt = 0.1 ms, each with 5 Hz Poisson input
//      through an exponential (AdEx) or DPI (DPI) synapse; capacity = N·simulated s / wall s.
#include <cstdint>
#include <string>

#include "core/status.hpp"

namespace ion::silicon {

struct BenchRun {
  double wall_s = 0;  // wall clock: ion's run loop; Brian2's whole simulation process (start-up included)
  double cpu_s = 0;   // CPU time: ion's thread over its run loop; Brian2's std::clock() over its run loop
  uint64_t spikes = 0;
  double sim_s = 0;
  uint32_t neurons = 0;
  double rate_hz() const { return neurons && sim_s > 0 ? static_cast<double>(spikes) / neurons / sim_s : 0; }
  // Neurons one core keeps in real time: neurons·sim_s / run-loop CPU time (the load-independent
  // measure both sides report; wall_s if no CPU time is known).
  double realtime_neurons() const {
    const double t = cpu_s > 0 ? cpu_s : wall_s;
    return t > 0 ? neurons * sim_s / t : 0;
  }
};

// repeats > 1: the (deterministic) run is repeated from scratch and the minimum wall and CPU times kept.
BenchRun run_cuba_ion(double sim_s, uint64_t seed, uint32_t repeats = 1);
// model: "adex" or "dpi".
Result<BenchRun> run_capacity_ion(const std::string& model, uint32_t neurons, double sim_s, uint64_t seed,
                                  uint32_t repeats = 1);
// The Brian2 script, found at run time from the path of the executable: share/ion/brian_bench.py
// in its directory (build tree: build/ion → build/share/ion/) or one level up (installed:
// PREFIX/bin/ion → PREFIX/share/ion/). not_found, naming both places, if neither holds it.
Result<std::string> find_brian_script(const std::string& executable);
// Runs brian_bench.py (bench/silicon/, found by find_brian_script for this process's executable)
// in mode cuba|adex|dpi with /usr/bin/python3; work_dir holds the generated standalone project.
// seed != 0 → Brian2's seed(seed) (initial state, connectivity, input); repeats > 1 → the compiled
// simulation runs that often and the minimum wall and CPU times are kept.
Result<BenchRun> run_brian_bench(const std::string& mode, uint32_t neurons, double sim_s, const std::string& work_dir,
                                 uint64_t seed = 0, uint32_t repeats = 1);

// `ion bench neurons` as typed on the command line.
struct NeuronBenchArgs {
  double cuba_s = 10;
  uint32_t cuba_seeds = 1;  // CUBA is run for seeds seed .. seed+cuba_seeds−1 on both sides
  uint32_t capacity_neurons = 20000;
  double capacity_s = 2;
  bool brian = true;
  std::string work_dir = "/tmp/ion-brian-bench";
  uint64_t seed = 1;
  uint32_t repeats = 1;  // each run repeated, minimum times kept (both sides)
};
// Runs CUBA and the AdEx/DPI capacity runs with their Brian2 baselines, printing on stdout.
// invalid_argument if a count or duration is not > 0; a capacity run's error otherwise.
Status report_bench_neurons(const NeuronBenchArgs& args);

}  // namespace ion::silicon
