// SPDX-License-Identifier: Apache-2.0
#include "device/program.hpp"

#include <charconv>
#include <cmath>
#include <numbers>
#include <string>

#include "core/units.hpp"

namespace ion::device {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) out.push_back(s.substr(start, i - start)), start = i + 1;
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Result<PulseStep> parse_step(std::string_view seg, size_t index) {
  const std::string where = "pulse program segment " + std::to_string(index + 1) + " ('" + std::string(seg) + "')";
  const auto parts = split(seg, ',');
  if (parts.size() != 2)
    return error(Errc::invalid_argument, where + ": expected '<voltage>,<width>[*count]', e.g. '+0.8V,100us*20'");
  auto v = parse_quantity(trim(parts[0]), Dim::voltage);
  if (!v) return error(Errc::invalid_argument, where + ": voltage: " + v.status().message());
  std::string_view w = trim(parts[1]);
  uint32_t count = 1;
  if (const auto star = w.find('*'); star != std::string_view::npos) {
    const std::string_view c = trim(w.substr(star + 1));
    const auto r = std::from_chars(c.data(), c.data() + c.size(), count);
    if (r.ec != std::errc() || r.ptr != c.data() + c.size() || count == 0 || count > 1000000)
      return error(Errc::invalid_argument,
                   where + ": repeat count '" + std::string(c) + "' must be an integer in 1..1000000");
    w = trim(w.substr(0, star));
  }
  auto d = parse_duration(w);
  if (!d) return error(Errc::invalid_argument, where + ": width: " + d.status().message());
  if (std::fabs(*v) > 20) return error(Errc::out_of_range, where + ": voltage must be within [-20, 20] V");
  if (*d <= 0 || *d > 10 * kSecond) return error(Errc::out_of_range, where + ": width must be in (0, 10s]");
  return PulseStep{*v, *d, count};
}

}  // namespace

Result<std::vector<PulseStep>> parse_pulse_program(std::string_view text) {
  if (trim(text).empty()) return error(Errc::invalid_argument, "pulse program is empty (e.g. '+0.8V,100us*20')");
  std::vector<PulseStep> out;
  const auto segs = split(text, ';');
  for (size_t i = 0; i < segs.size(); ++i) {
    ION_TRY_ASSIGN(auto s, parse_step(trim(segs[i]), i));
    out.push_back(s);
  }
  return out;
}

double Wave::at(double t) const {
  const double ph = t * frequency_hz;
  if (shape == Shape::sine) return amplitude_v * std::sin(2 * std::numbers::pi * ph);
  const double f = ph - std::floor(ph);  // triangle: 0 → +A → 0 → −A → 0
  const double tri = f < 0.25 ? 4 * f : f < 0.75 ? 2 - 4 * f : 4 * f - 4;
  return amplitude_v * tri;
}

Result<Wave> parse_wave(std::string_view text) {
  const auto parts = split(text, ',');
  const std::string where = "wave '" + std::string(text) + "'";
  if (parts.size() != 4)
    return error(Errc::invalid_argument, where +
                                             ": expected '<sine|triangle>,<amplitude>,<frequency>,<N>cycles', "
                                             "e.g. 'sine,1V,1kHz,3cycles'");
  Wave w{};
  const auto shape = trim(parts[0]);
  if (shape == "sine") w.shape = Wave::Shape::sine;
  else if (shape == "triangle") w.shape = Wave::Shape::triangle;
  else
    return error(Errc::invalid_argument,
                 where + ": unknown shape '" + std::string(shape) + "' (expected sine or triangle)");
  auto a = parse_quantity(trim(parts[1]), Dim::voltage);
  if (!a || *a <= 0 || *a > 20)
    return error(Errc::invalid_argument, where + ": amplitude must be a voltage in (0, 20] V, e.g. 1V");
  auto f = parse_quantity(trim(parts[2]), Dim::frequency);
  if (!f || *f <= 0 || *f > 1e9)
    return error(Errc::invalid_argument, where + ": frequency must be in (0, 1GHz], e.g. 1kHz");
  std::string_view c = trim(parts[3]);
  if (c.size() > 6 && c.substr(c.size() - 6) == "cycles") c.remove_suffix(6);
  else if (c.size() > 5 && c.substr(c.size() - 5) == "cycle") c.remove_suffix(5);
  else return error(Errc::invalid_argument, where + ": cycle count must look like '3cycles'");
  double n = 0;
  const auto r = std::from_chars(c.data(), c.data() + c.size(), n);
  if (r.ec != std::errc() || r.ptr != c.data() + c.size() || !(n > 0 && n <= 1e6))
    return error(Errc::invalid_argument, where + ": cycle count must be a number in (0, 1e6]");
  w.amplitude_v = *a, w.frequency_hz = *f, w.cycles = n;
  return w;
}

}  // namespace ion::device
