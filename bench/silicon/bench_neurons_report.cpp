// SPDX-License-Identifier: Apache-2.0
// The report of `ion bench neurons` (registered in src/cli/cmd_bench.cpp): CUBA network and
// real-time capacity (AdEx, DPI) against Brian2 cpp_standalone measured in the same run
// (see bench_neurons.hpp).
#include <cstdio>
#include <string>

#include "bench/silicon/bench_neurons.hpp"

namespace ion::silicon {
namespace {

void print_run(const char* who, const BenchRun& r) {
  std::printf(
      "  %-8s run %8.3f s wall (%7.3f s CPU), %9llu spikes, %7.2f Hz/neuron, %10.0f neurons in real time (by CPU)\n",
      who, r.wall_s, r.cpu_s, static_cast<unsigned long long>(r.spikes), r.rate_hz(), r.realtime_neurons());
}

void compare(const std::string& what, const BenchRun& ion_run, const NeuronBenchArgs& o, const std::string& mode) {
  std::printf("%s\n", what.c_str());
  print_run("ion", ion_run);
  if (!o.brian) return (void)std::printf("  brian2   skipped (--no-brian)\n");
  auto b = run_brian_bench(mode, ion_run.neurons, ion_run.sim_s, o.work_dir + "/" + mode, 0, o.repeats);
  if (!b) return (void)std::printf("  brian2   unavailable: %s\n", b.status().message().c_str());
  print_run("brian2", *b);
  std::printf(
      "  speed-up %.2fx by run-loop CPU time (Brian2 / ion), %.2fx by wall time (Brian2 process / ion loop); "
      "rate difference %+.1f %%\n",
      b->cpu_s / ion_run.cpu_s, b->wall_s / ion_run.wall_s,
      b->rate_hz() > 0 ? 100.0 * (ion_run.rate_hz() - b->rate_hz()) / b->rate_hz() : 0.0);
}

// Per-seed lines, then totals: speed-up = Σ Brian2 CPU / Σ ion CPU (and wall); rates averaged over the seeds
// (one CUBA network's rate varies by ±10 % with the seed; the mean is what "same rate" compares).
void compare_cuba(const NeuronBenchArgs& o) {
  std::printf("CUBA (4000 LIF, p = 0.02, dt 0.1 ms), %g s of biological time, %u seed(s) from %llu:\n", o.cuba_s,
              o.cuba_seeds, static_cast<unsigned long long>(o.seed));
  double ion_wall = 0, ion_cpu = 0, ion_rate = 0, br_wall = 0, br_cpu = 0, br_rate = 0;
  uint32_t br_runs = 0;
  for (uint32_t k = 0; k < o.cuba_seeds; ++k) {
    const uint64_t seed = o.seed + k;
    std::printf(" seed %llu\n", static_cast<unsigned long long>(seed));
    const BenchRun r = run_cuba_ion(o.cuba_s, seed, o.repeats);
    print_run("ion", r);
    ion_wall += r.wall_s, ion_cpu += r.cpu_s, ion_rate += r.rate_hz();
    if (!o.brian) continue;
    auto b = run_brian_bench("cuba", r.neurons, r.sim_s, o.work_dir + "/cuba-" + std::to_string(seed), seed, o.repeats);
    if (!b) {
      std::printf("  brian2   unavailable: %s\n", b.status().message().c_str());
      continue;
    }
    print_run("brian2", *b);
    br_wall += b->wall_s, br_cpu += b->cpu_s, br_rate += b->rate_hz(), ++br_runs;
  }
  if (br_runs != o.cuba_seeds)
    return (void)std::printf("  no Brian2 comparison (%u of %u runs)\n", br_runs, o.cuba_seeds);
  ion_rate /= o.cuba_seeds, br_rate /= br_runs;
  std::printf(
      "  total: speed-up %.2fx by run-loop CPU time (Brian2 %.3f s / ion %.3f s), %.2fx by wall time "
      "(Brian2 process %.3f s / ion loop %.3f s)\n",
      br_cpu / ion_cpu, br_cpu, ion_cpu, br_wall / ion_wall, br_wall, ion_wall);
  std::printf("  mean rate ion %.3f Hz, Brian2 %.3f Hz, difference %+.1f %%\n", ion_rate, br_rate,
              100.0 * (ion_rate - br_rate) / br_rate);
}

}  // namespace

Status report_bench_neurons(const NeuronBenchArgs& o) {
  if (o.cuba_s <= 0 || o.capacity_s <= 0 || o.capacity_neurons == 0 || o.cuba_seeds == 0 || o.repeats == 0)
    return error(Errc::invalid_argument,
                 "bench neurons: --cuba-seconds, --cuba-seeds, --capacity-seconds, "
                 "--capacity-neurons and --repeats must be > 0");
  compare_cuba(o);
  for (const char* model : {"adex", "dpi"}) {
    auto r = run_capacity_ion(model, o.capacity_neurons, o.capacity_s, o.seed, o.repeats);
    if (!r) return r.status().prefixed("bench neurons: ");
    compare(std::string("capacity: ") + model + " x " + std::to_string(o.capacity_neurons) +
                ", dt 0.1 ms, 5 Hz Poisson input each, " + std::to_string(o.capacity_s) + " s:",
            *r, o, model);
  }
  return Status::ok();
}

}  // namespace ion::silicon
