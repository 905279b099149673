// SPDX-License-Identifier: Apache-2.0
#include "site/hub/weight_map.hpp"

#include <algorithm>
#include <cmath>

namespace ion::hub {

float WeightMap::weight(double r_ohm) const {
  if (!(r_ohm > 0) || !std::isfinite(r_ohm) || !(r_max_ohm > r_min_ohm)) return 0.0f;
  double f = (r_ohm - r_min_ohm) / (r_max_ohm - r_min_ohm);
  f = std::clamp(f, 0.0, 1.0);
  return static_cast<float>(low_r_strong ? 1.0 - f : f);
}

uint8_t WeightMap::legacy_byte(double r_ohm) const {
  return static_cast<uint8_t>(std::lround(255.0 * weight(r_ohm)));
}

}  // namespace ion::hub
