// SPDX-License-Identifier: Apache-2.0
#pragma once
// Butterworth filters as cascades of second-order sections (bilinear transform with prewarping),
// and a multi-channel filter bank that runs them over interleaved rows of samples.
#include <complex>
#include <cstdint>
#include <vector>

#include "core/status.hpp"

namespace ion::bio {

// One section, normalised so a0 = 1: y = b0 x + b1 x[-1] + b2 x[-2] − a1 y[-1] − a2 y[-2].
// A first-order section has b2 = a2 = 0.
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
};

// REQUIRES: 1 <= order <= 8, 0 < fc_hz < fs_hz / 2 (checked by butterworth_bandpass).
std::vector<Biquad> butterworth_lowpass(int order, double fc_hz, double fs_hz);
std::vector<Biquad> butterworth_highpass(int order, double fc_hz, double fs_hz);
// High-pass(lo) then low-pass(hi), each of the given order. Validates the arguments.
Result<std::vector<Biquad>> butterworth_bandpass(int order, double lo_hz, double hi_hz, double fs_hz);

// Complex response of the cascade at f_hz.
std::complex<double> cascade_response(const std::vector<Biquad>& sections, double f_hz, double fs_hz);
// Exact magnitude of the bilinear-transformed Butterworth band-pass built above:
// |H| = 1/sqrt(1 + (tan(πlo/fs)/tan(πf/fs))^2n) · 1/sqrt(1 + (tan(πf/fs)/tan(πhi/fs))^2n).
double butterworth_bandpass_magnitude(int order, double lo_hz, double hi_hz, double f_hz, double fs_hz);

// Runs one cascade on every channel of interleaved rows (row = one sample of every channel).
// State is float, structure of arrays [section][channel]; no allocation after construction.
class FilterBank {
 public:
  FilterBank(const std::vector<Biquad>& sections, uint32_t channels);
  // in: one row of `channels` int16 samples; out: the filtered row (may not alias in).
  void process_row(const int16_t* in, float* out);
  // Same for float input (used to filter templates and test signals).
  void process_row(const float* in, float* out);
  uint32_t channels() const { return channels_; }
  void reset();

 private:
  void run_sections(float* row);
  struct Coeffs {
    float b0, b1, b2, a1, a2;
  };
  std::vector<Coeffs> coeffs_;
  std::vector<float> s1_, s2_;  // [section * channels + c]
  uint32_t channels_;
};

}  // namespace ion::bio
