// SPDX-License-Identifier: Apache-2.0
#include "device/arc_one_wire.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "core/bytes.hpp"

namespace ion::device::arc {
namespace {

// Python's bytes.strip() set, which int() skips around a number.
bool ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

std::string_view strip(std::string_view s) {
  while (!s.empty() && ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    if (c >= 0x20 && c < 0x7f) {
      out += c;
      continue;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
    out += hex;
  }
  return s.size() > 40 ? out + "..." : out;
}

}  // namespace

std::string int_token(long v) { return std::to_string(v); }

std::string float_token(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

std::string width_token(Duration width) {
  if (width % kMicrosecond == 0) return float_token(to_seconds(width));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", to_seconds(width));
  return buf;
}

Result<long> parse_confirmation(std::string_view line) {
  const std::string_view s = strip(line);
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  long v = 0;
  bool any = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '_' && any && i + 1 < s.size() && digit(s[i + 1])) continue;
    if (!digit(s[i]) || v > 1'000'000'000) {
      any = false;
      break;
    }
    v = v * 10 + (s[i] - '0');
    any = true;
  }
  if (!any) return error(Errc::corrupt, "confirmation line '" + printable(line) + "' is not an integer");
  return s[0] == '-' ? -v : v;
}

FirmwareVersion decode_version(const char bytes[4]) {
  const uint8_t* p = ion::bytes::as_bytes({bytes, 4}).data();
  return FirmwareVersion{ion::bytes::get_u16(p), ion::bytes::get_u16(p + 2)};
}

float decode_float(const char bytes[4]) { return ion::bytes::get_f32(ion::bytes::as_bytes({bytes, 4}).data()); }

bool plausible_ohm(float r) { return std::isfinite(r) && r > 0 && r <= 1e12f; }

int update_read_mode(int read_mode, double v_read) { return (v_read < 0 && read_mode == 2) ? 3 : read_mode; }

}  // namespace ion::device::arc
