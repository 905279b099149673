// SPDX-License-Identifier: Apache-2.0
// Pulse updates per second for each memristor model on a 1024×1024 SimulatedCrossbar with cells
// in random states, pulsed in a random order (alternating polarity per batch), against a
// baseline read-modify-write of one double per cell over the same order (BM_Baseline).
// items_per_second = pulse updates per second on one core. (`ion device bench` measures the same.)
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/prng.hpp"
#include "device/sim_crossbar.hpp"

namespace {

using namespace ion::device;

constexpr uint32_t kSide = 1024;
constexpr size_t kCells = size_t(kSide) * kSide, kBatch = 1 << 16;

const std::vector<uint32_t>& order() {
  static const std::vector<uint32_t> kOrder = [] {
    ion::Rng r(1);
    std::vector<uint32_t> v(kCells);
    for (auto& c : v) c = uint32_t(r.below(kCells));
    return v;
  }();
  return kOrder;
}

void BM_Baseline(benchmark::State& st) {
  std::vector<double> mem(kCells, 0.5);
  const std::vector<uint32_t>& o = order();  // built outside the timed loop
  size_t pos = 0, pass = 0;
  for (auto _ : st) {
    const double d = pass++ % 2 ? -1e-3 : 1e-3;
    for (size_t i = pos; i < pos + kBatch; ++i) {
      if (i + kPrefetchAhead < pos + kBatch) __builtin_prefetch(mem.data() + o[i + kPrefetchAhead], 1);
      mem[o[i]] = mem[o[i]] * 0.999 + d;
    }
    pos = (pos + kBatch) % kCells;
  }
  benchmark::DoNotOptimize(mem.data());
  st.SetItemsProcessed(int64_t(st.iterations()) * int64_t(kBatch));
}
BENCHMARK(BM_Baseline);

void BM_Model(benchmark::State& st, const char* model, double vp, double vn, double width_s) {
  CrossbarConfig cfg;
  cfg.model = model;
  cfg.words = cfg.bits = kSide;
  auto x = std::move(SimulatedCrossbar::create(cfg)).value();
  const double* p = x->base_params().data();
  const bool r_state = std::string(x->model().state_name()) == "R_ohm";
  ion::Rng r(2);
  for (size_t c = 0; c < kCells; ++c)
    (void)x->set_cell_state(
        c, r_state ? r.uniform(3000, 20000) : r.uniform(x->model().state_lo(p), x->model().state_hi(p)));
  size_t pos = 0, pass = 0;
  for (auto _ : st) {
    x->pulse_cells_unlogged(order().data() + pos, kBatch, pass++ % 2 ? vn : vp, width_s);
    pos = (pos + kBatch) % kCells;
  }
  st.SetItemsProcessed(int64_t(st.iterations()) * int64_t(kBatch));
}
BENCHMARK_CAPTURE(BM_Model, linear_drift, "linear-drift", 1.0, -1.0, 1e-3);
BENCHMARK_CAPTURE(BM_Model, vteam, "vteam", 0.05, -0.25, 1e-9);
BENCHMARK_CAPTURE(BM_Model, compact, "compact", 1.0, -1.0, 1e-4);
BENCHMARK_CAPTURE(BM_Model, data_driven, "data-driven", 1.0, -1.0, 1e-4);
BENCHMARK_CAPTURE(BM_Model, joglekar, "joglekar", 1.0, -1.0, 1e-3);
BENCHMARK_CAPTURE(BM_Model, yakopcic, "yakopcic", 0.5, -0.5, 1e-5);

}  // namespace

BENCHMARK_MAIN();
