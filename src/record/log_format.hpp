// SPDX-License-Identifier: Apache-2.0
#pragma once
// The on-disk framing of an ion event log (byte layout in docs/recording.md):
//   header: magic "IONLOG1\0" | u16 version | u16 header_bytes | u16 site_id | u16 name_len |
//           u64 session_epoch | i64 start_wall_ns | name | (future fields) | u32 crc32c
//   record: u32 payload_len | u16 kind | u16 flags | payload | u32 crc32c(prefix + payload)
// All integers little-endian.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/status.hpp"
#include "record/records.hpp"

namespace ion::record {

inline constexpr std::array<uint8_t, 8> kLogMagic = {'I', 'O', 'N', 'L', 'O', 'G', '1', '\0'};
inline constexpr uint16_t kLogVersion = 1;
inline constexpr size_t kHeaderFixedBytes = 32;  // fields before the site name
inline constexpr size_t kHeaderMinBytes = kHeaderFixedBytes + 4;
inline constexpr size_t kRecordPrefixBytes = 8;
inline constexpr size_t kRecordOverheadBytes = kRecordPrefixBytes + 4;
inline constexpr uint32_t kMaxPayloadBytes = 16u << 20;  // larger lengths are corruption
inline constexpr size_t kMaxSiteNameBytes = 1024;

struct LogHeader {
  uint16_t version = kLogVersion;
  SiteId site_id = kNoSite;
  std::string site_name;
  uint64_t session_epoch = 0;  // epoch of the session that created the log
  int64_t start_wall_ns = 0;   // wall clock at creation, ns since the Unix epoch (0 in simulation)
};

// REQUIRES: site_name.size() <= kMaxSiteNameBytes.
std::vector<uint8_t> encode_header(const LogHeader& h);
// The header's total length from its first 12 bytes (magic, version, header_bytes), after
// checking magic and version. `what` names the file in messages.
Result<size_t> peek_header_bytes(std::span<const uint8_t> first12, const std::string& what);
// Decodes a complete header (exactly header_bytes bytes) and checks its CRC.
Result<LogHeader> decode_header(std::span<const uint8_t> bytes, const std::string& what);

// Appends one framed record (prefix, payload, CRC) to out.
void frame_record(const Record& r, std::vector<uint8_t>& out);
// Frames an arbitrary payload under any kind (used for tests of unknown kinds).
void frame_raw(uint16_t kind, std::span<const uint8_t> payload, std::vector<uint8_t>& out);

}  // namespace ion::record
