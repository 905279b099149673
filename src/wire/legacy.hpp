// SPDX-License-Identifier: Apache-2.0
#pragma once
// The 2017–2020 8-byte datagram (SPEC.md §1 "Legacy datagram format"): two big-endian u32 words.
//   word 0: bits 31..24 sender code ('A' 65, 'D' 68, 'S' 83, 'R' 82), bits 23..0 neuron id
//   word 1: bits 31..24 aux byte, bits 23..0 time in 50 µs ticks
// Old senders masked id and time to 20 bits; a 24-bit parse accepts both (see tick_delta).
#include <array>
#include <cstdint>
#include <span>

#include "core/time.hpp"
#include "wire/expected.hpp"

namespace ion::wire::legacy {

inline constexpr size_t kBytes = 8;
inline constexpr Duration kTickNs = 50 * kMicrosecond;
inline constexpr uint32_t kMask24 = 0xFFFFFF;
inline constexpr uint32_t kMask20 = 0xFFFFF;
inline constexpr uint16_t kHubPort = 5005;

enum class Sender : uint8_t {
  presynaptic = 65,   // 'A': aux = 0 PSP, 1 evoked AP, 2 spontaneous AP; time = delta ticks
  postsynaptic = 68,  // 'D'
  hub = 83,           // 'S': aux = weight 0..255
  ready = 82,         // 'R'
};

struct Packet {
  Sender sender = Sender::presynaptic;
  uint32_t neuron_id = 0;  // 24 bits
  uint8_t aux = 0;
  uint32_t ticks = 0;      // 24 bits, 50 µs each
  bool operator==(const Packet&) const = default;
};

enum class LegacyError : uint8_t { wrong_length, unknown_sender, field_too_wide };
const char* legacy_error_name(LegacyError e);

// field_too_wide if neuron_id or ticks exceed 24 bits.
Expected<std::array<uint8_t, kBytes>, LegacyError> encode(const Packet& p);
// wrong_length unless exactly 8 bytes; unknown_sender unless the code is A/D/S/R.
Expected<Packet, LegacyError> decode(std::span<const uint8_t> bytes);

// Ticks elapsed from prev to cur for a counter that wraps at 2^bits (bits = 20 or 24).
constexpr uint32_t tick_delta(uint32_t prev, uint32_t cur, unsigned bits) {
  const uint32_t mask = bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1u);
  return (cur - prev) & mask;
}
constexpr Duration ticks_to_ns(uint32_t ticks) { return static_cast<Duration>(ticks) * kTickNs; }

}  // namespace ion::wire::legacy
