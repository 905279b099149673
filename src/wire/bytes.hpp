// SPDX-License-Identifier: Apache-2.0
#pragma once
// Explicit little-endian and LEB128 helpers (internal to wire/). No struct casts, no alignment
// assumptions: every multi-byte value is assembled byte by byte.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ion::wire::bytes {

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
inline uint16_t get_u16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (static_cast<uint16_t>(p[1]) << 8));
}
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

// Zigzag maps signed to unsigned so small magnitudes get short varints.
inline uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t u) {
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

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

// Bounds-checked reader. Each get_* returns false when the bytes run out (truncated) or, for
// varints, when the encoding is overlong/over 64 bits (bad) — see `bad`.
class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool bad = false;  // set when a varint is malformed (as opposed to cut short)

  bool u8(uint8_t& v) {
    if (p_ == end_) return false;
    v = *p_++;
    return true;
  }
  bool u16(uint16_t& v) { return fixed(2, [&] { v = get_u16(p_); }); }
  bool u32(uint32_t& v) { return fixed(4, [&] { v = get_u32(p_); }); }
  bool u64(uint64_t& v) { return fixed(8, [&] { v = get_u64(p_); }); }
  bool f32(float& v) { return fixed(4, [&] { v = get_f32(p_); }); }
  bool varint(uint64_t& v) {
    uint64_t out = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const uint8_t b = *p_++;
      if (shift == 63 && b > 1) return bad = true, false;
      out |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (b == 0 && shift != 0) return bad = true, false;  // overlong (non-canonical)
        v = out;
        return true;
      }
    }
    return bad = true, false;
  }

 private:
  template <class F>
  bool fixed(size_t n, F&& read) {
    if (remaining() < n) return false;
    read();
    p_ += n;
    return true;
  }
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace ion::wire::bytes
