// SPDX-License-Identifier: Apache-2.0
#pragma once
// Time in ion: signed 64-bit integer nanoseconds everywhere (experiment time, link time, durations).
// Floats appear only inside model dynamics. ~292 years of range either way.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace ion {

using Time = int64_t;      // an instant, ns (experiment time unless the name says otherwise)
using Duration = int64_t;  // a span, ns

inline constexpr Duration kNanosecond = 1;
inline constexpr Duration kMicrosecond = 1000;
inline constexpr Duration kMillisecond = 1000 * kMicrosecond;
inline constexpr Duration kSecond = 1000 * kMillisecond;
inline constexpr Time kTimeNever = INT64_MAX;

namespace literals {
constexpr Duration operator""_ns(unsigned long long v) { return static_cast<Duration>(v); }
constexpr Duration operator""_us(unsigned long long v) { return static_cast<Duration>(v) * kMicrosecond; }
constexpr Duration operator""_ms(unsigned long long v) { return static_cast<Duration>(v) * kMillisecond; }
constexpr Duration operator""_s(unsigned long long v) { return static_cast<Duration>(v) * kSecond; }
}  // namespace literals

constexpr double to_seconds(Duration d) { return static_cast<double>(d) * 1e-9; }
constexpr double to_ms(Duration d) { return static_cast<double>(d) * 1e-6; }
// Rounds to the nearest nanosecond. REQUIRES: |s| < 9.2e9 (no overflow check on hot paths).
constexpr Duration from_seconds(double s) { return static_cast<Duration>(s * 1e9 + (s >= 0 ? 0.5 : -0.5)); }

// Human-readable with the largest unit that keeps it exact-ish: "1.5ms", "10s", "250ns", "-3us".
std::string format_duration(Duration d);
// For people: at most 4 significant digits, a space and the unit: "12.4 s", "803.3 ms", "22.7 us",
// "1250 s" (whole seconds from 1000 s on). Parses back with parse_duration (to that precision).
std::string format_duration_human(Duration d);

// Strict parse of "<number><unit>" with unit in {ns, us, µs, ms, s, min, h}; e.g. "100us", "1.5s".
// No unit, unknown unit, trailing text or overflow → error naming the problem.
Result<Duration> parse_duration(std::string_view text);

// CPU time consumed by the calling thread (CLOCK_THREAD_CPUTIME_ID), ns: what the benchmarks
// report as "per core", which other load on the machine cannot dilute.
Time thread_cpu_now();
// The 1-minute load average (getloadavg), or -1 when it cannot be read. For benchmark reports.
double load_average_1m();

}  // namespace ion
