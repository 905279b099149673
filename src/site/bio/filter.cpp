// SPDX-License-Identifier: Apache-2.0
#include "site/bio/filter.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace ion::bio {

namespace {
// Q of the k-th conjugate pole pair of an order-n Butterworth prototype.
double pair_q(int k, int n) { return 1.0 / (2.0 * std::sin((2 * k + 1) * std::numbers::pi / (2.0 * n))); }

std::vector<Biquad> design(int order, double fc_hz, double fs_hz, bool high) {
  const double warp = std::tan(std::numbers::pi * fc_hz / fs_hz);
  std::vector<Biquad> out;
  for (int k = 0; k < order / 2; ++k) {
    const double q = pair_q(k, order);
    const double norm = 1.0 / (1.0 + warp / q + warp * warp);
    Biquad b;
    b.b0 = high ? norm : warp * warp * norm;
    b.b1 = high ? -2 * b.b0 : 2 * b.b0;
    b.b2 = b.b0;
    b.a1 = 2 * (warp * warp - 1) * norm;
    b.a2 = (1 - warp / q + warp * warp) * norm;
    out.push_back(b);
  }
  if (order % 2) {
    const double norm = 1.0 / (1.0 + warp);
    Biquad b;
    b.b0 = high ? norm : warp * norm;
    b.b1 = high ? -norm : warp * norm;
    b.a1 = (warp - 1) * norm;
    out.push_back(b);
  }
  return out;
}
}  // namespace

std::vector<Biquad> butterworth_lowpass(int order, double fc_hz, double fs_hz) {
  return design(order, fc_hz, fs_hz, false);
}
std::vector<Biquad> butterworth_highpass(int order, double fc_hz, double fs_hz) {
  return design(order, fc_hz, fs_hz, true);
}

Result<std::vector<Biquad>> butterworth_bandpass(int order, double lo_hz, double hi_hz, double fs_hz) {
  if (order < 1 || order > 8) return error(Errc::out_of_range, fmt::format("band-pass order {} must be 1..8", order));
  if (!(fs_hz > 0) || !std::isfinite(fs_hz))
    return error(Errc::out_of_range, fmt::format("sample rate {} Hz must be > 0", fs_hz));
  if (!(lo_hz > 0) || !(hi_hz > lo_hz) || !(hi_hz < fs_hz / 2))
    return error(Errc::out_of_range,
                 fmt::format("band {}–{} Hz must satisfy 0 < low < high < fs/2 = {} Hz", lo_hz, hi_hz, fs_hz / 2));
  auto s = butterworth_highpass(order, lo_hz, fs_hz);
  auto lp = butterworth_lowpass(order, hi_hz, fs_hz);
  s.insert(s.end(), lp.begin(), lp.end());
  return s;
}

std::complex<double> cascade_response(const std::vector<Biquad>& sections, double f_hz, double fs_hz) {
  const std::complex<double> z1 = std::polar(1.0, -2 * std::numbers::pi * f_hz / fs_hz);
  const std::complex<double> z2 = z1 * z1;
  std::complex<double> h = 1;
  for (const auto& b : sections) h *= (b.b0 + b.b1 * z1 + b.b2 * z2) / (1.0 + b.a1 * z1 + b.a2 * z2);
  return h;
}

double butterworth_bandpass_magnitude(int order, double lo_hz, double hi_hz, double f_hz, double fs_hz) {
  const double w = std::tan(std::numbers::pi * f_hz / fs_hz);
  const double wl = std::tan(std::numbers::pi * lo_hz / fs_hz);
  const double wh = std::tan(std::numbers::pi * hi_hz / fs_hz);
  const double hp = 1.0 / std::sqrt(1.0 + std::pow(wl / w, 2 * order));
  const double lp = 1.0 / std::sqrt(1.0 + std::pow(w / wh, 2 * order));
  return hp * lp;
}

FilterBank::FilterBank(const std::vector<Biquad>& sections, uint32_t channels)
    : s1_(sections.size() * channels, 0.0f), s2_(sections.size() * channels, 0.0f), channels_(channels) {
  for (const auto& b : sections)
    coeffs_.push_back({static_cast<float>(b.b0), static_cast<float>(b.b1), static_cast<float>(b.b2),
                       static_cast<float>(b.a1), static_cast<float>(b.a2)});
}

void FilterBank::reset() {
  std::fill(s1_.begin(), s1_.end(), 0.0f);
  std::fill(s2_.begin(), s2_.end(), 0.0f);
}

// Transposed direct form II per section; the inner loop runs across channels (vectorises).
void FilterBank::run_sections(float* __restrict row) {
  const uint32_t n = channels_;
  for (size_t s = 0; s < coeffs_.size(); ++s) {
    const Coeffs k = coeffs_[s];
    float* __restrict s1 = s1_.data() + s * n;
    float* __restrict s2 = s2_.data() + s * n;
    for (uint32_t c = 0; c < n; ++c) {
      const float x = row[c];
      const float y = k.b0 * x + s1[c];
      s1[c] = k.b1 * x - k.a1 * y + s2[c];
      s2[c] = k.b2 * x - k.a2 * y;
      row[c] = y;
    }
  }
}

void FilterBank::process_row(const int16_t* __restrict in, float* __restrict out) {
  for (uint32_t c = 0; c < channels_; ++c) out[c] = static_cast<float>(in[c]);
  run_sections(out);
}

void FilterBank::process_row(const float* __restrict in, float* __restrict out) {
  for (uint32_t c = 0; c < channels_; ++c) out[c] = in[c];
  run_sections(out);
}

}  // namespace ion::bio
