// SPDX-License-Identifier: Apache-2.0
#include "env/sockaddr.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace ion {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Status bad(std::string_view text, const std::string& why) {
  return error(Errc::invalid_argument, "bad address \"" + std::string(text) + "\": " + why +
                                           " (expected \"IPv4:port\" or \"[IPv6]:port\", e.g. "
                                           "\"127.0.0.1:7201\" or \"[::1]:7201\")");
}

// Decimal 0..max without sign, leading zeros ("0" itself is fine) or overflow.
bool parse_decimal(std::string_view s, uint32_t max, uint32_t& out) {
  if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return false;
  uint32_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > max) return false;
  out = v;
  return true;
}

// Strict dotted quad: exactly four decimal octets 0..255, no leading zeros.
bool parse_ipv4(std::string_view s, uint8_t out[4]) {
  for (int i = 0; i < 4; ++i) {
    size_t dot = (i < 3) ? s.find('.') : s.size();
    if (dot == std::string_view::npos) return false;
    uint32_t v = 0;
    if (!parse_decimal(s.substr(0, dot), 255, v)) return false;
    out[i] = static_cast<uint8_t>(v);
    s.remove_prefix(i < 3 ? dot + 1 : dot);
  }
  return s.empty();
}

Result<uint16_t> parse_port(std::string_view all, std::string_view port) {
  if (port.empty()) return bad(all, "missing port after ':'");
  uint32_t v = 0;
  if (!parse_decimal(port, 65535, v)) {
    return bad(all, "port \"" + std::string(port) + "\" is not a decimal number 0..65535");
  }
  return static_cast<uint16_t>(v);
}

Result<SockAddr> parse_v6(std::string_view text) {
  size_t close = text.find(']');
  if (close == std::string_view::npos) return bad(text, "missing ']' after the IPv6 address");
  std::string host(text.substr(1, close - 1));
  SockAddr a;
  a.family = SockAddr::Family::v6;
  if (host.find('%') != std::string::npos) return bad(text, "zone ids (%) are not supported");
  if (inet_pton(AF_INET6, host.c_str(), a.addr.data()) != 1) {
    return bad(text, "\"" + host + "\" is not a numeric IPv6 address");
  }
  std::string_view rest = text.substr(close + 1);
  if (rest.empty() || rest[0] != ':') return bad(text, "missing ':port' after ']'");
  ION_TRY_ASSIGN(uint16_t port, parse_port(text, rest.substr(1)));
  a.port = port;
  return a;
}

Result<SockAddr> parse_v4(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad(text, "missing ':port'");
  std::string_view host = text.substr(0, colon);
  if (host.find(':') != std::string_view::npos) return bad(text, "IPv6 addresses need brackets");
  SockAddr a;
  a.family = SockAddr::Family::v4;
  if (!parse_ipv4(host, a.addr.data())) {
    return bad(text, "\"" + std::string(host) + "\" is not a numeric IPv4 address (a.b.c.d, each 0..255)");
  }
  ION_TRY_ASSIGN(uint16_t port, parse_port(text, text.substr(colon + 1)));
  a.port = port;
  return a;
}

}  // namespace

bool SockAddr::is_loopback() const {
  if (family == Family::v4) return addr[0] == 127;
  if (family != Family::v6) return false;
  for (size_t i = 0; i < 15; ++i) {
    if (addr[i] != 0) return false;
  }
  return addr[15] == 1;
}

std::string SockAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  switch (family) {
    case Family::v4:
      inet_ntop(AF_INET, addr.data(), buf, sizeof buf);
      return std::string(buf) + ":" + std::to_string(port);
    case Family::v6:
      inet_ntop(AF_INET6, addr.data(), buf, sizeof buf);
      return "[" + std::string(buf) + "]:" + std::to_string(port);
    case Family::none:
      break;
  }
  return "<none>";
}

Result<SockAddr> SockAddr::parse(std::string_view text) {
  if (text.empty()) return bad(text, "empty");
  if (text.front() == '[') return parse_v6(text);
  return parse_v4(text);
}

}  // namespace ion
