// SPDX-License-Identifier: Apache-2.0
#pragma once
// Identities: sites are numbered 0..65534 in the order the experiment file lists them;
// a neuron is addressed by (site, index within the site). Names live in the experiment model;
// on the wire and in logs only these numbers travel.
#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace ion {

using SiteId = uint16_t;
inline constexpr SiteId kNoSite = 0xFFFF;

struct NeuronAddr {
  SiteId site = kNoSite;
  uint32_t index = 0;

  auto operator<=>(const NeuronAddr&) const = default;
  bool valid() const { return site != kNoSite; }
  // Packs into one 64-bit key (site in the high 32 bits) for hash maps and sorting.
  uint64_t key() const { return (static_cast<uint64_t>(site) << 32) | index; }
  static NeuronAddr from_key(uint64_t k) {
    return {static_cast<SiteId>(k >> 32), static_cast<uint32_t>(k & 0xFFFFFFFFu)};
  }
};

// "3:17" — site 3, neuron 17.
std::string to_string(NeuronAddr a);

using SynapseId = uint32_t;  // index into the experiment's synapse list
using ElectrodeId = uint16_t;

}  // namespace ion

template <>
struct std::hash<ion::NeuronAddr> {
  size_t operator()(const ion::NeuronAddr& a) const noexcept { return std::hash<uint64_t>{}(a.key()); }
};
