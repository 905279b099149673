// SPDX-License-Identifier: Apache-2.0
#include "site/bio/noise.hpp"

#include <algorithm>
#include <cmath>

namespace ion::bio {

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

MadNoise::MadNoise(uint32_t channels, uint32_t window, uint32_t decimation, uint64_t update_rows,
                   float alpha)
    : channels_(channels), window_(std::max<uint32_t>(window, 1)),
      decimation_(std::max<uint32_t>(decimation, 1)), update_rows_(std::max<uint64_t>(update_rows, 1)),
      alpha_(alpha), ring_(static_cast<size_t>(window_) * channels, 0.0f), sigma_(channels, 0.0f),
      scratch_(window_) {
  changed.reserve(channels + 1);
}

float MadNoise::estimate(uint32_t c) {
  for (uint32_t i = 0; i < window_; ++i) scratch_[i] = ring_[static_cast<size_t>(i) * channels_ + c];
  const uint32_t mid = window_ / 2;
  std::nth_element(scratch_.begin(), scratch_.begin() + mid, scratch_.end());
  return static_cast<float>(scratch_[mid] * kMadToSigma);
}

// First estimates, spread over up to kInitRows rows so no single block pays for all channels.
void MadNoise::init_some() {
  constexpr uint32_t kInitRows = 1024;
  const uint32_t per_row = (channels_ + kInitRows - 1) / kInitRows;
  for (uint32_t k = 0; k < per_row && initialised_ < channels_; ++k, ++initialised_) {
    sigma_[initialised_] = estimate(initialised_);
    changed.push_back(initialised_);
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

void MadNoise::push_row(const float* row) {
  if (row_++ % decimation_ == 0) {
    float* __restrict dst = ring_.data() + static_cast<size_t>(slot_) * channels_;
    for (uint32_t c = 0; c < channels_; ++c) dst[c] = std::fabs(row[c]);
    slot_ = (slot_ + 1) % window_;
    if (filled_ < window_ && ++filled_ == window_) ready_ = true;
  }
  if (!ready_) return;
  if (initialised_ < channels_) init_some();
  else update_some();
}

}  // namespace ion::bio
