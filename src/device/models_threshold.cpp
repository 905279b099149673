// SPDX-License-Identifier: Apache-2.0
// Threshold models: VTEAM (Kvatinsky et al. 2015; closed form, no window, hard bounds) and
// Yakopcic (2011/2013; threshold g(V) with exponential state windows, bounded integration).
#include <algorithm>
#include <cmath>
#include <string>

#include "device/integrate.hpp"
#include "device/models_internal.hpp"

namespace ion::device {
namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// ---------------------------------------------------------------- VTEAM
// State w in [0, D] (w_on = 0, w_off = D); R(w) = Ron + (Roff−Ron)·w/D (linear I–V).
enum V { kVtRon, kVtRoff, kVtD, kVtKon, kVtKoff, kVtAon, kVtAoff, kVtVon, kVtVoff, kVtW0 };
constexpr ParamSpec kVteamSpecs[] = {
    {"Ron", "ohm", 1e-3, 1e9, "ON resistance (w = 0)"},    {"Roff", "ohm", 1e-3, 1e9, "OFF resistance (w = D)"},
    {"D", "m", 1e-12, 1e-3, "state range w_off − w_on"},   {"k_on", "m/s", -1e12, -1e-30, "ON rate (negative)"},
    {"k_off", "m/s", 1e-30, 1e12, "OFF rate (positive)"},  {"a_on", "1", 0.1, 20, "ON exponent α_on"},
    {"a_off", "1", 0.1, 20, "OFF exponent α_off"},         {"v_on", "V", -100, -1e-6, "ON threshold (negative)"},
    {"v_off", "V", 1e-6, 100, "OFF threshold (positive)"}, {"w0", "m", 0, 1e-3, "initial state"},
};

class Vteam final : public PulseModel<Vteam> {
 public:
  const char* name() const override { return "vteam"; }
  const char* summary() const override { return "VTEAM threshold model, no window (closed form)"; }
  const char* state_name() const override { return "w_m"; }
  std::span<const ParamSpec> params() const override { return kVteamSpecs; }
  std::span<const Preset> presets() const override { return presets_; }
  bool closed_form() const override { return true; }
  Status validate(const double* p) const override {
    if (p[kVtRoff] <= p[kVtRon]) return error(Errc::out_of_range, "vteam: Roff must be greater than Ron");
    if (p[kVtW0] > p[kVtD])
      return error(Errc::out_of_range, "vteam: w0 = " + fmt(p[kVtW0]) + " m exceeds D = " + fmt(p[kVtD]) + " m");
    return Status::ok();
  }
  double state_lo(const double*) const override { return 0; }
  double state_hi(const double* p) const override { return p[kVtD]; }
  double initial_state(const double* p) const override { return p[kVtW0]; }

  struct Pulse {
    double dw, d;
  };
  // dw/dt = k_off·(v/v_off − 1)^α_off (v > v_off), k_on·(v/v_on − 1)^α_on (v < v_on), else 0.
  static double rate(const double* p, double v) {
    if (v > p[kVtVoff]) return p[kVtKoff] * std::pow(v / p[kVtVoff] - 1, p[kVtAoff]);
    if (v < p[kVtVon]) return p[kVtKon] * std::pow(v / p[kVtVon] - 1, p[kVtAon]);
    return 0;
  }
  Pulse prepare(const double* p, double v, double dt_s) const { return {rate(p, v) * dt_s, p[kVtD]}; }
  static double step(const Pulse& k, double w) { return std::clamp(w + k.dw, 0.0, k.d); }
  ReadOut read(const double* p, double w, double v) const override {
    const double r = p[kVtRon] + (p[kVtRoff] - p[kVtRon]) * w / p[kVtD];
    return {v / r, r};
  }
  Result<double> state_for_resistance(const double* p, double r, double) const override {
    if (r < p[kVtRon] || r > p[kVtRoff])
      return error(Errc::out_of_range, "vteam: resistance " + fmt(r) + " ohm is outside [Ron, Roff] = [" +
                                           fmt(p[kVtRon]) + ", " + fmt(p[kVtRoff]) + "] ohm");
    return (r - p[kVtRon]) / (p[kVtRoff] - p[kVtRon]) * p[kVtD];
  }

 private:
  std::vector<Preset> presets_ = {
      {"kvatinsky2015",
       "Kvatinsky et al., IEEE TCAS-II 62:786 (2015); docs/models.md",
       {50, 1000, 3e-9, -10, 5e-4, 3, 1, -0.2, 0.02, 1.5e-9},
       no_fitted_range("a commonly used illustrative VTEAM set, not a fit to pulses on one measured device")}};
};

// ---------------------------------------------------------------- Yakopcic
enum Y { kYkA1, kYkA2, kYkB, kYkVp, kYkVn, kYkAp, kYkAn, kYkXp, kYkXn, kYkAlp, kYkAln, kYkEta, kYkX0 };
constexpr ParamSpec kYakSpecs[] = {
    {"a1", "A", 1e-12, 1e6, "I–V amplitude, V >= 0"},
    {"a2", "A", 1e-12, 1e6, "I–V amplitude, V < 0"},
    {"b", "1/V", 1e-6, 100, "I–V sinh slope"},
    {"Vp", "V", 0, 100, "positive threshold"},
    {"Vn", "V", 0, 100, "negative threshold (magnitude)"},
    {"Ap", "1/s", 0, 1e12, "positive switching rate"},
    {"An", "1/s", 0, 1e12, "negative switching rate"},
    {"xp", "1", 0, 0.999, "positive window onset"},
    {"xn", "1", 0, 0.999, "negative window onset"},
    {"alphap", "1", 0, 1e3, "positive window decay αp"},
    {"alphan", "1", 0, 1e3, "negative window decay αn"},
    {"eta", "1", -1, 1, "switching direction (+1 or −1)"},
    {"x0", "1", 0, 1, "initial state"},
};

class Yakopcic final : public PulseModel<Yakopcic> {
 public:
  const char* name() const override { return "yakopcic"; }
  const char* summary() const override { return "Yakopcic generalized model (bounded adaptive integration)"; }
  const char* state_name() const override { return "x"; }
  std::span<const ParamSpec> params() const override { return kYakSpecs; }
  std::span<const Preset> presets() const override { return presets_; }
  bool closed_form() const override { return false; }
  Status validate(const double* p) const override { return sign_must_be_unit("yakopcic", "eta", p[kYkEta]); }
  double state_lo(const double*) const override { return 0; }
  double state_hi(const double*) const override { return 1; }
  double initial_state(const double* p) const override { return p[kYkX0]; }

  // g(V) = Ap(e^V − e^Vp) for V > Vp; −An(e^−V − e^Vn) for V < −Vn; 0 between.
  static double g(const double* p, double v) {
    if (v > p[kYkVp]) return p[kYkAp] * (std::exp(v) - std::exp(p[kYkVp]));
    if (v < -p[kYkVn]) return -p[kYkAn] * (std::exp(-v) - std::exp(p[kYkVn]));
    return 0;
  }
  // f(x): for motion up (η·g > 0) e^(−αp(x−xp))·((xp−x)/(1−xp)+1) when x >= xp, else 1;
  // for motion down e^(αn(x+xn−1))·x/(1−xn) when x <= 1−xn, else 1.
  static double f(const double* p, double x, bool up) {
    if (up) return x >= p[kYkXp] ? std::exp(-p[kYkAlp] * (x - p[kYkXp])) * ((p[kYkXp] - x) / (1 - p[kYkXp]) + 1) : 1;
    return x <= 1 - p[kYkXn] ? std::exp(p[kYkAln] * (x + p[kYkXn] - 1)) * (x / (1 - p[kYkXn])) : 1;
  }
  struct Pulse {
    const double* p;
    double eg, dt_s;
  };
  Pulse prepare(const double* p, double v, double dt_s) const { return {p, p[kYkEta] * g(p, v), dt_s}; }
  static double step(const Pulse& k, double x) {
    if (k.eg == 0 || k.dt_s <= 0) return x;
    const bool up = k.eg > 0;
    auto rate = [&](double y) { return k.eg * f(k.p, y, up); };
    return integrate_bounded(rate, x, k.dt_s, 0.0, 1.0, 1e-13);
  }
  ReadOut read(const double* p, double x, double v) const override {
    const double i = (v >= 0 ? p[kYkA1] : p[kYkA2]) * x * std::sinh(p[kYkB] * v);
    const double r = i != 0 ? v / i : INFINITY;
    return {i, r};
  }
  Result<double> state_for_resistance(const double* p, double r, double v) const override {
    const double per_x = (v >= 0 ? p[kYkA1] : p[kYkA2]) * std::sinh(p[kYkB] * v);
    if (v == 0 || r <= 0) return error(Errc::out_of_range, "yakopcic: need v_read != 0 and r > 0");
    const double x = v / (r * per_x);
    if (!(x >= 0 && x <= 1))
      return error(Errc::out_of_range, "yakopcic: resistance " + fmt(r) + " ohm at " + fmt(v) +
                                           " V needs x = " + fmt(x) + ", outside [0, 1]");
    return x;
  }

 private:
  std::vector<Preset> presets_ = {{"oblea",
                                   "Yakopcic et al., IEEE EDL 32:1436 (2011), Oblea device; docs/models.md",
                                   {0.17, 0.17, 0.05, 0.16, 0.15, 4000, 4000, 0.3, 0.5, 1, 5, 1, 0.11},
                                   no_fitted_range("fitted to current-voltage sweeps of the Oblea device, not to "
                                                   "pulse trains: ion records no pulse range for it")}};
};

}  // namespace

Status sign_must_be_unit(const char* model, const char* param, double v) {
  if (v == 1 || v == -1) return Status::ok();
  return error(Errc::out_of_range,
               std::string(model) + ": parameter '" + param + "' = " + fmt(v) + " must be +1 or -1");
}

const Model& vteam_model() {
  static const Vteam kModel;
  return kModel;
}
const Model& yakopcic_model() {
  static const Yakopcic kModel;
  return kModel;
}

}  // namespace ion::device
