// SPDX-License-Identifier: Apache-2.0
#include "node/clock_origin.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace ion::site {

std::string current_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  if (!(in >> id)) return {};
  return id;
}

Status save_clock_origin(Storage& storage, const std::string& path, const ClockOrigin& o) {
  const std::string text = "origin_ns=" + std::to_string(o.origin_ns) + "\nboot_id=" + o.boot_id + "\n";
  return storage.write_file_atomic(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

namespace {

constexpr uint64_t kMaxOriginBytes = 4096;  // two short lines

Status parse_line(const std::string& path, int n, const std::string& line, ClockOrigin& o, bool& have_origin) {
  const auto bad = [&](const std::string& what) {
    return error(Errc::invalid_argument, path + ":" + std::to_string(n) + ": " + what);
  };
  if (line.rfind("origin_ns=", 0) == 0) {
    const std::string v = line.substr(10);
    long long x = 0;
    int used = 0;
    if (v.empty() || std::sscanf(v.c_str(), "%lld%n", &x, &used) != 1 || used != static_cast<int>(v.size()))
      return bad("expected origin_ns=<integer nanoseconds>, got '" + line + "'");
    o.origin_ns = x;
    have_origin = true;
  } else if (line.rfind("boot_id=", 0) == 0) {
    o.boot_id = line.substr(8);
  } else if (!line.empty()) {
    return bad("unexpected line '" + line + "' (expected origin_ns=… or boot_id=…)");
  }
  return Status::ok();
}

}  // namespace

Result<ClockOrigin> load_clock_origin(Storage& storage, const std::string& path, const std::string& boot_id) {
  auto text = storage.read_file(path, kMaxOriginBytes);
  if (!text) return text.status().prefixed("cannot read the clock origin: ");
  std::istringstream in(*text);
  ClockOrigin o;
  bool have_origin = false;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) ION_TRY(parse_line(path, n, line, o, have_origin));
  if (!have_origin) return error(Errc::invalid_argument, path + ": no origin_ns line");
  if (!o.boot_id.empty() && !boot_id.empty() && o.boot_id != boot_id)
    return error(Errc::invalid_argument, path + " was written during another boot (boot id " + o.boot_id +
                                             "); the monotonic clock restarted, so experiment time cannot "
                                             "continue — start a new run in another --out directory");
  return o;
}

}  // namespace ion::site
