// SPDX-License-Identifier: Apache-2.0
#pragma once
// Neuron benchmarks (used by `ion bench neurons`), each with its Brian2 baseline measured in the
// same run by tests/neuron/brian_bench.py (cpp_standalone; run time only, compilation excluded):
//  (a) CUBA: Brian2's example network (4000 LIF, p = 0.02, exponential current synapses), 10 s;
//  (b) real-time capacity: N AdEx or DPI neurons at dt = 0.1 ms, each with 5 Hz Poisson input
//      through an exponential (AdEx) or DPI (DPI) synapse; capacity = N·simulated s / wall s.
#include <cstdint>
#include <string>

#include "core/status.hpp"

namespace ion::silicon {

struct BenchRun {
  double wall_s = 0;       // run time (wall clock)
  double cpu_s = 0;        // this thread's CPU time (ion only; 0 for Brian2)
  uint64_t spikes = 0;
  double sim_s = 0;
  uint32_t neurons = 0;
  double rate_hz() const { return neurons && sim_s > 0 ? static_cast<double>(spikes) / neurons / sim_s : 0; }
  // Neurons kept in real time: neurons·sim_s / wall_s.
  double realtime_neurons() const { return wall_s > 0 ? neurons * sim_s / wall_s : 0; }
};

BenchRun run_cuba_ion(double sim_s, uint64_t seed);
// model: "adex" or "dpi".
Result<BenchRun> run_capacity_ion(const std::string& model, uint32_t neurons, double sim_s, uint64_t seed);
// Runs tests/neuron/brian_bench.py (mode cuba|adex|dpi) with /usr/bin/python3; work_dir holds the
// generated standalone project.
Result<BenchRun> run_brian_bench(const std::string& mode, uint32_t neurons, double sim_s, const std::string& work_dir);

}  // namespace ion::silicon
