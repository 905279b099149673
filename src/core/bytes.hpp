// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one byte codec of ion: explicit little-endian integers and IEEE-754 floats, zigzag and
// LEB128 varints. Used by the wire format (docs/protocol.md), the event log (docs/recording.md)
// and the crossbar files (src/device/crossbar_file.cpp). No struct casts, no alignment or
// host-endianness assumptions: every multi-byte value is assembled byte by byte.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ion::bytes {

// --- Fixed-width values at a pointer. REQUIRES: room for the value's bytes. ---
inline void put_u16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
inline void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void put_u64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint16_t get_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (static_cast<uint16_t>(p[1]) << 8)); }
inline uint32_t get_u32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline void put_f32(uint8_t* p, float f) { put_u32(p, std::bit_cast<uint32_t>(f)); }
inline float get_f32(const uint8_t* p) { return std::bit_cast<float>(get_u32(p)); }
inline void put_f64(uint8_t* p, double f) { put_u64(p, std::bit_cast<uint64_t>(f)); }
inline double get_f64(const uint8_t* p) { return std::bit_cast<double>(get_u64(p)); }

// --- Varints. ---
// Zigzag maps signed to unsigned so small magnitudes get short varints.
inline uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t unzigzag(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

inline constexpr size_t kMaxVarint = 10;
// LEB128 unsigned. Returns bytes written. REQUIRES: room for varint_size(v) bytes.
inline size_t put_varint(uint8_t* p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<uint8_t>(v);
  return n;
}
inline size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// A string's bytes, viewed as unsigned bytes (char and uint8_t may alias each other).
inline std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Appends to a caller-owned byte vector.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void i8(int8_t v) { u8(static_cast<uint8_t>(v)); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f32(float v) { u32(std::bit_cast<uint32_t>(v)); }
  void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void text(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }

 private:
  void put(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t>& out_;
};

// Reads from a byte span. Reading past the end yields zeros and clears ok() for good; check
// ok() once after a group of reads. A malformed varint (overlong, or over 64 bits) also sets
// bad(), which tells it apart from input that was merely cut short.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> in) : in_(in) {}
  uint8_t u8() { return static_cast<uint8_t>(get(1)); }
  uint16_t u16() { return static_cast<uint16_t>(get(2)); }
  uint32_t u32() { return static_cast<uint32_t>(get(4)); }
  uint64_t u64() { return get(8); }
  int8_t i8() { return static_cast<int8_t>(u8()); }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  float f32() { return std::bit_cast<float>(u32()); }
  double f64() { return std::bit_cast<double>(u64()); }
  std::string text(size_t n) {
    if (!require(n)) return {};
    std::string s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  // LEB128 unsigned, canonical (shortest) encodings only.
  uint64_t varint() {
    uint64_t out = 0;
    for (unsigned shift = 0; shift < 64 && require(1); shift += 7) {
      const uint8_t b = in_[pos_++];
      if (shift == 63 && b > 1) break;
      out |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) != 0) continue;
      if (b == 0 && shift != 0) break;  // overlong (non-canonical)
      return out;
    }
    if (ok_) bad_ = true, ok_ = false;
    return 0;
  }
  // False (and ok() cleared) when fewer than n bytes remain.
  bool require(size_t n) {
    if (in_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  // Marks the input unusable (a length field out of its allowed range, say): ok() turns false.
  void fail() { ok_ = false; }
  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  bool ok() const { return ok_; }
  bool bad() const { return bad_; }

 private:
  uint64_t get(int n) {
    if (!require(static_cast<size_t>(n))) return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(in_[pos_ + i]) << (8 * i);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  bool ok_ = true;
  bool bad_ = false;
};

}  // namespace ion::bytes
