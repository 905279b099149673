// SPDX-License-Identifier: Apache-2.0
#pragma once
// Seeded, reproducible non-idealities of a memristor array. All draws come from ion::Rng
// streams derived from the array seed: "device.d2d" (parameter spread), "device.faults",
// "device.read" (read noise); cycle-to-cycle noise is counter-based on (pulse sequence number,
// cell) so that replaying a write-ahead log reproduces it exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "core/prng.hpp"
#include "core/status.hpp"
#include "device/model.hpp"

namespace ion::device {

struct ParamSpread {
  std::string name;  // model parameter name, e.g. "Ap"
  double rel_sd;     // value = base·(1 + rel_sd·N(0,1)), redrawn (≤ 16×) if out of range, then clamped
};

struct Variability {
  std::vector<ParamSpread> d2d;       // device-to-device spread
  double c2c_rel_sd = 0;              // each update Δs is scaled by (1 + c2c_rel_sd·N(0,1))
  double read_noise_rel = 0;          // read = R·U(1 − a, 1 + a); the ArC emulator used a = 0.01
  double p_stuck_low = 0;             // probability a cell is stuck at its lowest-resistance bound
  double p_stuck_high = 0;            // … at its highest-resistance bound
  uint32_t levels = 0;                // 0: continuous; else state snapped to `levels` uniform levels
  double level_lo = 0, level_hi = 0;  // quantisation range in state units (0, 0: model bounds)
};

// Checks names, ranges and probabilities against a model. Errors name the bad field.
Status validate(const Variability& v, const Model& m);

// Draws one device's parameters around `base` (np values). REQUIRES: validate() passed.
void draw_device_params(const Variability& v, const Model& m, const double* base, double* out, Rng& rng);

// N(0,1) from a counter-based hash of (key, seq, cell): the same inputs give the same value.
double counter_normal(uint64_t key, uint64_t seq, uint64_t cell);

// Snaps s to the nearest of `levels` uniform levels in [lo, hi].
double quantise(double s, uint32_t levels, double lo, double hi);

}  // namespace ion::device
