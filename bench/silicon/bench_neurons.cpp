// SPDX-License-Identifier: Apache-2.0
#include "bench/silicon/bench_neurons.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <vector>

#include "core/prng.hpp"
#include "neuron/drives.hpp"
#include "neuron/lif_network.hpp"
#include "neuron/population.hpp"
#include "neuron/synapses.hpp"

namespace ion::silicon {
namespace {

double wall_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Timer {
  double w0 = wall_s(), c0 = to_seconds(thread_cpu_now());
  void stop(BenchRun& r) const {
    r.wall_s = wall_s() - w0;
    r.cpu_s = to_seconds(thread_cpu_now()) - c0;
  }
};

// CSR of pre → posts.
struct Csr {
  std::vector<uint32_t> start, post;
};

Csr random_csr(uint32_t pre_begin, uint32_t pre_end, uint32_t n, double p, Rng& rng) {
  Csr c;
  c.start.push_back(0);
  for (uint32_t i = pre_begin; i < pre_end; ++i) {
    for (uint32_t j = 0; j < n; ++j)
      if (rng.bernoulli(p)) c.post.push_back(j);
    c.start.push_back(static_cast<uint32_t>(c.post.size()));
  }
  return c;
}

}  // namespace

// Brian2's CUBA example exactly: dv/dt = (ge + gi − (v − El))/taum, dge/dt = −ge/taue,
// dgi/dt = −gi/taui (volts), Vt −50 mV, Vr −60 mV, El −49 mV, taum 20 ms, taue 5 ms, taui 10 ms,
// refractory 5 ms, we = 60·0.27/10 mV, wi = −20·4.5/10 mV, p = 0.02 (neurons 0..3199 excitatory),
// v(0) uniform in [Vr, Vt], exact integration, synapses without delay (neuron::LifCubaNetwork).
BenchRun run_cuba_once(double sim_s, uint64_t seed) {
  const uint32_t n = 4000, n_exc = 3200;
  neuron::LifCubaParams lp;  // defaults are CUBA's
  auto net = neuron::LifCubaNetwork::create(lp, n, 1e-4).value();
  Rng rng = Rng::stream(seed, "bench.cuba");
  for (double& v : net.v()) v = lp.v_reset_v + rng.uniform() * (lp.v_th_v - lp.v_reset_v);
  Csr all = random_csr(0, n, n, 0.02, rng);
  neuron::CsrSynapses syn;
  syn.start = std::move(all.start);
  syn.post = std::move(all.post);
  syn.inhibitory.assign(n, 0);
  for (uint32_t j = n_exc; j < n; ++j) syn.inhibitory[j] = 1;
  syn.weight_v.resize(syn.post.size());
  const double we = (60 * 0.27 / 10) * 1e-3, wi = (-20 * 4.5 / 10) * 1e-3;
  for (uint32_t j = 0; j < n; ++j)
    for (uint32_t e = syn.start[j]; e < syn.start[j + 1]; ++e) syn.weight_v[e] = j < n_exc ? we : wi;
  (void)net.set_synapses(std::move(syn));
  BenchRun r{0, 0, 0, sim_s, n};
  const int64_t steps = static_cast<int64_t>(sim_s / 1e-4 + 0.5);
  Timer timer;
  for (int64_t k = 0; k < steps; ++k) {
    net.step();
    r.spikes += net.spikes().size();
  }
  timer.stop(r);
  return r;
}

Result<BenchRun> run_capacity_once(const std::string& model, uint32_t neurons, double sim_s, uint64_t seed) {
  ION_TRY_ASSIGN(auto m, neuron::find_model(model));
  if (model != "adex" && model != "dpi")
    return error(Errc::invalid_argument, "capacity bench: model must be adex or dpi");
  ION_TRY_ASSIGN(auto pop, neuron::Population::create(*m, neurons, 100'000));
  neuron::SynapseParams sp;
  sp.tau_s = 5e-3;
  double weight = 1e-9;  // AdEx: 1 nA exponential current per input
  if (model == "dpi") {
    sp.kind = neuron::SynapseKind::dpi;
    sp.i_tau_a = sp.c_f * sp.u_t_v / (sp.kappa * 5e-3);
    sp.i_th_a = sp.i_tau_a;
    sp.i_w_a = 200e-12;
    weight = 1.0;
  }
  auto syn = neuron::SynapseBank::create(sp, neurons, 1e-4).value();
  neuron::PoissonGroup drive(neurons, 5.0, Rng::stream(seed, "bench.capacity"));
  BenchRun r{0, 0, 0, sim_s, neurons};
  const int64_t steps = static_cast<int64_t>(sim_s / 1e-4 + 0.5);
  std::vector<uint32_t> targets;
  Timer timer;
  double* input = pop.input_current().data();
  for (int64_t k = 0; k < steps; ++k) {
    targets.clear();
    drive.draw(1e-4, targets);
    for (uint32_t i : targets) syn.on_spike(i, weight);
    const double* cur = syn.current().data();
    for (uint32_t i = 0; i < neurons; ++i) input[i] = cur[i];
    pop.step();
    r.spikes += pop.spikes().size();
    syn.step();
  }
  timer.stop(r);
  return r;
}

// Minimum wall and CPU time over `repeats` runs (each run is deterministic: same spikes).
BenchRun best_of(BenchRun best, const BenchRun& r) {
  best.wall_s = std::min(best.wall_s, r.wall_s);
  best.cpu_s = std::min(best.cpu_s, r.cpu_s);
  return best;
}

BenchRun run_cuba_ion(double sim_s, uint64_t seed, uint32_t repeats) {
  BenchRun best = run_cuba_once(sim_s, seed);
  for (uint32_t k = 1; k < repeats; ++k) best = best_of(best, run_cuba_once(sim_s, seed));
  return best;
}

Result<BenchRun> run_capacity_ion(const std::string& model, uint32_t neurons, double sim_s, uint64_t seed,
                                  uint32_t repeats) {
  auto best = run_capacity_once(model, neurons, sim_s, seed);
  for (uint32_t k = 1; best && k < repeats; ++k) {
    auto r = run_capacity_once(model, neurons, sim_s, seed);
    if (!r) return r;
    best = best_of(*best, *r);
  }
  return best;
}

Result<std::string> find_brian_script(const std::string& executable) {
  namespace fs = std::filesystem;
  const fs::path bin = fs::path(executable).parent_path();
  const fs::path candidates[] = {(bin / "share/ion/brian_bench.py").lexically_normal(),
                                 (bin / "../share/ion/brian_bench.py").lexically_normal()};
  std::error_code ec;
  for (const fs::path& p : candidates)
    if (fs::is_regular_file(p, ec)) return p.string();
  return error(Errc::not_found, "Brian2 baseline script brian_bench.py not found: looked for " +
                                    candidates[0].string() + " and " + candidates[1].string() +
                                    " (the build copies bench/silicon/brian_bench.py there; `cmake --install` too)");
}

Result<BenchRun> run_brian_bench(const std::string& mode, uint32_t neurons, double sim_s, const std::string& work_dir,
                                 uint64_t seed, uint32_t repeats) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return error(Errc::io_error, "cannot read /proc/self/exe: " + ec.message());
  ION_TRY_ASSIGN(auto script, find_brian_script(self.string()));
  std::string cmd = "/usr/bin/python3 " + script + " " + mode + " " + std::to_string(neurons) + " " +
                    std::to_string(sim_s) + " " + work_dir + " " + std::to_string(seed) + " " +
                    std::to_string(repeats) + " 2>/dev/null";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return error(Errc::unavailable, "cannot start Brian2: " + cmd);
  BenchRun r{0, 0, 0, sim_s, neurons};
  unsigned long long spikes = 0;
  // Brian2's run_s is CPU time (std::clock() around its run loop); wall_s is the whole process.
  int got = std::fscanf(p, "run_s %lf spikes %llu wall_s %lf", &r.cpu_s, &spikes, &r.wall_s);
  int rc = pclose(p);
  if (got != 3 || rc != 0)
    return error(Errc::unavailable, "Brian2 benchmark failed (exit " + std::to_string(rc) + "): " + cmd);
  r.spikes = spikes;
  return r;
}

}  // namespace ion::silicon
