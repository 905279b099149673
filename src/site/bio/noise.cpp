// SPDX-License-Identifier: Apache-2.0
#include "site/bio/noise.hpp"

#include <algorithm>
#include <cmath>

namespace ion::bio {

namespace {
constexpr uint32_t kGrowth = 4;  // each fill covers 4× the signal of the one before
}  // namespace

double mad_sigma(std::span<const float> x) {
  if (x.empty()) return 0;
  std::vector<float> a(x.size());
  for (size_t i = 0; i < x.size(); ++i) a[i] = std::fabs(x[i]);
  const size_t mid = a.size() / 2;
  std::nth_element(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(mid), a.end());
  double med = a[mid];
  if (a.size() % 2 == 0) {
    const float lo = *std::max_element(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(mid));
    med = 0.5 * (med + lo);
  }
  return med * kMadToSigma;
}

MadNoise::MadNoise(uint32_t channels, uint32_t window, uint32_t decimation, uint64_t update_rows, float alpha,
                   uint32_t track_decimation, uint32_t first_count)
    : channels_(channels),
      window_(std::max<uint32_t>(window, 1)),
      decimation_(std::max<uint32_t>(decimation, 1)),
      track_decimation_(std::max(decimation_, track_decimation)),
      fill_decimation_(decimation_),
      fill_target_(first_count == 0 ? window_ : std::min(first_count, window_)),
      update_rows_(std::max<uint64_t>(update_rows, 1)),
      alpha_(alpha),
      ring_(static_cast<size_t>(window_) * channels, 0.0f),
      sigma_(channels, 0.0f),
      scratch_(window_) {
  changed.reserve(channels + 1);
}

float MadNoise::estimate(uint32_t c) {
  for (uint32_t i = 0; i < used_; ++i) scratch_[i] = ring_[static_cast<size_t>(i) * channels_ + c];
  const uint32_t mid = used_ / 2;
  std::nth_element(scratch_.begin(), scratch_.begin() + mid, scratch_.begin() + used_);
  return static_cast<float>(scratch_[mid] * kMadToSigma);
}

// Estimates from a completed fill, spread over up to kSweepRows rows so no single block pays for
// all channels, merged with the weight set by complete_fill().
void MadNoise::sweep_some() {
  constexpr uint32_t kSweepRows = 1024;
  const uint32_t per_row = (channels_ + kSweepRows - 1) / kSweepRows;
  for (uint32_t k = 0; k < per_row && swept_ < channels_; ++k, ++swept_) {
    const float s = estimate(swept_);
    sigma_[swept_] += weight_ * (s - sigma_[swept_]);
    changed.push_back(swept_);
  }
}

// Spreads channels_ re-estimates evenly over update_rows_ rows.
void MadNoise::update_some() {
  credit_ += channels_;
  while (credit_ >= update_rows_) {
    credit_ -= update_rows_;
    const float s = estimate(cursor_);
    sigma_[cursor_] += alpha_ * (s - sigma_[cursor_]);
    changed.push_back(cursor_);
    cursor_ = (cursor_ + 1) % channels_;
  }
}

void MadNoise::write_slot(const float* row, const uint8_t* skip) {
  float* __restrict dst = ring_.data() + static_cast<size_t>(slot_) * channels_;
  if (skip == nullptr || !full_) {  // while filling, every value is taken
    for (uint32_t c = 0; c < channels_; ++c) dst[c] = std::fabs(row[c]);
  } else {
    for (uint32_t c = 0; c < channels_; ++c) dst[c] = skip[c] ? dst[c] : std::fabs(row[c]);
  }
  slot_ = (slot_ + 1) % window_;
  used_ = std::min(used_ + 1, window_);
}

// Schedules the sweep of a completed fill and sets up the next one. While the ring is filling it
// holds all values so far: the estimate replaces σ, and the next estimate comes when the content
// has grown 4× (or the ring is full). A refill spans 4× the decimation of the one before (up to
// track_decimation_) and is weighted by its share of all rows seen, i.e. estimates are weighted by
// the span of signal they cover. The sweep of the fill at track_decimation_ starts tracking.
void MadNoise::complete_fill() {
  filled_ = 0;
  ready_ = true;
  swept_ = 0;
  weight_ = full_ ? static_cast<float>(row_ - fill_start_row_) / static_cast<float>(row_) : 1.0f;
  fill_start_row_ = row_;
  if (used_ < window_) {
    fill_target_ = (kGrowth * used_ >= window_ / 2 ? window_ : kGrowth * used_) - used_;
    return;
  }
  full_ = true;
  last_fill_ = fill_decimation_ == track_decimation_;
  fill_decimation_ = std::min(kGrowth * fill_decimation_, track_decimation_);
  fill_target_ = window_;
}

void MadNoise::push_row(const float* row, const uint8_t* skip) {
  if (row_++ % fill_decimation_ == 0) {
    write_slot(row, skip);
    if (!tracking_ && ++filled_ == fill_target_) complete_fill();
  }
  if (!ready_) return;
  if (swept_ < channels_) {
    sweep_some();
    tracking_ = swept_ == channels_ && last_fill_;
  } else if (tracking_) {
    update_some();
  }
}

}  // namespace ion::bio
