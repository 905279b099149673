// SPDX-License-Identifier: Apache-2.0
#pragma once
// Adaptive Bogacki–Shampine 3(2) integration of an autonomous scalar ODE ds/dt = f(s) over a
// rectangular pulse, restricted to [lo, hi]: a step whose stages or result leave the bounds is
// rejected and retried with a smaller step, so the state can never overshoot a bound (the
// windows used by the models vanish at the bounds, so the exact solution never crosses them).
#include <algorithm>
#include <cmath>

namespace ion::device {

inline constexpr int kMaxIntegratorSteps = 200000;

template <class F>
double integrate_bounded(const F& f, double s, double t_s, double lo, double hi, double atol) {
  double k1 = f(s);
  if (t_s <= 0 || k1 == 0) return s;  // autonomous ODE: a zero rate is an equilibrium
  auto inside = [&](double y) { return y >= lo && y <= hi && std::isfinite(y); };
  double t = 0, h = t_s;
  for (int n = 0; n < kMaxIntegratorSteps && t < t_s; ++n) {
    h = std::min(h, t_s - t);
    const double y2 = s + 0.5 * h * k1;
    const double k2 = inside(y2) ? f(y2) : NAN;
    const double y3 = s + 0.75 * h * k2;
    const double k3 = inside(y3) ? f(y3) : NAN;
    const double y = s + h * (2.0 / 9 * k1 + 1.0 / 3 * k2 + 4.0 / 9 * k3);
    if (!inside(y)) {
      h *= 0.25;
      if (h < t_s * 1e-18) break;  // pinned against a bound: stay there
      continue;
    }
    const double k4 = f(y);
    const double err = std::fabs(h * (-5.0 / 72 * k1 + 1.0 / 12 * k2 + 1.0 / 9 * k3 - 1.0 / 8 * k4));
    if (err <= atol) {
      s = y;
      t += h;
      k1 = k4;
      if (k1 == 0) break;
    }
    const double grow = err > 0 ? 0.9 * std::cbrt(atol / err) : 5.0;
    h *= std::clamp(grow, 0.2, 5.0);
  }
  return std::clamp(s, lo, hi);
}

}  // namespace ion::device
