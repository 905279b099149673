// SPDX-License-Identifier: Apache-2.0
// Point models: current- and conductance-based LIF, AdEx (Brette–Gerstner 2005), Izhikevich (2003).
#include <cmath>

#include "neuron/kernels.hpp"
#include "neuron/models.hpp"
#include "neuron/population.hpp"

namespace ion::neuron {
namespace {

// Marks neuron i as having spiked: records it and starts its refractory period.
inline void fire(PopulationView& p, size_t i, double t_ref_s) {
  p.spiked->push_back(static_cast<uint32_t>(i));
  p.refractory_steps[i] = refractory_steps(t_ref_s, p.dt_s) - 1;
}

// Returns true (and counts down) if neuron i is refractory in this step.
inline bool in_refractory(PopulationView& p, size_t i) {
  if (p.refractory_steps[i] <= 0) return false;
  --p.refractory_steps[i];
  return true;
}

// ---- lif -------------------------------------------------------------------------------------
enum LifP { kLifC, kLifTau, kLifEL, kLifVth, kLifVr, kLifTref };

void lif_init(PopulationView& p) {
  for (size_t i = 0; i < p.n; ++i) p.state[0][i] = p.param[kLifEL][i];
}

// exp(−dt/tau), recomputed only when tau changes from one neuron to the next (homogeneous
// populations pay for one exp per step, heterogeneous ones stay exact).
struct DecayCache {
  double tau = 0, factor = 0;
  double operator()(double tau_now, double dt_s) {
    if (tau_now != tau) tau = tau_now, factor = std::exp(-dt_s / tau_now);
    return factor;
  }
};

// Branch-free count of differences (vectorises; an early-exit loop does not).
bool all_equal(const double* __restrict x, size_t n) {
  const double x0 = n ? x[0] : 0.0;
  int64_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff += (x[i] != x0);
  return diff == 0;
}

// Exact update of every neuron, branch-free so it vectorises. Refractory neurons are updated too
// and put back to V_reset by lif_threshold (a refractory LIF neuron always sits at V_reset).
void lif_integrate(PopulationView& p, double decay_all) {
  double* __restrict v = p.state[0];
  const double* __restrict c = p.param[kLifC];
  const double* __restrict tau = p.param[kLifTau];
  const double* __restrict el = p.param[kLifEL];
  const double* __restrict in = p.input_a;
  const size_t n = p.n;
  for (size_t i = 0; i < n; ++i) {
    const double v_inf = el[i] + in[i] * tau[i] / c[i];
    v[i] = v_inf + (v[i] - v_inf) * decay_all;
  }
}

// Threshold, reset and refractory countdown (pointers hoisted: no reloads through the view).
void lif_threshold(PopulationView& p) {
  double* __restrict v = p.state[0];
  int32_t* __restrict refr = p.refractory_steps;
  const double* __restrict vth = p.param[kLifVth];
  const size_t n = p.n;
  for (size_t i = 0; i < n; ++i) {
    if (refr[i] > 0) {
      v[i] = p.param[kLifVr][i];
      --refr[i];
    } else if (v[i] > vth[i]) {
      v[i] = p.param[kLifVr][i];
      fire(p, i, p.param[kLifTref][i]);
    }
  }
}

void lif_step(PopulationView& p) {
  double* v = p.state[0];
  if (p.n > 0 && all_equal(p.param[kLifTau], p.n)) {
    lif_integrate(p, std::exp(-p.dt_s / p.param[kLifTau][0]));
  } else {
    DecayCache decay;
    for (size_t i = 0; i < p.n; ++i) {
      const double tau = p.param[kLifTau][i];
      const double v_inf = p.param[kLifEL][i] + p.input_a[i] * tau / p.param[kLifC][i];
      v[i] = v_inf + (v[i] - v_inf) * decay(tau, p.dt_s);
    }
  }
  lif_threshold(p);
}

// ---- lif-cond --------------------------------------------------------------------------------
enum LifCondP { kLcC, kLcGL, kLcEL, kLcVth, kLcVr, kLcTref, kLcEe, kLcEi, kLcTauE, kLcTauI };
enum LifCondS { kLcV, kLcGe, kLcGi };

void lif_cond_init(PopulationView& p) {
  for (size_t i = 0; i < p.n; ++i) {
    p.state[kLcV][i] = p.param[kLcEL][i];
    p.state[kLcGe][i] = p.state[kLcGi][i] = 0;
  }
}

void lif_cond_step(PopulationView& p) {
  double *v = p.state[kLcV], *ge = p.state[kLcGe], *gi = p.state[kLcGi];
  DecayCache decay_e, decay_i;
  for (size_t i = 0; i < p.n; ++i) {
    double c = p.param[kLcC][i], gl = p.param[kLcGL][i];
    double a = (gl * p.param[kLcEL][i] + ge[i] * p.param[kLcEe][i] + gi[i] * p.param[kLcEi][i] + p.input_a[i]) / c;
    double b = -(gl + ge[i] + gi[i]) / c;
    ge[i] *= decay_e(p.param[kLcTauE][i], p.dt_s);
    gi[i] *= decay_i(p.param[kLcTauI][i], p.dt_s);
    if (in_refractory(p, i)) continue;
    v[i] = exp_euler(v[i], a, b, p.dt_s);
    if (v[i] > p.param[kLcVth][i]) {
      v[i] = p.param[kLcVr][i];
      fire(p, i, p.param[kLcTref][i]);
    }
  }
}

// ---- adex ------------------------------------------------------------------------------------
enum AdexP { kAxC, kAxGL, kAxEL, kAxVT, kAxDT, kAxTauW, kAxA, kAxB, kAxVr, kAxVpeak, kAxTref };

void adex_init(PopulationView& p) {
  for (size_t i = 0; i < p.n; ++i) {
    p.state[0][i] = p.param[kAxEL][i];
    p.state[1][i] = 0;
  }
}

// Derived columns: 1/C, 1/Delta_T, 1/tau_w (the kernel then has no division).
enum AdexD { kAxInvC, kAxInvDT, kAxInvTauW, kAxDerivedCount };

void adex_derive(const PopulationView& p, double* const* d) {
  for (size_t i = 0; i < p.n; ++i) {
    d[kAxInvC][i] = 1.0 / p.param[kAxC][i];
    d[kAxInvDT][i] = 1.0 / p.param[kAxDT][i];
    d[kAxInvTauW][i] = 1.0 / p.param[kAxTauW][i];
  }
}

// RK4 over every neuron in one branch-free pass (rk4_population2: two neurons per iteration;
// auto-vectorises: vexp, no calls, refractory neurons get dv = 0 through a 0/1 gate), then
// threshold, reset and refractory countdown in a second, cheap pass. A neuron is refractory in this step iff refr[i] >
// 0 before the countdown. GCC honours __restrict only on function parameters, hence the long parameter list.
ION_SIMD_CLONES void adex_rk4(size_t n, double h, double* __restrict v, double* __restrict w,
                              const double* __restrict p_inv_c, const double* __restrict p_gl,
                              const double* __restrict p_el, const double* __restrict p_vt,
                              const double* __restrict p_dtv, const double* __restrict p_inv_dtv,
                              const double* __restrict p_inv_tw, const double* __restrict p_a,
                              const double* __restrict p_in, const int32_t* __restrict refr) {
  auto derivative = [&](size_t i) {
    const double inv_c = p_inv_c[i], gl = p_gl[i], el = p_el[i], vt = p_vt[i], dt_v = p_dtv[i];
    const double inv_dt_v = p_inv_dtv[i], inv_tau_w = p_inv_tw[i], a = p_a[i], in = p_in[i];
    const double gate = refr[i] > 0 ? 0.0 : 1.0;
    return [=](double xv, double yv, double& dx, double& dy) {
      dx = gate * ((-gl * (xv - el) + gl * dt_v * vexp((xv - vt) * inv_dt_v) - yv + in) * inv_c);
      dy = (a * (xv - el) - yv) * inv_tau_w;
    };
  };
  rk4_population2(n, h, v, w, derivative, [&](size_t i, double x, double y) {
    v[i] = x;
    w[i] = y;
  });
}

void adex_integrate(PopulationView& p) {
  adex_rk4(p.n, p.dt_s, p.state[0], p.state[1], p.derived[kAxInvC], p.param[kAxGL], p.param[kAxEL], p.param[kAxVT],
           p.param[kAxDT], p.derived[kAxInvDT], p.derived[kAxInvTauW], p.param[kAxA], p.input_a, p.refractory_steps);
}

void adex_step(PopulationView& p) {
  adex_integrate(p);
  double *v = p.state[0], *w = p.state[1];
  for (size_t i = 0; i < p.n; ++i) {
    if (in_refractory(p, i)) continue;
    if (v[i] > p.param[kAxVpeak][i]) {
      v[i] = p.param[kAxVr][i];
      w[i] += p.param[kAxB][i];
      fire(p, i, p.param[kAxTref][i]);
    }
  }
}

// ---- izhikevich ------------------------------------------------------------------------------
enum IzP { kIzA, kIzB, kIzC, kIzD, kIzCap, kIzVpeak };

void izh_init(PopulationView& p) {
  for (size_t i = 0; i < p.n; ++i) {
    p.state[0][i] = p.param[kIzC][i];
    p.state[1][i] = p.param[kIzB][i] * p.param[kIzC][i];
  }
}

// Izhikevich's units inside: mV, ms; u in mV; input I/C in V/s (= mV/ms).
void izh_step(PopulationView& p) {
  double *v = p.state[0], *u = p.state[1];
  const double h_ms = p.dt_s * 1e3;
  for (size_t i = 0; i < p.n; ++i) {
    const double a = p.param[kIzA][i], b = p.param[kIzB][i], drive = p.input_a[i] / p.param[kIzCap][i];
    double vm = v[i] * 1e3, um = u[i] * 1e3;
    rk4_step2(vm, um, h_ms, [&](double x, double y, double& dx, double& dy) {
      dx = 0.04 * x * x + 5.0 * x + 140.0 - y + drive;
      dy = a * (b * x - y);
    });
    v[i] = vm * 1e-3;
    u[i] = um * 1e-3;
    if (v[i] >= p.param[kIzVpeak][i]) {
      v[i] = p.param[kIzC][i];
      u[i] += p.param[kIzD][i];
      fire(p, i, 0.0);
    }
  }
}

}  // namespace

const ModelDef& lif_model() {
  static const ModelDef kModel{"lif",
                               "leaky integrate-and-fire, current based",
                               "C_m dv/dt = C_m (E_L - v)/tau_m + I",
                               {{"C_m", Dim::capacitance, 250e-12, "membrane capacitance", true},
                                {"tau_m", Dim::time, 20e-3, "membrane time constant", true},
                                {"E_L", Dim::voltage, -70e-3, "resting potential", false},
                                {"V_th", Dim::voltage, -50e-3, "spike threshold", false},
                                {"V_reset", Dim::voltage, -65e-3, "reset potential", false},
                                {"t_ref", Dim::time, 2e-3, "absolute refractory period (v clamped)", false}},
                               {{"v", "V", "membrane potential"}},
                               Integrator::exact,
                               100'000,
                               10'000'000,
                               "v > V_th",
                               "v = V_reset; refractory for t_ref",
                               lif_init,
                               lif_step};
  return kModel;
}

const ModelDef& lif_cond_model() {
  static const ModelDef kModel{
      "lif-cond",
      "leaky integrate-and-fire, conductance based (exponential synaptic conductances)",
      "C_m dv/dt = g_L (E_L - v) + g_e (E_e - v) + g_i (E_i - v) + I; dg_e/dt = -g_e/tau_e; dg_i/dt = -g_i/tau_i",
      {{"C_m", Dim::capacitance, 200e-12, "membrane capacitance", true},
       {"g_L", Dim::conductance, 10e-9, "leak conductance", true},
       {"E_L", Dim::voltage, -60e-3, "leak reversal", false},
       {"V_th", Dim::voltage, -50e-3, "spike threshold", false},
       {"V_reset", Dim::voltage, -60e-3, "reset potential", false},
       {"t_ref", Dim::time, 5e-3, "absolute refractory period", false},
       {"E_e", Dim::voltage, 0.0, "excitatory reversal", false},
       {"E_i", Dim::voltage, -80e-3, "inhibitory reversal", false},
       {"tau_e", Dim::time, 5e-3, "excitatory conductance decay", true},
       {"tau_i", Dim::time, 10e-3, "inhibitory conductance decay", true}},
      {{"v", "V", "membrane potential"},
       {"g_e", "S", "excitatory conductance"},
       {"g_i", "S", "inhibitory conductance"}},
      Integrator::exponential_euler,
      100'000,
      1'000'000,
      "v > V_th",
      "v = V_reset; refractory for t_ref",
      lif_cond_init,
      lif_cond_step};
  return kModel;
}

const ModelDef& adex_model() {
  static const ModelDef kModel{
      "adex",
      "adaptive exponential integrate-and-fire (Brette & Gerstner 2005)",
      "C dv/dt = -g_L (v - E_L) + g_L Delta_T exp((v - V_T)/Delta_T) - w + I; tau_w dw/dt = a (v - E_L) - w",
      {{"C", Dim::capacitance, 281e-12, "membrane capacitance", true},
       {"g_L", Dim::conductance, 30e-9, "leak conductance", true},
       {"E_L", Dim::voltage, -70.6e-3, "leak reversal", false},
       {"V_T", Dim::voltage, -50.4e-3, "threshold slope midpoint", false},
       {"Delta_T", Dim::voltage, 2e-3, "slope factor", true},
       {"tau_w", Dim::time, 144e-3, "adaptation time constant", true},
       {"a", Dim::conductance, 4e-9, "subthreshold adaptation", false},
       {"b", Dim::current, 80.5e-12, "spike-triggered adaptation", false},
       {"V_reset", Dim::voltage, -70.6e-3, "reset potential", false},
       {"V_peak", Dim::voltage, -40.4e-3, "spike cut (V_T + 5 Delta_T)", false},
       {"t_ref", Dim::time, 0.0, "refractory period (v clamped)", false}},
      {{"v", "V", "membrane potential"}, {"w", "A", "adaptation current"}},
      Integrator::rk4,
      100'000,
      500'000,
      "v > V_peak",
      "v = V_reset; w += b",
      adex_init,
      adex_step,
      kAxDerivedCount,
      adex_derive};
  return kModel;
}

const ModelDef& izhikevich_model() {
  static const ModelDef kModel{
      "izhikevich",
      "Izhikevich (2003) simple model, regular spiking by default",
      "dv/dt = (0.04 v^2 + 5 v + 140 - u + I/C) per ms (v, u in mV); du/dt = a (b v - u) per ms",
      {{"a", std::nullopt, 0.02, "recovery rate (1/ms)", false},
       {"b", std::nullopt, 0.2, "recovery sensitivity", false},
       {"c", Dim::voltage, -65e-3, "reset potential", false},
       {"d", Dim::voltage, 8e-3, "recovery increment (mV, added to u)", false},
       {"C", Dim::capacitance, 1e-12, "input scale: I/C in V/s is Izhikevich's I in mV/ms (1 pA ~ 1)", true},
       {"V_peak", Dim::voltage, 30e-3, "spike cut", false}},
      {{"v", "V", "membrane potential"}, {"u", "V", "recovery variable (Izhikevich's mV)"}},
      Integrator::rk4,
      100'000,
      250'000,
      "v >= V_peak",
      "v = c; u += d",
      izh_init,
      izh_step};
  return kModel;
}

}  // namespace ion::neuron
