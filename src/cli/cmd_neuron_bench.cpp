// SPDX-License-Identifier: Apache-2.0
// `ion bench neurons`: CUBA network and real-time capacity (AdEx, DPI) against Brian2
// cpp_standalone measured in the same run (see site/silicon/bench.hpp).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "site/silicon/bench.hpp"

namespace ion::cli {
namespace {

struct NeuronBenchOptions {
  double cuba_s = 10;
  uint32_t capacity_neurons = 20000;
  double capacity_s = 2;
  bool brian = true;
  std::string work_dir = "/tmp/ion-brian-bench";
  uint64_t seed = 1;
};

void print_run(const char* who, const silicon::BenchRun& r) {
  std::printf("  %-8s run %8.3f s wall (%7.3f s CPU), %9llu spikes, %7.2f Hz/neuron, %10.0f neurons in real time\n", who,
              r.wall_s, r.cpu_s, static_cast<unsigned long long>(r.spikes), r.rate_hz(), r.realtime_neurons());
}

void compare(const std::string& what, const silicon::BenchRun& ion_run, const NeuronBenchOptions& o,
             const std::string& mode) {
  std::printf("%s\n", what.c_str());
  print_run("ion", ion_run);
  if (!o.brian) return (void)std::printf("  brian2   skipped (--no-brian)\n");
  auto b = silicon::run_brian_bench(mode, ion_run.neurons, ion_run.sim_s, o.work_dir + "/" + mode);
  if (!b) return (void)std::printf("  brian2   unavailable: %s\n", b.status().message().c_str());
  print_run("brian2", *b);
  std::printf("  speed-up %.2fx (Brian2 wall / ion wall); rate difference %+.1f %%\n", b->wall_s / ion_run.wall_s,
              b->rate_hz() > 0 ? 100.0 * (ion_run.rate_hz() - b->rate_hz()) / b->rate_hz() : 0.0);
}

void run_neuron_bench(const NeuronBenchOptions& o) {
  if (o.cuba_s <= 0 || o.capacity_s <= 0 || o.capacity_neurons == 0)
    throw CliError("bench neurons: --cuba-seconds, --capacity-seconds and --capacity-neurons must be > 0", 2);
  compare("CUBA (4000 LIF, p = 0.02, dt 0.1 ms), " + std::to_string(o.cuba_s) + " s of biological time:",
          silicon::run_cuba_ion(o.cuba_s, o.seed), o, "cuba");
  for (const char* model : {"adex", "dpi"}) {
    auto r = silicon::run_capacity_ion(model, o.capacity_neurons, o.capacity_s, o.seed);
    if (!r) throw CliError("bench neurons: " + r.status().message(), 1);
    compare(std::string("capacity: ") + model + " x " + std::to_string(o.capacity_neurons) +
                ", dt 0.1 ms, 5 Hz Poisson input each, " + std::to_string(o.capacity_s) + " s:",
            *r, o, model);
  }
}

}  // namespace

void add_neuron_bench_command(CLI::App& app) {
  CLI::App* bench = nullptr;
  try {
    bench = app.get_subcommand("bench");  // shared with other benchmarks if already registered
  } catch (const std::exception&) {
    bench = app.add_subcommand("bench", "benchmarks (each measures its baseline in the same run)");
    bench->require_subcommand(1);
  }
  auto o = std::make_shared<NeuronBenchOptions>();
  auto* c = bench->add_subcommand("neurons", "CUBA network and AdEx/DPI real-time capacity vs Brian2 cpp_standalone");
  c->add_option("--cuba-seconds", o->cuba_s, "biological seconds of the CUBA network")->capture_default_str();
  c->add_option("--capacity-neurons", o->capacity_neurons, "neurons in the capacity runs")->capture_default_str();
  c->add_option("--capacity-seconds", o->capacity_s, "biological seconds of the capacity runs")->capture_default_str();
  c->add_option("--work-dir", o->work_dir, "where Brian2 builds its standalone projects")->capture_default_str();
  c->add_option("--seed", o->seed, "seed")->capture_default_str();
  c->add_flag("!--no-brian", o->brian, "skip the Brian2 baselines");
  c->callback([o] { run_neuron_bench(*o); });
}

}  // namespace ion::cli
