// SPDX-License-Identifier: Apache-2.0
#include "cli/arg_checks.hpp"

#include <charconv>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

namespace ion::cli {

CLI::Validator unsigned_in(uint64_t lo, uint64_t hi) {
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  auto check = [lo, hi, range](const std::string& text) -> std::string {
    uint64_t v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (!text.empty() && ptr == end && ec == std::errc() && v >= lo && v <= hi) return "";
    return "found \"" + text + "\", expected an integer in " + range;
  };
  return CLI::Validator(check, "INT in " + range);
}

Duration duration_arg(std::string_view flag, std::string_view text, Duration min_ns) {
  const std::string head = std::string(flag) + ": found \"" + std::string(text) + "\", expected ";
  auto d = parse_duration(text);
  if (!d)
    throw CliError(
        head + "a duration with a unit, such as 8s or \"8 s\" (quoted, one argument): " + d.status().message(),
        exit_code::kUsage);
  if (*d < min_ns) throw CliError(head + "at least " + format_duration(min_ns), exit_code::kUsage);
  return *d;
}

}  // namespace ion::cli
