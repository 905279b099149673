// SPDX-License-Identifier: Apache-2.0
#pragma once
// Robust noise estimation for spike detection: σ = median(|x|) / 0.6745 (Quiroga et al. 2004).
#include <cstdint>
#include <span>
#include <vector>

namespace ion::bio {

inline constexpr double kMadToSigma = 1.0 / 0.6745;

// Exact σ of a sample (copies it). Empty input → 0.
double mad_sigma(std::span<const float> x);

// Online per-channel estimator over interleaved rows, causal and slow:
// every `decimation`-th row's |x| enters a ring of `window` values per channel; once the ring is
// first full the channels get their first estimate (σ = 0 before: no detection), at most
// ceil(channels/1024) per row so no single block pays for all of them; afterwards each channel is re-estimated once per
// `update_rows` rows (staggered across channels so the cost is spread evenly) and smoothed:
// σ ← σ + alpha·(σ_new − σ). Block size never changes the result (all state is row-indexed).
class MadNoise {
 public:
  MadNoise(uint32_t channels, uint32_t window, uint32_t decimation, uint64_t update_rows, float alpha);
  void push_row(const float* row);
  bool ready() const { return ready_; }
  float sigma(uint32_t c) const { return sigma_[c]; }
  const float* sigmas() const { return sigma_.data(); }
  // Filled by push_row with the channels whose sigma changed; the caller refreshes its
  // thresholds and clears it.
  std::vector<uint32_t> changed;
  uint32_t channels() const { return channels_; }
  uint64_t warmup_rows() const { return static_cast<uint64_t>(window_) * decimation_; }

 private:
  float estimate(uint32_t c);
  void update_some();
  void init_some();

  uint32_t channels_, window_, decimation_;
  uint64_t update_rows_;
  float alpha_;
  std::vector<float> ring_;  // [slot][channel]
  std::vector<float> sigma_;
  std::vector<float> scratch_;
  uint64_t row_ = 0;
  uint32_t slot_ = 0, filled_ = 0;
  bool ready_ = false;
  uint64_t credit_ = 0;
  uint32_t cursor_ = 0;
  uint32_t initialised_ = 0;  // channels with a first estimate
};

}  // namespace ion::bio
