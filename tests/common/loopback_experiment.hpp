// SPDX-License-Identifier: Apache-2.0
// Test helper: an experiment text (the built-in's, usually) moved to a test's own loopback address
// with the ports the built-in pinned before it left them to `ion run` (docs/experiment.md): tests
// that run `ion node` themselves, inject datagrams at a site's port or occupy one need them known.
// Header-only.
#pragma once

#include <string>
#include <utility>

namespace ion::testing {

// "127.0.0.1:PORT" → "LO:PORT" everywhere; a portless "127.0.0.1" address of the built-in's sites
// → "LO:PORT" with PORT as the built-in pinned it (zurich 7301, southampton 7201, padova 7101).
inline std::string pin_loopback(std::string text, const std::string& lo) {
  for (size_t at = 0; (at = text.find("127.0.0.1:", at)) != std::string::npos; at += lo.size()) text.replace(at, 9, lo);
  static const std::pair<const char*, int> kPorts[] = {{"zurich", 7301}, {"southampton", 7201}, {"padova", 7101}};
  for (const auto& [site, port] : kPorts) {
    const size_t section = text.find(std::string("[sites.") + site + "]");
    if (section == std::string::npos) continue;
    const size_t end = text.find("\n[", section + 1);
    const size_t at = text.find("\"127.0.0.1\"", section);
    if (at == std::string::npos || at > end) continue;
    text.replace(at, 11, "\"" + lo + ":" + std::to_string(port) + "\"");
  }
  return text;
}

}  // namespace ion::testing
