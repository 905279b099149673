// SPDX-License-Identifier: Apache-2.0
#include "bench/device/bench_device.hpp"

#include <time.h>

#include <cstdio>

#include "core/prng.hpp"
#include "device/sim_crossbar.hpp"

namespace ion::device {
namespace {

constexpr size_t kChunk = 1 << 14;

struct Drive {
  double v_pos, v_neg, width_s;
};

Drive drive_for(const std::string& model) {
  if (model == "vteam") return {0.05, -0.25, 1e-9};
  if (model == "yakopcic") return {0.5, -0.5, 1e-5};
  if (model == "compact" || model == "data-driven") return {1.0, -1.0, 1e-4};
  return {1.0, -1.0, 1e-3};
}

// Runs `fn(begin, count, pass)` over chunks of the cell order until min_seconds elapsed.
template <class F>
BenchRow timed(const std::string& name, bool closed, size_t n_cells, double min_seconds, F&& fn) {
  uint64_t updates = 0;
  size_t pos = 0, pass = 0;
  const double t0 = to_seconds(thread_cpu_now());
  double secs = 0;
  do {
    const size_t k = std::min(kChunk, n_cells - pos);
    fn(pos, k, pass);
    updates += k;
    pos += k;
    if (pos == n_cells) pos = 0, ++pass;
    secs = to_seconds(thread_cpu_now()) - t0;
  } while (secs < min_seconds);
  return {name, closed, updates, secs, double(updates) / secs, 0};
}

}  // namespace

std::vector<BenchRow> bench_device(uint32_t n, double min_seconds, uint64_t seed) {
  const size_t cells = size_t(n) * n;
  Rng rng = Rng::stream(seed, "device.bench");
  std::vector<uint32_t> order(cells);
  for (auto& c : order) c = uint32_t(rng.below(cells));
  std::vector<BenchRow> rows;
  {
    std::vector<double> mem(cells);
    for (auto& m : mem) m = rng.uniform();
    rows.push_back(timed("baseline", true, cells, min_seconds, [&](size_t b, size_t k, size_t pass) {
      const double d = pass % 2 ? -1e-3 : 1e-3;
      for (size_t i = b; i < b + k; ++i) {  // same access pattern and prefetch as the models
        if (i + kPrefetchAhead < b + k) __builtin_prefetch(mem.data() + order[i + kPrefetchAhead], 1);
        mem[order[i]] = mem[order[i]] * 0.999 + d;
      }
    }));
  }
  for (const Model* m : all_models()) {
    CrossbarConfig cfg;
    cfg.model = m->name();
    cfg.words = cfg.bits = n;
    auto x = std::move(SimulatedCrossbar::create(cfg)).value();
    const double* p = x->base_params().data();
    const double lo = m->state_lo(p), hi = m->state_hi(p);
    const bool r_state = std::string(m->state_name()) == "R_ohm";
    for (size_t c = 0; c < cells; ++c)
      (void)x->set_cell_state(c, r_state ? rng.uniform(3000, 20000) : rng.uniform(lo, hi));
    const Drive d = drive_for(m->name());
    rows.push_back(timed(m->name(), m->closed_form(), cells, min_seconds, [&](size_t b, size_t k, size_t pass) {
      x->pulse_cells_unlogged(order.data() + b, k, pass % 2 ? d.v_neg : d.v_pos, d.width_s);
    }));
  }
  for (auto& r : rows) r.ratio_to_baseline = r.updates_per_s / rows[0].updates_per_s;
  return rows;
}

Status report_bench_device(uint32_t size, double seconds, uint64_t seed) {
  if (size < 1 || size > 4096) return error(Errc::invalid_argument, "--size must be in 1..4096");
  if (!(seconds > 0 && seconds <= 60)) return error(Errc::invalid_argument, "--seconds must be in (0, 60]");
  std::printf("# pulse updates per second, one core, %ux%u array, random cells (seed %llu)\n", size, size,
              static_cast<unsigned long long>(seed));
  std::printf("%-14s %-11s %12s %9s %14s %9s\n", "model", "solution", "updates", "seconds", "updates/s", "ratio");
  for (const auto& r : bench_device(size, seconds, seed))
    std::printf("%-14s %-11s %12llu %9.3f %14.4g %9.4f\n", r.name.c_str(),
                r.name == "baseline" ? "memory"
                : r.closed_form      ? "closed"
                                     : "integrated",
                static_cast<unsigned long long>(r.updates), r.seconds, r.updates_per_s, r.ratio_to_baseline);
  return Status::ok();
}

}  // namespace ion::device
