// SPDX-License-Identifier: Apache-2.0
// Southampton models, both with resistance R (ohm) as state and exact closed forms for a
// rectangular pulse:
//  * compact (Messaris et al. 2017, ArC ParameterFit form): dR/dt = S·(r(v) − R)² while R moves
//    toward r(v), S = dir·s(v), s = Ap(e^(|v|/tp) − 1) (v > 0), An(e^(|v|/tn) − 1) (v <= 0).
//  * data-driven (Messaris et al., IEEE TCAD 37:3151, 2018): i = a·sinh(b·v)/R,
//    dR/dt = s(v)·(e^(η·k·d) − 1) with d the distance toward the bound r(v), 0 past it.
// Rmin/Rmax are ion's hard physical limits (not in the papers), used for clamping and faults.
#include <algorithm>
#include <cmath>
#include <string>

#include "device/models_internal.hpp"

namespace ion::device {
namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Status check_r_bounds(const char* model, double r0, double rmin, double rmax) {
  if (rmin >= rmax) return error(Errc::out_of_range, std::string(model) + ": Rmin must be below Rmax");
  if (r0 < rmin || r0 > rmax)
    return error(Errc::out_of_range, std::string(model) + ": R0 = " + fmt(r0) + " ohm is outside [Rmin, Rmax] = [" +
                                         fmt(rmin) + ", " + fmt(rmax) + "] ohm");
  return Status::ok();
}

Result<double> r_in_bounds(const char* model, double r, double rmin, double rmax) {
  if (r >= rmin && r <= rmax) return r;
  return error(Errc::out_of_range, std::string(model) + ": resistance " + fmt(r) + " ohm is outside [Rmin, Rmax] = [" +
                                       fmt(rmin) + ", " + fmt(rmax) + "] ohm");
}

// ---------------------------------------------------------------- compact
enum C { kCmAp, kCmAn, kCmTp, kCmTn, kCmA0p, kCmA1p, kCmA0n, kCmA1n, kCmDir, kCmR0, kCmRmin, kCmRmax };
constexpr ParamSpec kCompactSpecs[] = {
    {"Ap", "1/(ohm*s)", -1e9, 1e9, "positive-bias rate amplitude"},
    {"An", "1/(ohm*s)", -1e9, 1e9, "negative-bias rate amplitude"},
    {"tp", "V", 1e-6, 1e6, "positive-bias voltage scale (s = Ap(e^(|v|/tp)−1))"},
    {"tn", "V", 1e-6, 1e6, "negative-bias voltage scale"},
    {"a0p", "ohm", 0, 1e12, "positive bound r_p = a0p + a1p·v"},
    {"a1p", "ohm/V", -1e12, 1e12, "positive bound slope"},
    {"a0n", "ohm", 0, 1e12, "negative bound r_n = a0n + a1n·v"},
    {"a1n", "ohm/V", -1e12, 1e12, "negative bound slope"},
    {"dir", "1", -1, 1, "direction flag: +1 positive pulses raise R, −1 they lower it"},
    {"R0", "ohm", 1e-3, 1e12, "initial resistance"},
    {"Rmin", "ohm", 1e-3, 1e12, "hard lower limit (ion)"},
    {"Rmax", "ohm", 1e-3, 1e12, "hard upper limit (ion)"},
};

class Compact final : public PulseModel<Compact> {
 public:
  const char* name() const override { return "compact"; }
  const char* summary() const override { return "Southampton compact model, ArC ParameterFit form (closed form)"; }
  const char* state_name() const override { return "R_ohm"; }
  std::span<const ParamSpec> params() const override { return kCompactSpecs; }
  std::span<const Preset> presets() const override { return presets_; }
  bool closed_form() const override { return true; }
  Status validate(const double* p) const override {
    ION_TRY(sign_must_be_unit("compact", "dir", p[kCmDir]));
    return check_r_bounds("compact", p[kCmR0], p[kCmRmin], p[kCmRmax]);
  }
  double state_lo(const double* p) const override { return p[kCmRmin]; }
  double state_hi(const double* p) const override { return p[kCmRmax]; }
  double initial_state(const double* p) const override { return p[kCmR0]; }

  struct Pulse {
    double st, r, lo, hi;
  };
  static double s(const double* p, double v) {
    return v > 0 ? p[kCmAp] * std::expm1(v / p[kCmTp]) : p[kCmAn] * std::expm1(-v / p[kCmTn]);
  }
  static double bound(const double* p, double v) {
    return v > 0 ? p[kCmA0p] + p[kCmA1p] * v : p[kCmA0n] + p[kCmA1n] * v;
  }
  Pulse prepare(const double* p, double v, double dt_s) const {
    return {dt_s > 0 ? p[kCmDir] * s(p, v) * dt_s : 0, bound(p, v), p[kCmRmin], p[kCmRmax]};
  }
  // R(t) = (R0 + S·r·(r−R0)·t) / (1 + S·(r−R0)·t), only while moving toward r.
  // Branch-free (random cells make the direction test unpredictable): su <= 0 gives r0 exactly.
  static double step(const Pulse& k, double r0) {
    double su = k.st * (k.r - r0);
    su = su > 0 ? su : 0;
    const double r = (r0 + su * k.r) / (1 + su);
    return std::min(std::max(r, k.lo), k.hi);
  }
  ReadOut read(const double*, double r, double v) const override { return {v / r, r}; }
  Result<double> state_for_resistance(const double* p, double r, double) const override {
    return r_in_bounds("compact", r, p[kCmRmin], p[kCmRmax]);
  }

 private:
  std::vector<Preset> presets_ = {{"arc-emulator",
                                   "ArC ONE emulator (arc1_pyqt VirtualArC) set; docs/models.md",
                                   {11.483, -11.483, 1.731, 1.731, 9000, 500, 5000, 500, 1, 7000, 100, 1e7},
                                   no_fitted_range("the parameter set of an instrument emulator, not a fit to a "
                                                   "measured device (the compact model's paper fitted another TiOx "
                                                   "device at +-0.6..0.8 V, 100 us)")}};
};

// ---------------------------------------------------------------- data-driven
// The characterisation the TiOx fits were made on (Messaris et al. 2018: trains of identical
// pulses whose amplitude rises by 0.1 V every two trains from V_start to V_stop in each polarity,
// with |V_stop,p − V_start,p| = |V_stop,n − V_start,n| (Methods B); every read at 0.5 V).
// DUT1: Fig. 5 caption, 100 us pulses, -1.2..-1.5 V and from +1.7 V; Table III: 4.5..6.0 kohm.
constexpr FittedRange kDut1Range{true,
                                 -1.5,
                                 -1.2,
                                 1.7,
                                 2.0,
                                 100e-6,
                                 100e-6,
                                 4500,
                                 6000,
                                 0.5,
                                 "Messaris et al. 2018, Fig. 5 caption, Methods B and Table III"};
// DUT2: Fig. 6 caption, +0.6..+0.8 V and from -0.6 V (its width is stated for the Fig. 7 test
// on the same device: 100 us); Table III: 10..17 kohm.
constexpr FittedRange kDut2Range{true,
                                 -0.8,
                                 -0.6,
                                 0.6,
                                 0.8,
                                 100e-6,
                                 100e-6,
                                 10000,
                                 17000,
                                 0.5,
                                 "Messaris et al. 2018, Figs. 6-7 captions, Methods B and Table III"};
enum D {
  kDdA,
  kDdB,
  kDdAp,
  kDdAn,
  kDdTp,
  kDdTn,
  kDdKp,
  kDdKn,
  kDdA0p,
  kDdA1p,
  kDdA0n,
  kDdA1n,
  kDdEta,
  kDdR0,
  kDdRmin,
  kDdRmax
};
constexpr ParamSpec kDataSpecs[] = {
    {"a", "1", 1e-9, 1e6, "I–V amplitude: i = a·sinh(b·v)/R"},
    {"b", "1/V", 1e-9, 100, "I–V sinh slope"},
    {"Ap", "ohm/s", -1e12, 1e12, "positive-bias rate amplitude (sign = eta)"},
    {"An", "ohm/s", -1e12, 1e12, "negative-bias rate amplitude (sign = −eta)"},
    {"tp", "1/V", 0, 100, "positive-bias exponent (s = Ap(e^(tp·|v|)−1))"},
    {"tn", "1/V", 0, 100, "negative-bias exponent"},
    {"kp", "1/ohm", 1e-12, 10, "positive window steepness"},
    {"kn", "1/ohm", 1e-12, 10, "negative window steepness"},
    {"a0p", "ohm", 0, 1e12, "positive bound r_p = a0p + a1p·v"},
    {"a1p", "ohm/V", -1e12, 1e12, "positive bound slope"},
    {"a0n", "ohm", 0, 1e12, "negative bound r_n = a0n + a1n·v"},
    {"a1n", "ohm/V", -1e12, 1e12, "negative bound slope"},
    {"eta", "1", -1, 1, "switching direction (+1: positive bias raises R)"},
    {"R0", "ohm", 1e-3, 1e12, "initial resistance"},
    {"Rmin", "ohm", 1e-3, 1e12, "hard lower limit (ion)"},
    {"Rmax", "ohm", 1e-3, 1e12, "hard upper limit (ion)"},
};

class DataDriven final : public PulseModel<DataDriven> {
 public:
  const char* name() const override { return "data-driven"; }
  const char* summary() const override { return "Southampton data-driven model, TCAD 2018 (closed form)"; }
  const char* state_name() const override { return "R_ohm"; }
  std::span<const ParamSpec> params() const override { return kDataSpecs; }
  std::span<const Preset> presets() const override { return presets_; }
  bool closed_form() const override { return true; }
  Status validate(const double* p) const override {
    ION_TRY(sign_must_be_unit("data-driven", "eta", p[kDdEta]));
    if (p[kDdAp] * p[kDdEta] < 0 || p[kDdAn] * p[kDdEta] > 0)
      return error(Errc::out_of_range,
                   "data-driven: need sign(Ap) = eta and sign(An) = -eta (got Ap = " + fmt(p[kDdAp]) +
                       ", An = " + fmt(p[kDdAn]) + ", eta = " + fmt(p[kDdEta]) + ")");
    return check_r_bounds("data-driven", p[kDdR0], p[kDdRmin], p[kDdRmax]);
  }
  double state_lo(const double* p) const override { return p[kDdRmin]; }
  double state_hi(const double* p) const override { return p[kDdRmax]; }
  double initial_state(const double* p) const override { return p[kDdR0]; }

  // With u the distance to the bound in the direction of motion (u = η(r−R) for v > 0,
  // η(R−r) for v < 0), du/dt = −σ(e^(k·u) − 1), σ = |s(v)|; so y = e^(−k·u) obeys
  // dy/dt = k·σ·(1 − y): u(t) = −ln(1 − (1 − e^(−k·u0))·e^(−k·σ·t)) / k. R = r + q·u.
  struct Pulse {
    double r, q, k, e, lo, hi;
    bool active;
  };
  Pulse prepare(const double* p, double v, double dt_s) const {
    const bool pos = v > 0;
    const double sig = pos ? std::fabs(p[kDdAp] * std::expm1(p[kDdTp] * v))
                           : std::fabs(p[kDdAn] * std::expm1(-p[kDdTn] * v));
    const double k = pos ? p[kDdKp] : p[kDdKn];
    const double r = pos ? p[kDdA0p] + p[kDdA1p] * v : p[kDdA0n] + p[kDdA1n] * v;
    const double q = pos ? -p[kDdEta] : p[kDdEta];
    return {r, q, k, std::exp(-k * sig * dt_s), p[kDdRmin], p[kDdRmax], v != 0 && sig * dt_s > 0};
  }
  static double step(const Pulse& k, double r0) {
    const double u0 = k.q * (r0 - k.r);
    if (!k.active || !(u0 > 0)) return r0;
    const double m = 1 - std::exp(-k.k * u0);
    const double u = -std::log(1 - m * k.e) / k.k;
    return std::min(std::max(k.r + k.q * u, k.lo), k.hi);
  }
  ReadOut read(const double* p, double r, double v) const override {
    if (v == 0) return {0, r / (p[kDdA] * p[kDdB])};  // the limit of v/i as v → 0
    const double i = p[kDdA] * std::sinh(p[kDdB] * v) / r;
    return {i, v / i};
  }
  Result<double> state_for_resistance(const double* p, double r_meas, double v) const override {
    const double r = v == 0 ? r_meas * p[kDdA] * p[kDdB] : r_meas * p[kDdA] * std::sinh(p[kDdB] * v) / v;
    return r_in_bounds("data-driven", r, p[kDdRmin], p[kDdRmax]);
  }

 private:
  std::vector<Preset> presets_ = {
      {"tiox-dut1",
       "Messaris et al., IEEE TCAD 37:3151 (2018), TiOx DUT1; docs/models.md",
       {0.24, 2.81, 0.12, -79.03, 0.59, 1.12, 8.10e-3, 9.43e-3, 3085, 1862, 5193, 378, 1, 4500, 100, 1e7},
       kDut1Range},
      {"tiox-dut2",
       "Messaris et al., IEEE TCAD 37:3151 (2018), TiOx DUT2; docs/models.md",
       {0.24, 2.81, 743.47, -6.80e4, 6.51, 0.31, 5.11e-4, 1.17e-3, 16710, 0, 29300, 23690, 1, 12000, 100, 1e7},
       kDut2Range},
  };
};

}  // namespace

const Model& compact_model() {
  static const Compact kModel;
  return kModel;
}
const Model& data_driven_model() {
  static const DataDriven kModel;
  return kModel;
}

}  // namespace ion::device
