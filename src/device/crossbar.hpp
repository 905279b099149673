// SPDX-License-Identifier: Apache-2.0
#pragma once
// The crossbar instrument interface: what a plasticity rule needs from a memristor array,
// whether simulated (SimulatedCrossbar) or real (ArcOne). Word/bit indices are 0-based here;
// drivers translate to the instrument's own numbering. Resistances are ohm at the instrument's
// read voltage. Not thread-safe: one owner drives an instrument.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::device {

class Crossbar {
 public:
  virtual ~Crossbar() = default;
  virtual uint32_t words() const = 0;
  virtual uint32_t bits() const = 0;
  virtual Result<double> read(uint32_t w, uint32_t b) = 0;
  // A rectangular pulse of v volts for `width` on the selected cell (others may see v/2).
  virtual Status pulse(uint32_t w, uint32_t b, double v, Duration width) = 0;
  // Pulse, then read the same cell.
  virtual Result<double> pulse_read(uint32_t w, uint32_t b, double v, Duration width) = 0;
  // Every cell, word-major: index w·bits() + b.
  virtual Result<std::vector<double>> read_all() = 0;
};

// The accepted arguments: a cell inside the array; a finite amplitude within ±20 V and a width in
// (0, 10 s]. The predicates are the rule; the checks below turn a refusal into a precise message.
inline bool cell_ok(uint32_t w, uint32_t b, uint32_t words, uint32_t bits) { return w < words && b < bits; }
inline bool pulse_ok(double v, Duration width) {
  return std::isfinite(v) && std::fabs(v) <= 20 && width > 0 && width <= 10 * kSecond;
}

// Common argument checks with precise messages (shared by the implementations).
Status check_cell(uint32_t w, uint32_t b, uint32_t words, uint32_t bits);
Status check_pulse(double v, Duration width);

}  // namespace ion::device
