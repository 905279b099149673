// SPDX-License-Identifier: Apache-2.0
// Linear ion drift (Strukov et al., Nature 2008) with no window (closed form) and the Joglekar,
// Biolek and Prodromakis windows (adaptive bounded integration). State x = w/D in [0, 1];
// R(x) = Ron·x + Roff·(1−x); dx/dt = k·i·f(x), k = µv·Ron/D², i = v/R(x).
#include <algorithm>
#include <cmath>
#include <string>

#include "device/integrate.hpp"
#include "device/models_internal.hpp"

namespace ion::device {
namespace {

enum P { kRon, kRoff, kD, kUv, kX0, kP, kJ };

constexpr ParamSpec kSpecs[] = {
    {"Ron", "ohm", 1e-3, 1e9, "fully doped (low) resistance"},
    {"Roff", "ohm", 1e-3, 1e9, "undoped (high) resistance"},
    {"D", "m", 1e-12, 1e-3, "film thickness"},
    {"uv", "m^2/(V*s)", 1e-22, 1e-6, "dopant mobility µv"},
    {"x0", "1", 0, 1, "initial state w/D"},
    {"p", "1", 0.5, 50, "window exponent (integer in the papers)"},
    {"j", "1", 1e-6, 1e6, "Prodromakis window scale"},
};

double resistance(const double* p, double x) { return p[kRon] * x + p[kRoff] * (1 - x); }

class Drift final : public PulseModel<Drift> {
 public:
  explicit Drift(Window w) : w_(w) {
    std::vector<double> v = {100, 16e3, 10e-9, 1e-14, 0.1};
    if (w != Window::none) v.push_back(1);
    if (w == Window::prodromakis) v.push_back(1);
    presets_.push_back({"strukov2008", "Strukov et al., Nature 453:80 (2008); docs/models.md", v,
                        no_fitted_range("an illustrative parameter set (the paper simulates the model; it reports no "
                                        "pulse measurements it was fitted on)")});
  }
  const char* name() const override {
    constexpr const char* kNames[] = {"linear-drift", "joglekar", "biolek", "prodromakis"};
    return kNames[static_cast<int>(w_)];
  }
  const char* summary() const override {
    constexpr const char* kSummaries[] = {"linear ion drift, no window (closed form)",
                                          "linear ion drift, Joglekar window 1-(2x-1)^(2p)",
                                          "linear ion drift, Biolek window 1-(x-stp(-i))^(2p)",
                                          "linear ion drift, Prodromakis window j(1-((x-0.5)^2+0.75)^p)"};
    return kSummaries[static_cast<int>(w_)];
  }
  const char* state_name() const override { return "x"; }
  std::span<const ParamSpec> params() const override {
    const size_t n = w_ == Window::none ? 5 : w_ == Window::prodromakis ? 7 : 6;
    return {kSpecs, n};
  }
  std::span<const Preset> presets() const override { return presets_; }
  bool closed_form() const override { return w_ == Window::none; }
  Status validate(const double* p) const override {
    if (p[kRoff] <= p[kRon]) return error(Errc::out_of_range, std::string(name()) + ": Roff must be greater than Ron");
    return Status::ok();
  }
  double state_lo(const double*) const override { return 0; }
  double state_hi(const double*) const override { return 1; }
  double initial_state(const double* p) const override { return p[kX0]; }

  struct Pulse {
    const double* p;
    double v, dt_s, c;
    Window w;
  };
  Pulse prepare(const double* p, double v, double dt_s) const {
    const double k = p[kUv] * p[kRon] / (p[kD] * p[kD]);
    return {p, v, dt_s, 2 * k * (p[kRoff] - p[kRon]) * v * dt_s, w_};
  }
  static double step(const Pulse& k, double x) {
    if (k.v == 0 || k.dt_s <= 0) return x;
    return k.w == Window::none ? closed(k, x) : integrated(k, x);
  }
  ReadOut read(const double* p, double x, double v) const override {
    const double r = resistance(p, x);
    return {v / r, r};
  }
  Result<double> state_for_resistance(const double* p, double r, double) const override {
    if (r < p[kRon] || r > p[kRoff])
      return error(Errc::out_of_range, std::string(name()) + ": resistance " + std::to_string(r) +
                                           " ohm is outside [Ron, Roff] = [" + std::to_string(p[kRon]) + ", " +
                                           std::to_string(p[kRoff]) + "] ohm");
    return (p[kRoff] - r) / (p[kRoff] - p[kRon]);
  }

 private:
  // R(t)² = R0² − 2·k·(Roff−Ron)·V·t, stopped at the bounds Ron and Roff.
  static double closed(const Pulse& k, double x) {
    const double* p = k.p;
    const double r0 = resistance(p, x);
    const double r2 = std::clamp(r0 * r0 - k.c, p[kRon] * p[kRon], p[kRoff] * p[kRoff]);
    return std::clamp((p[kRoff] - std::sqrt(r2)) / (p[kRoff] - p[kRon]), 0.0, 1.0);
  }
  static double integrated(const Pulse& k, double x) {
    const double* p = k.p;
    const double kk = p[kUv] * p[kRon] / (p[kD] * p[kD]);
    const double pj = k.w == Window::prodromakis ? p[kJ] : 1;
    auto rate = [&](double y) {
      const double i = k.v / resistance(p, y);
      return kk * i * window_value(k.w, y, i, p[kP], pj);
    };
    return integrate_bounded(rate, x, k.dt_s, 0.0, 1.0, 1e-13);
  }
  Window w_;
  std::vector<Preset> presets_;
};

}  // namespace

double window_value(Window w, double x, double i, double p, double j) {
  switch (w) {
    case Window::none:
      return 1;
    case Window::joglekar:
      return 1 - std::pow(std::fabs(2 * x - 1), 2 * p);
    case Window::biolek: {
      const double stp = -i >= 0 ? 1.0 : 0.0;  // stp(−i): 1 when the current is negative
      return 1 - std::pow(std::fabs(x - stp), 2 * p);
    }
    case Window::prodromakis:
      return j * (1 - std::pow((x - 0.5) * (x - 0.5) + 0.75, p));
  }
  return 1;
}

const Model& linear_drift_model(Window w) {
  static const Drift kModels[] = {Drift(Window::none), Drift(Window::joglekar), Drift(Window::biolek),
                                  Drift(Window::prodromakis)};
  return kModels[static_cast<int>(w)];
}

}  // namespace ion::device
