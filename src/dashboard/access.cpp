// SPDX-License-Identifier: Apache-2.0
#include "dashboard/access.hpp"

#include <arpa/inet.h>
#include <sys/random.h>

#include <array>
#include <charconv>

namespace ion::dashboard {
namespace {

Result<int> parse_port(const std::string& text, const std::string& whole) {
  int port = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port < 0 || port > 65535)
    return error(Errc::invalid_argument,
                 "--dashboard " + whole + ": the port '" + text + "' is not a number in 0..65535");
  return port;
}

bool valid_address(const std::string& host) {
  std::array<unsigned char, 16> buf{};
  return host == "localhost" || inet_pton(AF_INET, host.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buf.data()) == 1;
}

}  // namespace

Result<Endpoint> parse_endpoint(const std::string& text) {
  Endpoint e;
  if (text.empty()) return e;
  std::string host = text, port;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos)
      return error(Errc::invalid_argument, "--dashboard " + text + ": '[' without ']' (expected [V6ADDR]:PORT)");
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':')
        return error(Errc::invalid_argument, "--dashboard " + text + ": expected ':' after ']'");
      port = text.substr(close + 2);
    }
  } else if (const size_t colon = text.rfind(':'); colon != std::string::npos && text.find(':') == colon) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (!host.empty()) e.host = host;
  if (!valid_address(e.host))
    return error(Errc::invalid_argument, "--dashboard " + text + ": '" + e.host +
                                             "' is not an IP address (expected ADDR[:PORT], e.g. 127.0.0.1:8080)");
  if (!port.empty()) {
    ION_TRY_ASSIGN(e.port, parse_port(port, text));
  }
  return e;
}

bool is_loopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return host == "::1" || host == "localhost";
}

std::string random_token() {
  std::array<unsigned char, 16> bytes{};
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n > 0) got += static_cast<size_t>(n);  // EINTR: try again
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (unsigned char b : bytes) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

bool same_token(const std::string& given, const std::string& token) {
  if (token.empty() || given.size() != token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < token.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ token[i]);
  return diff == 0;
}

bool host_allowed(const std::string& host_header, const Endpoint& bound) {
  if (host_header.empty()) return false;
  if (!is_loopback(bound.host)) return true;
  const std::string p = ":" + std::to_string(bound.port);
  const std::string own = bound.host.find(':') != std::string::npos ? "[" + bound.host + "]" + p : bound.host + p;
  return host_header == own || host_header == "127.0.0.1" + p || host_header == "localhost" + p ||
         host_header == "[::1]" + p;
}

}  // namespace ion::dashboard
