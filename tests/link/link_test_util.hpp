// SPDX-License-Identifier: Apache-2.0
#pragma once
// Keys and addresses the link tests share (Peer back to back, Link on SimWorld and on RealEnv).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "env/sockaddr.hpp"
#include "wire/crypto.hpp"

namespace ion::link::test {

// A fixed pre-shared key; `salt` gives links of one test distinct keys.
inline wire::Psk test_psk(uint8_t salt = 0) {
  wire::Psk k;
  for (size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<uint8_t>(i * 7 + 3 + salt);
  return k;
}

inline SockAddr addr(const char* text) { return SockAddr::parse(text).value(); }

// `prefix` + host with a pid-derived port (prefix "127.0.200." gives 127.0.200.host:port), so
// parallel runs of the real-time tests stay apart.
inline SockAddr loopback(const std::string& prefix, int host) {
  const int port = 20000 + static_cast<int>(getpid() % 20000);
  return SockAddr::parse(prefix + std::to_string(host) + ":" + std::to_string(port)).value();
}

}  // namespace ion::link::test
