// SPDX-License-Identifier: Apache-2.0
#include "site/hub/weight_map.hpp"

#include <algorithm>
#include <cmath>

namespace ion::hub {

// (255 / (Rmax − Rmin)) · (R − Rmin) in that order, as UDPmod.py l.321: 6500 Ω gives
// 127.49999999999999 and so 127. std::nearbyint in the default rounding mode rounds half to
// even, as np.round does (5500 Ω: 76.5 → 76).
uint8_t WeightMap::legacy_byte(double r_ohm) const {
  if (!std::isfinite(r_ohm) || !(r_max_ohm > r_min_ohm)) return 0;
  const double x = std::clamp((255.0 / (r_max_ohm - r_min_ohm)) * (r_ohm - r_min_ohm), 0.0, 255.0);
  return static_cast<uint8_t>(std::nearbyint(x));
}

double WeightMap::resistance_of(float w) const {
  const double f = std::clamp(std::isfinite(w) ? static_cast<double>(w) : 0.0, 0.0, 1.0);
  return r_min_ohm + (low_r_strong ? 1.0 - f : f) * (r_max_ohm - r_min_ohm);
}

}  // namespace ion::hub
