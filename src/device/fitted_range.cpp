// SPDX-License-Identifier: Apache-2.0
#include "device/fitted_range.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ion::device {
namespace {

std::string num(double v, const char* fmt = "%g") {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}
std::string volts(double v) { return num(v, "%+g") + " V"; }
std::string micros(double s) { return num(s * 1e6) + " us"; }
std::string kohm(double r) { return num(r / 1e3) + " kohm"; }

// Inclusive, with a relative tolerance so that "100us" parsed to ns equals 100e-6 s.
bool within(double x, double lo, double hi) {
  const double eps = 1e-9 * std::max(std::fabs(lo), std::fabs(hi));
  return x >= lo - eps && x <= hi + eps;
}

std::string span(double lo, double hi, std::string (*unit)(double)) {
  return lo == hi ? unit(lo) : unit(lo) + ".." + unit(hi);
}

}  // namespace

const Preset* find_preset(const Model& m, std::string_view name) {
  for (const Preset& p : m.presets())
    if (name.empty() || name == p.name) return &p;
  return nullptr;
}

std::string describe_fitted_range(const FittedRange& f) {
  if (!f.known) return std::string("not published: ") + f.note;
  return "pulses " + span(f.v_neg_lo, f.v_neg_hi, volts) + " and " + span(f.v_pos_lo, f.v_pos_hi, volts) + " of " +
         span(f.width_lo_s, f.width_hi_s, micros) + "; " + span(f.r_lo_ohm, f.r_hi_ohm, kohm) + " read at " +
         num(f.v_read) + " V";
}

std::string pulse_outside(const FittedRange& f, double v, double width_s) {
  if (!f.known || v == 0) return {};
  const double lo = v > 0 ? f.v_pos_lo : f.v_neg_lo, hi = v > 0 ? f.v_pos_hi : f.v_neg_hi;
  if (!within(v, lo, hi)) {
    const bool beyond = std::fabs(v) > std::max(std::fabs(lo), std::fabs(hi));
    return volts(v) + (beyond ? " is beyond " : " is weaker than ") +
           volts(beyond ? (v > 0 ? hi : lo) : (v > 0 ? lo : hi));
  }
  if (!within(width_s, f.width_lo_s, f.width_hi_s))
    return "a width of " + micros(width_s) + " is not " + span(f.width_lo_s, f.width_hi_s, micros);
  return {};
}

std::string resistance_outside(const FittedRange& f, double r_ohm) {
  if (!f.known || within(r_ohm, f.r_lo_ohm, f.r_hi_ohm)) return {};
  return kohm(r_ohm) + " is outside " + span(f.r_lo_ohm, f.r_hi_ohm, kohm);
}

std::string extrapolation_warning(std::string_view what, const Model& m, const Preset& p, std::string_view why) {
  return std::string(what) + " drives " + m.name() + " preset '" + p.name + "' outside the range it was fitted on (" +
         describe_fitted_range(p.fitted) + "): " + std::string(why) +
         "; its results there are an extrapolation (docs/models.md)";
}

}  // namespace ion::device
