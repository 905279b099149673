// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who may use a dashboard (docs/dashboard.md, "Security"): the address it listens on, its token,
// and the Host check against DNS rebinding. Pure functions, no network.
#include <string>

#include "core/status.hpp"

namespace ion::dashboard {

struct Endpoint {
  std::string host = "127.0.0.1";  // as given (an IPv6 address without brackets)
  int port = 0;                    // 0: any free port
};

// "" → 127.0.0.1 and a free port; "ADDR", "ADDR:PORT", "[V6]:PORT", ":PORT" (loopback).
// Errors (invalid_argument) say what was given and what is expected.
Result<Endpoint> parse_endpoint(const std::string& text);

// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

// 128 random bits as 32 lowercase hex digits (getrandom).
std::string random_token();

// Compares in time independent of where the strings differ (a token guessed byte by byte).
bool same_token(const std::string& given, const std::string& token);

// A request's Host header is accepted when it names the dashboard itself: on a loopback bind
// "127.0.0.1:PORT", "localhost:PORT", "[::1]:PORT" or the bound address with PORT; a page of
// another site that a DNS rebinding pointed at 127.0.0.1 sends its own name and is refused. On a
// non-loopback bind every request needs the token anyway (the Host may be any name of the
// machine), so only a missing Host is refused.
bool host_allowed(const std::string& host_header, const Endpoint& bound);

}  // namespace ion::dashboard
