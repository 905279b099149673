// SPDX-License-Identifier: Apache-2.0
#pragma once
// The 2017–2020 8-byte datagram (docs/protocol.md §8): two big-endian u32 words.
//   word 0: bits 31..24 sender code ('A' 65, 'D' 68, 'S' 83, 'R' 82), bits 23..0 neuron id
//   word 1: bits 31..24 aux byte, bits 23..0 time in 50 µs ticks
// The reference hub parsed 24-bit fields but masked what it sent to 20 bits (arc1_pyqt
// ProgPanels/UDPmod.py at 63b6fb3, l.179/185 against l.325–326); both are accepted here. What
// the fields MEAN per sender is the bridge's business (node/legacy_bridge.hpp).
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
// One turn of a 20-bit tick field: 2^20 ticks = 52.4288 s.
inline constexpr Duration kPeriod20Ns = Duration{1} * (1 << 20) * kTickNs;

enum class Sender : uint8_t {
  presynaptic = 65,  // 'A' partner → hub: an action potential (aux unused); time = ticks since the previous 'A'
  postsynaptic =
      68,      // 'D' partner → hub: aux 0 PSP, 1 stimulated AP, 2 spontaneous AP; time relative to a reference spike
  hub = 83,    // 'S' hub → partner: aux = weight byte of the device read; time = the presynaptic spike's ticks
  ready = 82,  // 'R' hub → partner "ready" (id 0, aux 255, time 0); the reference never sent it
};

struct Packet {
  Sender sender = Sender::presynaptic;
  uint32_t neuron_id = 0;  // 24 bits
  uint8_t aux = 0;
  uint32_t ticks = 0;  // 24 bits, 50 µs each
  bool operator==(const Packet&) const = default;
};

enum class LegacyError : uint8_t { wrong_length, unknown_sender, field_too_wide };
const char* legacy_error_name(LegacyError e);

// field_too_wide if neuron_id or ticks exceed 24 bits.
Expected<std::array<uint8_t, kBytes>, LegacyError> encode(const Packet& p);
// wrong_length unless exactly 8 bytes; unknown_sender unless the code is A/D/S/R.
Expected<Packet, LegacyError> decode(std::span<const uint8_t> bytes);

constexpr Duration ticks_to_ns(uint64_t ticks) { return static_cast<Duration>(ticks) * kTickNs; }

}  // namespace ion::wire::legacy
