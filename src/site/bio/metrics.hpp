// SPDX-License-Identifier: Apache-2.0
#pragma once
// Ground-truth comparison of detected spikes (SpikeInterface convention): per channel, a detected
// spike matches at most one true spike within ±tolerance samples (greedy in time order);
// accuracy = tp/(tp+fn+fp), recall = tp/(tp+fn), precision = tp/(tp+fp).
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace ion::bio {

struct ChannelEvent {
  uint32_t channel = 0;
  int64_t sample = 0;
};

struct MatchResult {
  uint64_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0; }
  double recall() const { return tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0; }
  double accuracy() const { return tp + fn + fp ? static_cast<double>(tp) / static_cast<double>(tp + fn + fp) : 0; }
};

// Events may come in any order. Truth events within `skip_before` samples of the start are
// excluded together with detections there (warm-up of the noise estimate), if skip_before > 0.
MatchResult match_spikes(std::vector<ChannelEvent> detected, std::vector<ChannelEvent> truth, int64_t tolerance_samples,
                         int64_t skip_before = 0);

// Reads "channel,sample" (first two named columns "channel" and "sample" anywhere in the header)
// from a CSV such as truth.csv or spikes.csv. Errors name the file and line.
Result<std::vector<ChannelEvent>> read_events_csv(const std::string& path);

}  // namespace ion::bio
