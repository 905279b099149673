// SPDX-License-Identifier: Apache-2.0
#pragma once
// Resistance → synaptic weight: linear between r_min and r_max, clipped to [0, 1]. Which end is
// "strong" is configurable; ion's default is low resistance = high conductance = strong.
//
// The 2017–2020 reference hub (arc1_pyqt ProgPanels/UDPmod.py at 63b6fb3; docs/protocol.md §8)
// had no separate weight: it sent the device read as the byte
//   round(clip(255 · (R − Rmin) / (Rmax − Rmin), 0, 255))     (UDPmod.py l.321, l.587)
// so a HIGHER resistance gave a HIGHER byte ("RS levels corresponding to weights 0 and 1",
// l.100–102). legacy_byte() is that formula whatever the polarity; it is not 255 · weight.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ion::hub {

struct WeightMap {
  double r_min_ohm = 4000;  // the reference's defaults: Rmin 4000 Ω, Rmax 9000 Ω (l.856)
  double r_max_ohm = 9000;
  bool low_r_strong = true;

  // 0..1; NaN or non-positive resistance (a failed read) maps to 0 — never to a strong weight.
  float weight(double r_ohm) const {  // inline: once per plastic event
    if (!(r_ohm > 0) || !std::isfinite(r_ohm) || !(r_max_ohm > r_min_ohm)) return 0.0f;
    const double f = std::clamp((r_ohm - r_min_ohm) / (r_max_ohm - r_min_ohm), 0.0, 1.0);
    return static_cast<float>(low_r_strong ? 1.0 - f : f);
  }
  // The reference's 'S' byte of a read, evaluated as the reference did (same operation order,
  // numpy's round half to even); a non-finite read or an empty range gives 0.
  uint8_t legacy_byte(double r_ohm) const;
  // The resistance a weight stands for (the inverse of weight() inside the range).
  double resistance_of(float weight) const;
};

}  // namespace ion::hub
