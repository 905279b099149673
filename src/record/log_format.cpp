// SPDX-License-Identifier: Apache-2.0
#include "record/log_format.hpp"

#include <algorithm>
#include <cassert>

#include "core/bytes.hpp"
#include "record/crc32c.hpp"

namespace ion::record {

using bytes::ByteReader;
using bytes::ByteWriter;
namespace {

Status bad_header(const std::string& what, const std::string& problem) {
  return error(Errc::corrupt, what + ": " + problem);
}

}  // namespace

std::vector<uint8_t> encode_header(const LogHeader& h) {
  assert(h.site_name.size() <= kMaxSiteNameBytes);
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.bytes(kLogMagic);
  w.u16(kLogVersion);
  w.u16(static_cast<uint16_t>(kHeaderMinBytes + h.site_name.size()));
  w.u16(h.site_id);
  w.u16(static_cast<uint16_t>(h.site_name.size()));
  w.u64(h.session_epoch);
  w.i64(h.start_wall_ns);
  w.text(h.site_name);
  w.u32(crc32c(out));
  return out;
}

Result<size_t> peek_header_bytes(std::span<const uint8_t> first12, const std::string& what) {
  if (first12.size() < 12) return bad_header(what, "file too short for an ion log header");
  if (!std::equal(kLogMagic.begin(), kLogMagic.end(), first12.begin())) {
    return bad_header(what, "not an ion event log (magic is not \"IONLOG1\\0\")");
  }
  ByteReader r(first12.subspan(8));
  const uint16_t version = r.u16();
  const uint16_t header_bytes = r.u16();
  if (version != kLogVersion) {
    return error(Errc::invalid_argument, what + ": log format version " + std::to_string(version) +
                                             " is not supported (expected " + std::to_string(kLogVersion) + ")");
  }
  if (header_bytes < kHeaderMinBytes) {
    return bad_header(what, "header length " + std::to_string(header_bytes) + " is below the minimum " +
                                std::to_string(kHeaderMinBytes));
  }
  return static_cast<size_t>(header_bytes);
}

Result<LogHeader> decode_header(std::span<const uint8_t> bytes, const std::string& what) {
  ION_TRY_ASSIGN(auto n, peek_header_bytes(bytes.first(std::min<size_t>(bytes.size(), 12)), what));
  if (bytes.size() != n) return bad_header(what, "header truncated");
  ByteReader crc_r(bytes.last(4));
  const uint32_t stored = crc_r.u32();
  const uint32_t computed = crc32c(bytes.first(bytes.size() - 4));
  if (stored != computed) return bad_header(what, "header CRC mismatch");
  ByteReader r(bytes.subspan(10));
  LogHeader h;
  (void)r.u16();  // header_bytes, already known
  h.site_id = r.u16();
  const uint16_t name_len = r.u16();
  h.session_epoch = r.u64();
  h.start_wall_ns = r.i64();
  if (kHeaderMinBytes + name_len > bytes.size() || name_len > kMaxSiteNameBytes) {
    return bad_header(what, "site name length " + std::to_string(name_len) + " does not fit the header");
  }
  h.site_name = r.text(name_len);
  return h;
}

void frame_raw(uint16_t kind, std::span<const uint8_t> payload, std::vector<uint8_t>& out) {
  const size_t start = out.size();
  ByteWriter w(out);
  w.u32(static_cast<uint32_t>(payload.size()));
  w.u16(kind);
  w.u16(0);
  w.bytes(payload);
  w.u32(crc32c(std::span<const uint8_t>(out).subspan(start)));
}

void frame_record(const Record& r, std::vector<uint8_t>& out) {
  const size_t start = out.size();
  ByteWriter w(out);
  w.u32(0);  // payload length, patched below
  w.u16(static_cast<uint16_t>(kind_of(r)));
  w.u16(0);
  encode_payload(r, out);
  const size_t payload_bytes = out.size() - start - kRecordPrefixBytes;
  assert(payload_bytes <= kMaxPayloadBytes);
  bytes::put_u32(out.data() + start, static_cast<uint32_t>(payload_bytes));
  w.u32(crc32c(std::span<const uint8_t>(out).subspan(start)));
}

}  // namespace ion::record
