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

// Online per-channel estimator over interleaved rows, causal and slow. |x| of every
// `decimation`-th row enters a ring of `window` values per channel. Once `first_count` values
// are in (0: `window`), every channel gets its first estimate (σ = 0 before: no detection); while
// the ring keeps filling, each 4× growth of its content (and the full ring) gives a new estimate
// that replaces σ. Once full, the ring is refilled with 4× the decimation each time (each fill
// spans 4× the signal of the one before and holds less correlated values), up to
// `track_decimation`; after each refill every channel is re-estimated and merged with weight =
// the fill's share of all rows seen (estimates weighted by the span of signal they cover). After
// the fill at `track_decimation` the estimator tracks: each channel is re-estimated once per
// `update_rows` rows (staggered across channels so the cost is spread evenly) and smoothed,
// σ ← σ + alpha·(σ_new − σ). The per-fill estimates are spread over up to 1024 rows, at most
// ceil(channels/1024) per row, so no single block pays for all of them.
// With track_decimation <= decimation and first_count 0 there is one fill, then tracking.
// Block size never changes the result (all state is row-indexed).
class MadNoise {
 public:
  MadNoise(uint32_t channels, uint32_t window, uint32_t decimation, uint64_t update_rows, float alpha,
           uint32_t track_decimation = 0, uint32_t first_count = 0);
  // `skip` (optional, one flag per channel): once the ring is full, a channel whose flag
  // is non-zero keeps its ring slot's older value instead of this row's (the detector passes
  // "inside a detected spike", so a channel's own firing does not raise its σ).
  void push_row(const float* row, const uint8_t* skip = nullptr);
  bool ready() const { return ready_; }
  float sigma(uint32_t c) const { return sigma_[c]; }
  const float* sigmas() const { return sigma_.data(); }
  // Filled by push_row with the channels whose sigma changed; the caller refreshes its
  // thresholds and clears it.
  std::vector<uint32_t> changed;
  uint32_t channels() const { return channels_; }
  bool tracking() const { return tracking_; }  // all fills done, steady updates

 private:
  float estimate(uint32_t c);
  void update_some();
  void sweep_some();
  void write_slot(const float* row, const uint8_t* skip);
  void complete_fill();

  uint32_t channels_, window_, decimation_, track_decimation_, fill_decimation_;
  uint32_t fill_target_;  // values the current fill needs
  uint64_t update_rows_;
  float alpha_;
  std::vector<float> ring_;  // [slot][channel]
  std::vector<float> sigma_;
  std::vector<float> scratch_;
  uint64_t row_ = 0;
  uint32_t slot_ = 0, filled_ = 0, used_ = 0;  // used_: valid ring slots (≤ window_)
  bool ready_ = false, full_ = false, last_fill_ = false, tracking_ = false;
  float weight_ = 1;  // merge weight of the current sweep
  uint64_t fill_start_row_ = 0;
  uint64_t credit_ = 0;
  uint32_t cursor_ = 0;
  uint32_t swept_ = 0;  // channels estimated from the last completed fill
};

}  // namespace ion::bio
