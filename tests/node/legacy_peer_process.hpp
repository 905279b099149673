// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs tests/node/legacy_peer.py (an old partner) beside a test and reads its JSON report.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace ion::legacy_test {

// Starts the peer with `args` (it runs while the caller's event loop runs); nullptr on failure.
inline FILE* start_peer(const std::string& args) {
  const std::string cmd = "/usr/bin/python3 " + std::string(ION_SOURCE_DIR) + "/tests/node/legacy_peer.py " + args;
  return ::popen(cmd.c_str(), "r");
}

// Waits for the peer to end and parses its report (a discarded value if it printed no JSON).
inline nlohmann::json finish_peer(FILE* f) {
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  ::pclose(f);
  return nlohmann::json::parse(out, nullptr, false);
}

}  // namespace ion::legacy_test
