// SPDX-License-Identifier: Apache-2.0
#pragma once
// Resistance → synaptic weight, as the reference hub did: linear between r_min and r_max,
// clipped; which end is "strong" is configurable (low resistance = high conductance = strong by
// default). Also the legacy 0..255 byte.
#include <cstdint>

namespace ion::hub {

struct WeightMap {
  double r_min_ohm = 4000;
  double r_max_ohm = 9000;
  bool low_r_strong = true;

  // 0..1; NaN or non-positive resistance (a failed read) maps to 0 — never to a strong weight.
  float weight(double r_ohm) const;
  // round(255 * weight).
  uint8_t legacy_byte(double r_ohm) const;
};

}  // namespace ion::hub
