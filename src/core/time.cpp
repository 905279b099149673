// SPDX-License-Identifier: Apache-2.0
#include "core/time.hpp"

#include <time.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/units.hpp"

namespace ion {

std::string format_duration(Duration d) {
  struct Unit {
    Duration ns;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{kSecond, "s"}, {kMillisecond, "ms"}, {kMicrosecond, "us"}, {1, "ns"}};
  if (d == 0) return "0s";
  Duration mag = d < 0 ? -d : d;
  char buf[48];
  for (const auto& u : kUnits) {
    if (mag >= u.ns) {
      std::snprintf(buf, sizeof buf, "%.9g%s", static_cast<double>(d) / static_cast<double>(u.ns), u.name);
      return buf;
    }
  }
  return "0s";
}

std::string format_duration_human(Duration d) {
  static constexpr std::pair<Duration, const char*> kUnits[] = {
      {kSecond, "s"}, {kMillisecond, "ms"}, {kMicrosecond, "us"}, {1, "ns"}};
  if (d == 0) return "0 s";
  const Duration mag = d < 0 ? -d : d;
  for (const auto& [unit_ns, name] : kUnits) {
    if (mag < unit_ns) continue;
    const double v = static_cast<double>(d) / static_cast<double>(unit_ns);
    char buf[48];
    std::snprintf(buf, sizeof buf, std::fabs(v) >= 1000 ? "%.0f %s" : "%.4g %s", v, name);
    return buf;
  }
  return "0 s";
}

Result<Duration> parse_duration(std::string_view text) {
  ION_TRY_ASSIGN(double s, parse_quantity(text, Dim::time));
  if (std::fabs(s) > 9.2e9) return error(Errc::out_of_range, "\"" + std::string(text) + "\" is too long a duration");
  return from_seconds(s);
}

Time thread_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<Time>(ts.tv_sec) * kSecond + ts.tv_nsec;
}

double load_average_1m() {
  double l[1] = {0};
  return ::getloadavg(l, 1) == 1 ? l[0] : -1;
}

}  // namespace ion
