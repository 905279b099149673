// SPDX-License-Identifier: Apache-2.0
#include "experiment/endpoint.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace ion::experiment {

Result<std::string> parse_ip(std::string_view text, bool* loopback, bool* v6) {
  std::string ip(text);
  unsigned char buf[16] = {};
  static const unsigned char kZero[16] = {};
  static const unsigned char kV6Loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) {
    *v6 = false;
    *loopback = buf[0] == 127;
    if (std::memcmp(buf, kZero, 4) == 0) return error(Errc::invalid_argument, "unspecified address");
    return ip;
  }
  if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
    *v6 = true;
    *loopback = std::memcmp(buf, kV6Loop, 16) == 0;
    if (std::memcmp(buf, kZero, 16) == 0) return error(Errc::invalid_argument, "unspecified address");
    return ip;
  }
  return error(Errc::invalid_argument, "not a numeric IP address");
}

namespace {

// "IP" / "[IPv6]" alone: the port is left to `ion run` (port 0).
Result<Endpoint> parse_portless(std::string_view text, Endpoint e) {
  bool bracketed = text.size() >= 2 && text.front() == '[' && text.back() == ']';
  std::string_view host = bracketed ? text.substr(1, text.size() - 2) : text;
  ION_TRY_ASSIGN(std::string ip, parse_ip(host, &e.loopback, &e.v6));
  if (e.v6 != bracketed) return error(Errc::invalid_argument, e.v6 ? "IPv6 needs brackets" : "bad brackets");
  e.host = ip;
  return e;
}

}  // namespace

Result<Endpoint> parse_endpoint(std::string_view text, PortRule rule) {
  Endpoint e;
  e.text = std::string(text);
  size_t colon = text.rfind(':');
  // No port: "127.0.0.1", "[::1]" (a bare "::1" ends in ':1' and is read as a port, then refused).
  const bool portless = colon == std::string_view::npos || (!text.empty() && text.back() == ']');
  if (portless && rule == PortRule::optional) return parse_portless(text, e);
  if (portless) return error(Errc::invalid_argument, "missing ':port'");
  std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  ION_TRY_ASSIGN(std::string ip, parse_ip(host, &e.loopback, &e.v6));
  if (e.v6 != bracketed) return error(Errc::invalid_argument, e.v6 ? "IPv6 needs brackets" : "bad brackets");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
    return error(Errc::invalid_argument, "port must be 1..65535");
  e.host = ip;
  e.port = static_cast<uint16_t>(value);
  return e;
}

std::string endpoint_text(const Endpoint& e, uint16_t port) {
  return (e.v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(port);
}

}  // namespace ion::experiment
