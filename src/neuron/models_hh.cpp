// SPDX-License-Identifier: Apache-2.0
// Hodgkin–Huxley models: the classic squid axon (1952, modern sign convention, rest −65 mV) and a
// hippocampal/cortical Traub–Miles set (as in Brian2's COBAHH example). Rates in 1/ms with v in mV.
// Integration: exponential Euler, every variable from the values at the start of the step
// (the scheme Brian2 calls 'exponential_euler').
#include <cmath>

#include "neuron/kernels.hpp"
#include "neuron/models.hpp"
#include "neuron/population.hpp"

namespace ion::neuron {
namespace {

enum HhP { kHC, kHGNa, kHGK, kHGL, kHENa, kHEK, kHEL, kHVspike, kHVinit, kHVT };
enum HhS { kHV, kHM, kHH, kHN };

struct Rates {
  double am, bm, ah, bh, an, bn;
};

Rates squid_rates(double v_mv, double /*vt_mv*/) {
  Rates r;
  r.am = 1.0 / exprel(-(v_mv + 40.0) / 10.0);
  r.bm = 4.0 * std::exp(-(v_mv + 65.0) / 18.0);
  r.ah = 0.07 * std::exp(-(v_mv + 65.0) / 20.0);
  r.bh = 1.0 / (1.0 + std::exp(-(v_mv + 35.0) / 10.0));
  r.an = 0.1 / exprel(-(v_mv + 55.0) / 10.0);
  r.bn = 0.125 * std::exp(-(v_mv + 65.0) / 80.0);
  return r;
}

Rates traub_rates(double v_mv, double vt_mv) {
  Rates r;
  r.am = 0.32 * 4.0 / exprel((13.0 - v_mv + vt_mv) / 4.0);
  r.bm = 0.28 * 5.0 / exprel((v_mv - vt_mv - 40.0) / 5.0);
  r.ah = 0.128 * std::exp((17.0 - v_mv + vt_mv) / 18.0);
  r.bh = 4.0 / (1.0 + std::exp((40.0 - v_mv + vt_mv) / 5.0));
  r.an = 0.032 * 5.0 / exprel((15.0 - v_mv + vt_mv) / 5.0);
  r.bn = 0.5 * std::exp((10.0 - v_mv + vt_mv) / 40.0);
  return r;
}

template <Rates (*R)(double, double)>
void hh_init(PopulationView& p) {
  for (size_t i = 0; i < p.n; ++i) {
    double v = p.param[kHVinit][i];
    Rates r = R(v * 1e3, p.param[kHVT][i] * 1e3);
    p.state[kHV][i] = v;
    p.state[kHM][i] = r.am / (r.am + r.bm);
    p.state[kHH][i] = r.ah / (r.ah + r.bh);
    p.state[kHN][i] = r.an / (r.an + r.bn);
  }
}

// Gate x with dx/dt = a(1 − x) − b·x, rates in 1/ms, step in ms.
inline double gate_step(double x, double a, double b, double h_ms) { return exp_euler(x, a, -(a + b), h_ms); }

template <Rates (*R)(double, double)>
void hh_step(PopulationView& p) {
  double *v = p.state[kHV], *m = p.state[kHM], *h = p.state[kHH], *n = p.state[kHN];
  const double h_ms = p.dt_s * 1e3;
  for (size_t i = 0; i < p.n; ++i) {
    const double c = p.param[kHC][i];
    const double g_na = p.param[kHGNa][i] * m[i] * m[i] * m[i] * h[i];
    const double g_k = p.param[kHGK][i] * n[i] * n[i] * n[i] * n[i];
    const double g_l = p.param[kHGL][i];
    const double a = (g_l * p.param[kHEL][i] + g_na * p.param[kHENa][i] + g_k * p.param[kHEK][i] + p.input_a[i]) / c;
    const double b = -(g_l + g_na + g_k) / c;
    const double v_old = v[i];
    Rates r = R(v_old * 1e3, p.param[kHVT][i] * 1e3);
    v[i] = exp_euler(v_old, a, b, p.dt_s);
    m[i] = gate_step(m[i], r.am, r.bm, h_ms);
    h[i] = gate_step(h[i], r.ah, r.bh, h_ms);
    n[i] = gate_step(n[i], r.an, r.bn, h_ms);
    // Upward crossing of V_spike (Brian2: threshold 'v > V_spike', refractory 'v > V_spike').
    const double th = p.param[kHVspike][i];
    if (v[i] > th && !(v_old > th)) p.spiked->push_back(static_cast<uint32_t>(i));
  }
}

std::vector<ParamDef> hh_params(double g_na, double g_k, double g_l, double e_na, double e_k, double e_l, double v_init,
                                double v_t) {
  return {{"C_m", Dim::capacitance, 200e-12, "membrane capacitance (1 uF/cm2 x 20000 um2)", true},
          {"g_Na", Dim::conductance, g_na, "sodium conductance", false},
          {"g_K", Dim::conductance, g_k, "potassium (delayed rectifier) conductance", false},
          {"g_L", Dim::conductance, g_l, "leak conductance", false},
          {"E_Na", Dim::voltage, e_na, "sodium reversal", false},
          {"E_K", Dim::voltage, e_k, "potassium reversal", false},
          {"E_L", Dim::voltage, e_l, "leak reversal", false},
          {"V_spike", Dim::voltage, -20e-3, "spike detection level (upward crossing)", false},
          {"V_init", Dim::voltage, v_init, "initial potential (gates start at steady state)", false},
          {"V_T", Dim::voltage, v_t, "rate offset (Traub–Miles only)", false}};
}

const std::vector<StateDef> kHhStates{{"v", "V", "membrane potential"},
                                      {"m", "1", "Na activation"},
                                      {"h", "1", "Na inactivation"},
                                      {"n", "1", "K activation"}};

}  // namespace

const ModelDef& hh_model() {
  static const ModelDef kModel{
      "hh",
      "Hodgkin–Huxley squid giant axon (1952), 20000 um2 patch",
      "C dv/dt = g_L (E_L - v) + g_Na m^3 h (E_Na - v) + g_K n^4 (E_K - v) + I; dx/dt = a_x(v)(1 - x) - b_x(v) x",
      hh_params(24e-6, 7.2e-6, 60e-9, 50e-3, -77e-3, -54.387e-3, -65e-3, 0.0),
      kHhStates,
      Integrator::exponential_euler,
      25'000,
      50'000,
      "v crosses V_spike upwards",
      "none (the dynamics repolarise)",
      hh_init<squid_rates>,
      hh_step<squid_rates>};
  return kModel;
}

const ModelDef& hh_hippocampal_model() {
  static const ModelDef kModel{"hh-hippocampal",
                               "Hodgkin–Huxley with Traub–Miles hippocampal kinetics (Brian2 COBAHH), 20000 um2",
                               "as hh, rates of Traub & Miles (1991) shifted by V_T",
                               hh_params(20e-6, 6e-6, 10e-9, 50e-3, -90e-3, -60e-3, -60e-3, -63e-3),
                               kHhStates,
                               Integrator::exponential_euler,
                               25'000,
                               50'000,
                               "v crosses V_spike upwards",
                               "none (the dynamics repolarise)",
                               hh_init<traub_rates>,
                               hh_step<traub_rates>};
  return kModel;
}

}  // namespace ion::neuron
