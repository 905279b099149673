// SPDX-License-Identifier: Apache-2.0
#include "device/variability.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ion::device {

Status validate(const Variability& v, const Model& m) {
  for (const ParamSpread& s : v.d2d) {
    if (m.param_index(s.name) < 0)
      return error(Errc::not_found,
                   "variability: model '" + std::string(m.name()) + "' has no parameter '" + s.name + "' to spread");
    if (!(s.rel_sd >= 0 && s.rel_sd <= 10))
      return error(Errc::out_of_range, "variability: spread of '" + s.name + "' must be in [0, 10] (relative sd)");
  }
  auto in01 = [](double p) { return p >= 0 && p <= 1; };
  if (!(v.c2c_rel_sd >= 0 && v.c2c_rel_sd <= 10))
    return error(Errc::out_of_range, "variability: c2c_rel_sd must be in [0, 10]");
  if (!(v.read_noise_rel >= 0 && v.read_noise_rel < 1))
    return error(Errc::out_of_range, "variability: read_noise_rel must be in [0, 1)");
  if (!in01(v.p_stuck_low) || !in01(v.p_stuck_high) || v.p_stuck_low + v.p_stuck_high > 1)
    return error(Errc::out_of_range, "variability: stuck-at probabilities must be in [0, 1] and sum to <= 1");
  if (v.levels == 1 || v.level_lo > v.level_hi)
    return error(Errc::out_of_range, "variability: quantisation needs levels >= 2 and level_lo <= level_hi");
  return Status::ok();
}

void draw_device_params(const Variability& v, const Model& m, const double* base, double* out, Rng& rng) {
  const auto specs = m.params();
  std::copy(base, base + specs.size(), out);
  for (const ParamSpread& s : v.d2d) {
    const auto i = static_cast<size_t>(m.param_index(s.name));
    double x = base[i];
    for (int tries = 0; tries < 16; ++tries) {
      x = base[i] * (1 + s.rel_sd * rng.normal());
      if (x >= specs[i].lo && x <= specs[i].hi) break;
    }
    out[i] = std::clamp(x, specs[i].lo, specs[i].hi);
  }
}

double counter_normal(uint64_t key, uint64_t seq, uint64_t cell) {
  uint64_t st = key ^ (seq * 0x9E3779B97F4A7C15ULL) ^ (cell * 0xC2B2AE3D27D4EB4FULL);
  Rng r(splitmix64(st));
  return r.normal();
}

double quantise(double s, uint32_t levels, double lo, double hi) {
  if (levels < 2 || hi <= lo) return s;
  const double step = (hi - lo) / (levels - 1);
  return std::clamp(lo + std::round((s - lo) / step) * step, lo, hi);
}

}  // namespace ion::device
