// SPDX-License-Identifier: Apache-2.0
#pragma once
// Small numerical helpers shared by the model kernels (header-only so the loops inline).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

// Runtime dispatch of a hot loop to x86-64-v4 (AVX-512) / x86-64-v3 (AVX2 + FMA) / baseline SSE2
// copies (GCC ifunc). Results are bit-identical on every path: the loops use only IEEE +, −, ×, ÷,
// min/max, compares, integer bit operations and explicit std::fma (one rounding everywhere: a
// vfmadd instruction on v3/v4, glibc's correctly rounded software fma on the baseline path), and
// ion_neuron is compiled with -ffp-contract=off so the compiler never fuses a × and + on its own.
// So digests match across machines, as without -march=native.
#define ION_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

namespace ion::neuron {

// e^x in plain IEEE double arithmetic (Cody–Waite reduction x = k·ln2 + r, |r| <= ln2/2, degree-13
// Taylor polynomial in Horner form with fused multiply-adds, 2^k built from its bits), so loops
// calling it auto-vectorise and the result is the same on every x86-64 machine (no libm ifunc
// variants, no -ffast-math; std::fma is exactly rounded on every path, see ION_SIMD_CLONES).
// Relative error below 2 ulp on [-708, 709] (tests/neuron/kernels_test.cpp); x is clamped to that
// range (no inf/denormal results: e^709 ≈ 8e307 still makes every model cross its threshold,
// e^-708 ≈ 3e-308 is ~0 for them). The FMAs halve the polynomial's operations; on the baseline
// SSE2 path (pre-2013 CPUs without FMA) they are software calls: correct, but slow.
[[gnu::always_inline]] inline double vexp(double x) {
  x = std::max(x, -708.0);
  x = std::min(x, 709.0);
  constexpr double kShift = 0x1.8p52, kInvLn2 = 0x1.71547652b82fep0;
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  const double kd = std::fma(x, kInvLn2, kShift);  // round-to-nearest k in the low mantissa bits
  const double k = kd - kShift;
  const double r = std::fma(-k, kLn2Lo, std::fma(-k, kLn2Hi, x));
  double p = 1.0 / 6227020800.0;  // 1/13!, written out (a loop over a table would not vectorise)
  p = std::fma(p, r, 1.0 / 479001600.0);
  p = std::fma(p, r, 1.0 / 39916800.0);
  p = std::fma(p, r, 1.0 / 3628800.0);
  p = std::fma(p, r, 1.0 / 362880.0);
  p = std::fma(p, r, 1.0 / 40320.0);
  p = std::fma(p, r, 1.0 / 5040.0);
  p = std::fma(p, r, 1.0 / 720.0);
  p = std::fma(p, r, 1.0 / 120.0);
  p = std::fma(p, r, 1.0 / 24.0);
  p = std::fma(p, r, 1.0 / 6.0);
  p = std::fma(p, r, 0.5);
  p = std::fma(p, r, 1.0);
  p = std::fma(p, r, 1.0);
  const uint64_t ki = std::bit_cast<uint64_t>(kd) - std::bit_cast<uint64_t>(kShift);
  return p * std::bit_cast<double>((ki + 1023u) << 52);
}

// (e^x − 1)/x with the removable singularity at 0 (as Brian2's exprel).
inline double exprel(double x) { return x == 0.0 ? 1.0 : std::expm1(x) / x; }

// One classic 4th-order Runge–Kutta step for a 2-variable system; f(x, y, dx, dy) writes the
// derivatives. Inputs are held constant over the step by the caller's closure.
template <class F>
[[gnu::always_inline]] inline void rk4_step2(double& x, double& y, double h, F&& f) {
  double k1x, k1y, k2x, k2y, k3x, k3y, k4x, k4y;
  f(x, y, k1x, k1y);
  f(x + 0.5 * h * k1x, y + 0.5 * h * k1y, k2x, k2y);
  f(x + 0.5 * h * k2x, y + 0.5 * h * k2y, k3x, k3y);
  f(x + h * k3x, y + h * k3y, k4x, k4y);
  x += h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
  y += h / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
}

// Exponential Euler for dx/dt = A + B·x with A, B frozen over the step: exact for that linear ODE.
inline double exp_euler(double x, double a, double b, double h) {
  if (b == 0.0) return x + a * h;
  double x_inf = -a / b;
  return x_inf + (x - x_inf) * std::exp(b * h);
}

}  // namespace ion::neuron
