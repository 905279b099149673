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
// ION_NO_SIMD_CLONES (CMake ION_SIMD_CLONES_OFF, on under ION_SANITIZE=thread: an ifunc resolver
// runs before the TSan runtime is initialised) compiles only the baseline path: the same bits, and
// slow where the loops call std::fma (software fma, see vexp).
#if defined(ION_NO_SIMD_CLONES)
#define ION_SIMD_CLONES
#else
#define ION_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif

namespace ion::neuron {

// e^x in plain IEEE double arithmetic (Cody–Waite reduction x = k·ln2 + r, |r| <= ln2/2, degree-13
// Taylor polynomial with fused multiply-adds, 2^k built from its bits), so loops
// calling it auto-vectorise and the result is the same on every x86-64 machine (no libm ifunc
// variants, no -ffast-math; std::fma is exactly rounded on every path, see ION_SIMD_CLONES).
// Relative error below 2 ulp on [-708, 709] (tests/neuron/kernels_test.cpp); x is clamped to that
// range (no inf/denormal results: e^709 ≈ 8e307 still makes every model cross its threshold,
// e^-708 ≈ 3e-308 is ~0 for them). On the baseline SSE2 path (pre-2013 CPUs without FMA) the
// FMAs are software calls: correct, but slow.
[[gnu::always_inline]] inline double vexp(double x) {
  x = std::max(x, -708.0);
  x = std::min(x, 709.0);
  constexpr double kShift = 0x1.8p52, kInvLn2 = 0x1.71547652b82fep0;
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  const double kd = std::fma(x, kInvLn2, kShift);  // round-to-nearest k in the low mantissa bits
  const double k = kd - kShift;
  const double r = std::fma(-k, kLn2Lo, std::fma(-k, kLn2Hi, x));
  // Σ r^j/j! for j = 0..13 by Estrin's scheme: pairs, then × r², r⁴, r⁸. Depth 5 instead of
  // Horner's 13 dependent FMAs: the RK4 stages that call vexp are latency-bound chains.
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double q0 = std::fma(r, 1.0, 1.0), q1 = std::fma(r, 1.0 / 6.0, 0.5);
  const double q2 = std::fma(r, 1.0 / 120.0, 1.0 / 24.0), q3 = std::fma(r, 1.0 / 5040.0, 1.0 / 720.0);
  const double q4 = std::fma(r, 1.0 / 362880.0, 1.0 / 40320.0);
  const double q5 = std::fma(r, 1.0 / 39916800.0, 1.0 / 3628800.0);
  const double q6 = std::fma(r, 1.0 / 6227020800.0, 1.0 / 479001600.0);
  const double s0 = std::fma(q1, r2, q0), s1 = std::fma(q3, r2, q2), s2 = std::fma(q5, r2, q4);
  const double p = std::fma(std::fma(q6, r4, s2), r8, std::fma(s1, r4, s0));
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

// rk4_step2 of two independent systems (a, b), stage by stage: each result is bit-identical to
// rk4_step2's, but the two dependency chains (vexp, divisions) are interleaved in program order,
// so the out-of-order core overlaps them — the RK4 stages of one neuron are latency-bound.
template <class FA, class FB>
[[gnu::always_inline]] inline void rk4_step2_pair(double& xa, double& ya, FA&& fa, double& xb, double& yb, FB&& fb,
                                                  double h) {
  double k1xa, k1ya, k2xa, k2ya, k3xa, k3ya, k4xa, k4ya, k1xb, k1yb, k2xb, k2yb, k3xb, k3yb, k4xb, k4yb;
  fa(xa, ya, k1xa, k1ya);
  fb(xb, yb, k1xb, k1yb);
  fa(xa + 0.5 * h * k1xa, ya + 0.5 * h * k1ya, k2xa, k2ya);
  fb(xb + 0.5 * h * k1xb, yb + 0.5 * h * k1yb, k2xb, k2yb);
  fa(xa + 0.5 * h * k2xa, ya + 0.5 * h * k2ya, k3xa, k3ya);
  fb(xb + 0.5 * h * k2xb, yb + 0.5 * h * k2yb, k3xb, k3yb);
  fa(xa + h * k3xa, ya + h * k3ya, k4xa, k4ya);
  fb(xb + h * k3xb, yb + h * k3yb, k4xb, k4yb);
  xa += h / 6.0 * (k1xa + 2.0 * k2xa + 2.0 * k3xa + k4xa);
  ya += h / 6.0 * (k1ya + 2.0 * k2ya + 2.0 * k3ya + k4ya);
  xb += h / 6.0 * (k1xb + 2.0 * k2xb + 2.0 * k3xb + k4xb);
  yb += h / 6.0 * (k1yb + 2.0 * k2yb + 2.0 * k3yb + k4yb);
}

// One RK4 step of every neuron of a 2-variable model, two neurons (i, i + n/2) per iteration with
// rk4_step2_pair (a vectorised loop then carries two independent chains), the last one alone when
// n is odd. derivative(i) returns neuron i's derivative closure for this step; x, y are the state
// columns, finish(i, x, y) stores neuron i's result. Same bits as a plain loop of rk4_step2.
template <class Derivative, class Finish>
[[gnu::always_inline]] inline void rk4_population2(size_t n, double h, const double* x, const double* y,
                                                   Derivative&& derivative, Finish&& finish) {
  const size_t half = n / 2;
  for (size_t i = 0; i < half; ++i) {
    const size_t j = i + half;
    double xa = x[i], ya = y[i], xb = x[j], yb = y[j];
    rk4_step2_pair(xa, ya, derivative(i), xb, yb, derivative(j), h);
    finish(i, xa, ya);
    finish(j, xb, yb);
  }
  if (n % 2 != 0) {
    double xl = x[n - 1], yl = y[n - 1];
    rk4_step2(xl, yl, h, derivative(n - 1));
    finish(n - 1, xl, yl);
  }
}

// Exponential Euler for dx/dt = A + B·x with A, B frozen over the step: exact for that linear ODE.
inline double exp_euler(double x, double a, double b, double h) {
  if (b == 0.0) return x + a * h;
  double x_inf = -a / b;
  return x_inf + (x - x_inf) * std::exp(b * h);
}

}  // namespace ion::neuron
