// SPDX-License-Identifier: Apache-2.0
#include "site/silicon/bench.hpp"

#include <time.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "core/prng.hpp"
#include "neuron/drives.hpp"
#include "neuron/population.hpp"
#include "neuron/synapses.hpp"

#ifndef ION_SOURCE_DIR_BENCH
#define ION_SOURCE_DIR_BENCH "."
#endif

namespace ion::silicon {
namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double wall_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Timer {
  double w0 = wall_s(), c0 = thread_cpu_s();
  void stop(BenchRun& r) const {
    r.wall_s = wall_s() - w0;
    r.cpu_s = thread_cpu_s() - c0;
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

// Brian2's CUBA: dv/dt = (ge + gi − (v − El))/taum, ge/gi in volts with taue 5 ms, taui 10 ms.
// Here ge, gi are exponential current synapses with C = 1 pF: I = C (ge + gi)/taum.
BenchRun run_cuba_ion(double sim_s, uint64_t seed) {
  const uint32_t n = 4000, n_exc = 3200;
  const double c = 1e-12, taum = 20e-3, vt = -50e-3, vr = -60e-3;
  const neuron::ModelDef& m = *neuron::find_model("lif").value();
  std::vector<double> params{c, taum, -49e-3, vt, vr, 5e-3};
  auto pop = neuron::Population::create(m, n, 100'000, params).value();
  Rng rng = Rng::stream(seed, "bench.cuba");
  for (double& v : pop.state_column(0)) v = vr + rng.uniform() * (vt - vr);
  neuron::SynapseParams pe, pi;
  pe.tau_s = 5e-3;
  pi.tau_s = 10e-3;
  auto ge = neuron::SynapseBank::create(pe, n, 1e-4).value();
  auto gi = neuron::SynapseBank::create(pi, n, 1e-4).value();
  Csr exc = random_csr(0, n_exc, n, 0.02, rng), inh = random_csr(n_exc, n, n, 0.02, rng);
  const double we = c * (60 * 0.27 / 10) * 1e-3 / taum, wi = c * (-20 * 4.5 / 10) * 1e-3 / taum;
  BenchRun r{0, 0, 0, sim_s, n};
  const int64_t steps = static_cast<int64_t>(sim_s / 1e-4 + 0.5);
  Timer timer;
  std::vector<uint32_t> last;
  double* input = pop.input_current().data();
  for (int64_t k = 0; k < steps; ++k) {
    for (uint32_t pre : last) {
      const Csr& g = pre < n_exc ? exc : inh;
      const uint32_t row = pre < n_exc ? pre : pre - n_exc;
      auto& bank = pre < n_exc ? ge : gi;
      for (uint32_t e = g.start[row]; e < g.start[row + 1]; ++e) bank.on_spike(g.post[e], pre < n_exc ? we : wi);
    }
    const double *a = ge.current().data(), *b = gi.current().data();
    for (uint32_t i = 0; i < n; ++i) input[i] = a[i] + b[i];
    pop.step();
    last.assign(pop.spikes().begin(), pop.spikes().end());
    r.spikes += last.size();
    ge.step();
    gi.step();
  }
  timer.stop(r);
  return r;
}

Result<BenchRun> run_capacity_ion(const std::string& model, uint32_t neurons, double sim_s, uint64_t seed) {
  auto m = neuron::find_model(model);
  if (!m) return m.status();
  if (model != "adex" && model != "dpi") return error(Errc::invalid_argument, "capacity bench: model must be adex or dpi");
  auto pop = neuron::Population::create(**m, neurons, 100'000);
  if (!pop) return pop.status();
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
  double* input = pop->input_current().data();
  for (int64_t k = 0; k < steps; ++k) {
    targets.clear();
    drive.draw(1e-4, targets);
    for (uint32_t i : targets) syn.on_spike(i, weight);
    const double* cur = syn.current().data();
    for (uint32_t i = 0; i < neurons; ++i) input[i] = cur[i];
    pop->step();
    r.spikes += pop->spikes().size();
    syn.step();
  }
  timer.stop(r);
  return r;
}

Result<BenchRun> run_brian_bench(const std::string& mode, uint32_t neurons, double sim_s, const std::string& work_dir) {
  std::string cmd = "/usr/bin/python3 " + std::string(ION_SOURCE_DIR_BENCH) + "/tests/neuron/brian_bench.py " + mode +
                    " " + std::to_string(neurons) + " " + std::to_string(sim_s) + " " + work_dir + " 2>/dev/null";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return error(Errc::unavailable, "cannot start Brian2: " + cmd);
  BenchRun r{0, 0, 0, sim_s, neurons};
  unsigned long long spikes = 0;
  int got = std::fscanf(p, "run_s %lf spikes %llu", &r.wall_s, &spikes);
  int rc = pclose(p);
  if (got != 2 || rc != 0)
    return error(Errc::unavailable, "Brian2 benchmark failed (exit " + std::to_string(rc) + "): " + cmd);
  r.spikes = spikes;
  return r;
}

}  // namespace ion::silicon
