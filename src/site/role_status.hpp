// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a role reports about itself for a site's status (node/status.hpp puts it into the
// site's NodeStatus, written to <out>/<site>.status; docs/recording.md §8).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ion::site {

// A status lists at most this many neurons and synapses (a site's first ones in file order): it is
// rewritten every second; the full record is the event log.
inline constexpr size_t kStatusMaxEntries = 64;

// One synapse on a hub. weight and resistance are empty until the synapse's first read-back;
// afterwards they equal the last WeightUpdate the hub recorded for it.
struct SynapseStatus {
  std::string name;
  std::optional<double> weight;
  std::optional<double> resistance_ohm;
  uint64_t ltp = 0;  // potentiating pulses recorded by this process
  uint64_t ltd = 0;  // depressing pulses recorded by this process
  bool operator==(const SynapseStatus&) const = default;
};

// A bio site's stimulation interlock: stimuli delivered unchanged, clamped into the limits,
// refused.
struct InterlockStatus {
  uint64_t ok = 0;
  uint64_t clamped = 0;
  uint64_t refused = 0;
  bool operator==(const InterlockStatus&) const = default;
};

struct RoleStatus {
  std::vector<SynapseStatus> synapses;       // hub only
  std::optional<InterlockStatus> interlock;  // bio only
};

}  // namespace ion::site
