// SPDX-License-Identifier: Apache-2.0
#pragma once
// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slice-by-8 in portable C++.
// Check value: crc32c("123456789") == 0xE3069283.
#include <cstdint>
#include <span>

namespace ion::record {

// Continues a CRC: `crc` is the finished CRC of the bytes before `data` (0 for none), so
// crc32c_extend(crc32c(a), b) == crc32c(a ++ b).
uint32_t crc32c_extend(uint32_t crc, std::span<const uint8_t> data);
inline uint32_t crc32c(std::span<const uint8_t> data) { return crc32c_extend(0, data); }

}  // namespace ion::record
