// SPDX-License-Identifier: Apache-2.0
#include "core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace ion {
namespace {

struct Prefix {
  std::string_view symbol;
  double factor;
};
// Order matters only for the formatter (largest first); the parser tries every entry.
constexpr std::array<Prefix, 10> kPrefixes{{{"G", 1e9},
                                            {"M", 1e6},
                                            {"k", 1e3},
                                            {"", 1.0},
                                            {"c", 1e-2},
                                            {"m", 1e-3},
                                            {"u", 1e-6},
                                            {"\xC2\xB5", 1e-6},
                                            {"n", 1e-9},
                                            {"p", 1e-12}}};

struct UnitSpec {
  Dim dim;
  std::vector<std::string_view> symbols;  // first is the canonical one
  int power;                              // prefix exponent (2 for areas: um2 = (1e-6)^2 m2)
};

const std::vector<UnitSpec>& unit_specs() {
  static const std::vector<UnitSpec> kSpecs = {
      {Dim::time, {"s"}, 1},        {Dim::voltage, {"V"}, 1},
      {Dim::current, {"A"}, 1},     {Dim::resistance, {"ohm", "Ohm", "\xCE\xA9"}, 1},
      {Dim::conductance, {"S"}, 1}, {Dim::capacitance, {"F"}, 1},
      {Dim::frequency, {"Hz"}, 1},  {Dim::area, {"m2", "m^2", "m\xC2\xB2"}, 2},
      {Dim::charge, {"C"}, 1},      {Dim::length, {"m"}, 1},
  };
  return kSpecs;
}

const UnitSpec& spec_for(Dim d) {
  for (const auto& s : unit_specs())
    if (s.dim == d) return s;
  return unit_specs().front();
}

// Special time spellings that are not prefix+"s".
bool parse_time_special(std::string_view unit, double& factor) {
  if (unit == "min") {
    factor = 60.0;
    return true;
  }
  if (unit == "h") {
    factor = 3600.0;
    return true;
  }
  return false;
}

bool unit_factor(std::string_view unit, Dim dim, double& factor) {
  if (dim == Dim::time && parse_time_special(unit, factor)) return true;
  const UnitSpec& spec = spec_for(dim);
  for (const auto& sym : spec.symbols) {
    if (unit.size() < sym.size() || unit.substr(unit.size() - sym.size()) != sym) continue;
    std::string_view prefix = unit.substr(0, unit.size() - sym.size());
    for (const auto& p : kPrefixes) {
      if (p.symbol != prefix) continue;
      // centi only makes sense for lengths and areas (cm2)
      if (p.symbol == "c" && dim != Dim::area && dim != Dim::length) return false;
      factor = std::pow(p.factor, spec.power);
      return true;
    }
  }
  return false;
}

// Splits "12.5kohm" into number text and unit text; the number follows strtod's decimal grammar
// minus hex, inf and nan.
size_t number_length(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  size_t digits = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  }
  if (digits == 0) return 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    size_t j = i + 1;
    if (j < t.size() && (t[j] == '+' || t[j] == '-')) ++j;
    size_t exp_digits = 0;
    while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j, ++exp_digits;
    if (exp_digits > 0) i = j;
  }
  return i;
}

}  // namespace

const char* dim_name(Dim d) {
  switch (d) {
    case Dim::time:
      return "duration";
    case Dim::voltage:
      return "voltage";
    case Dim::current:
      return "current";
    case Dim::resistance:
      return "resistance";
    case Dim::conductance:
      return "conductance";
    case Dim::capacitance:
      return "capacitance";
    case Dim::frequency:
      return "frequency";
    case Dim::area:
      return "area";
    case Dim::charge:
      return "charge";
    case Dim::length:
      return "length";
  }
  return "quantity";
}

const char* dim_examples(Dim d) {
  switch (d) {
    case Dim::time:
      return "\"100us\", \"1.5s\"";
    case Dim::voltage:
      return "\"4V\", \"-0.8V\", \"500mV\"";
    case Dim::current:
      return "\"0.8nA\", \"50pA\"";
    case Dim::resistance:
      return "\"9kohm\", \"100ohm\"";
    case Dim::conductance:
      return "\"4nS\"";
    case Dim::capacitance:
      return "\"281pF\"";
    case Dim::frequency:
      return "\"20Hz\", \"25kHz\"";
    case Dim::area:
      return "\"2000um2\"";
    case Dim::charge:
      return "\"1nC\"";
    case Dim::length:
      return "\"30um\"";
  }
  return "";
}

Result<double> parse_quantity(std::string_view text, Dim dim) {
  auto bad = [&](const std::string& why) -> Status {
    return error(Errc::invalid_argument, "\"" + std::string(text) + "\" is not a " + dim_name(dim) + " (" + why +
                                             "; expected e.g. " + dim_examples(dim) + ")");
  };
  size_t n = number_length(text);
  if (n == 0) return bad("no number");
  std::string number(text.substr(0, n));
  std::string_view unit = text.substr(n);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty()) return bad("missing unit");
  double factor = 0;
  if (!unit_factor(unit, dim, factor)) return bad("unknown unit \"" + std::string(unit) + "\"");
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(v)) return bad("number out of range");
  double si = v * factor;
  if (!std::isfinite(si)) return bad("number out of range");
  return si;
}

std::string format_quantity(double value_si, Dim dim) {
  const UnitSpec& spec = spec_for(dim);
  char buf[64];
  if (value_si == 0 || !std::isfinite(value_si)) {
    std::snprintf(buf, sizeof buf, "%g%s", value_si, std::string(spec.symbols[0]).c_str());
    return buf;
  }
  double mag = std::fabs(value_si);
  for (const auto& p : kPrefixes) {
    if (p.symbol == "c" || p.symbol == "\xC2\xB5") continue;
    double f = std::pow(p.factor, spec.power);
    if (mag >= f * 0.9999999 || p.symbol == "p") {
      std::snprintf(buf, sizeof buf, "%.6g%s%s", value_si / f, std::string(p.symbol).c_str(),
                    std::string(spec.symbols[0]).c_str());
      return buf;
    }
  }
  return buf;
}

}  // namespace ion
