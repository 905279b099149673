// SPDX-License-Identifier: Apache-2.0
#pragma once
// An IPv4/IPv6 UDP endpoint as a small value type (comparable, hashable, printable).
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace ion {

struct SockAddr {
  enum class Family : uint8_t { none = 0, v4 = 4, v6 = 6 };
  Family family = Family::none;
  std::array<uint8_t, 16> addr{};  // v4 uses the first 4 bytes, network order
  uint16_t port = 0;               // host order

  auto operator<=>(const SockAddr&) const = default;
  bool valid() const { return family != Family::none; }
  // 127.0.0.0/8 or ::1.
  bool is_loopback() const;
  // "127.0.0.1:7201" or "[::1]:7201".
  std::string to_string() const;
  // Parses a numeric address "IPv4:port" or "[IPv6]:port" (no DNS lookups on data paths).
  static Result<SockAddr> parse(std::string_view text);
};

}  // namespace ion

template <>
struct std::hash<ion::SockAddr> {
  size_t operator()(const ion::SockAddr& a) const noexcept {
    uint64_t lo, hi;
    std::memcpy(&lo, a.addr.data(), 8);
    std::memcpy(&hi, a.addr.data() + 8, 8);
    uint64_t h = (lo * 0x9E3779B97F4A7C15ULL) ^ (hi + 0xC2B2AE3D27D4EB4FULL);
    h ^= (static_cast<uint64_t>(a.port) << 8) | static_cast<uint64_t>(a.family);
    h *= 0xFF51AFD7ED558CCDULL;
    return static_cast<size_t>(h ^ (h >> 32));
  }
};
