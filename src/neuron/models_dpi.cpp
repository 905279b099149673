// SPDX-License-Identifier: Apache-2.0
// The adaptive-exponential DPI neuron of INI chips (Chicca et al. 2014; the form used by the teili
// toolbox), in currents. The membrane current I_mem follows
//   tau (1 + I_th/(I_mem + I_0)) dI_mem/dt = (I_th/I_tau)(I_in + I_a − I_shunt − I_ahp) − I_th
//                                            − (1 + (I_shunt + I_ahp − I_a)/I_tau) I_mem
// with tau = C_mem U_T/(kappa I_tau), positive feedback I_a = I_again/(1 + exp(−(I_mem − I_ath)/I_anorm)),
// adaptation dI_ahp/dt = −I_ahp/tau_ahp (tau_ahp = C_ahp U_T/(kappa I_tau_ahp)), I_ahp += I_ahp_jump per spike.
// I_shunt is an input variable (written by the owner, e.g. the chip's SHUNT synapses), not integrated.
#include <algorithm>
#include <cmath>

#include "neuron/kernels.hpp"
#include "neuron/models.hpp"
#include "neuron/population.hpp"

namespace ion::neuron {
namespace {

enum DpiP {
  kDC,
  kDItau,
  kDIth,
  kDIagain,
  kDIath,
  kDIanorm,
  kDIspk,
  kDIreset,
  kDTref,
  kDCahp,
  kDItauahp,
  kDIahpJump,
  kDI0,
  kDKappa,
  kDUt
};
enum DpiS { kDImem, kDIahp, kDIshunt };

void dpi_init(PopulationView& p) {
  for (size_t i = 0; i < p.n; ++i) {
    p.state[kDImem][i] = p.param[kDI0][i];
    p.state[kDIahp][i] = 0;
    p.state[kDIshunt][i] = 0;
  }
}

// Per-neuron constants of one step (the quotients come from dpi_derive, not from every step).
struct DpiConst {
  double inv_tau, inv_tau_ahp, inv_i_tau, gain, i_th, i_again, i_ath, inv_anorm, i0;
};

// dI_mem/dt with one division: with E = 1 + exp(−(I_mem − I_ath)/I_anorm), I_a = I_again/E, the
// numerator (drive − leak) = P + I_a·Q, and 1/(I_th/(I_mem + I_0) + 1) = S/(I_th + S), S = I_mem + I_0.
[[gnu::always_inline]] inline double dpi_dimem(const DpiConst& c, double imem, double iahp, double iin, double ishunt) {
  const double e = 1.0 + vexp(-(imem - c.i_ath) * c.inv_anorm);
  const double p = c.gain * (iin - ishunt - iahp) - c.i_th - (1.0 + (ishunt + iahp) * c.inv_i_tau) * imem;
  const double q = c.gain + imem * c.inv_i_tau;
  const double s = imem + c.i0;
  return (p * e + c.i_again * q) * c.inv_tau * s / (e * (c.i_th + s));
}

// Derived columns: DpiConst's quotients, computed once per parameter change (not per step).
enum DpiD { kDInvTau, kDInvTauAhp, kDInvItau, kDGain, kDInvAnorm, kDDerivedCount };

void dpi_derive(const PopulationView& p, double* const* d) {
  const double* const* prm = p.param;
  for (size_t i = 0; i < p.n; ++i) {
    const double inv_ut = prm[kDKappa][i] / prm[kDUt][i];
    d[kDInvTau][i] = prm[kDItau][i] * inv_ut / prm[kDC][i];
    d[kDInvTauAhp][i] = prm[kDItauahp][i] * inv_ut / prm[kDCahp][i];
    d[kDInvItau][i] = 1.0 / prm[kDItau][i];
    d[kDGain][i] = prm[kDIth][i] / prm[kDItau][i];
    d[kDInvAnorm][i] = 1.0 / prm[kDIanorm][i];
  }
}

// RK4 of every neuron in one branch-free pass (rk4_population2: two neurons per iteration;
// auto-vectorises; refractory neurons get dI_mem = 0 through a 0/1 gate). GCC honours __restrict only on function
// parameters, hence the parameter list.
ION_SIMD_CLONES void dpi_rk4(size_t n, double h, double* __restrict imem, double* __restrict iahp,
                             const double* __restrict ishunt, const double* __restrict in,
                             const int32_t* __restrict refr, const double* const* __restrict prm,
                             const double* const* __restrict der) {
  const double* __restrict ith = prm[kDIth], * __restrict iag = prm[kDIagain], * __restrict iath = prm[kDIath];
  const double* __restrict i0 = prm[kDI0], * __restrict inv_tau = der[kDInvTau];
  const double* __restrict inv_tau_ahp = der[kDInvTauAhp], * __restrict inv_itau = der[kDInvItau];
  const double* __restrict gain = der[kDGain], * __restrict inv_anorm = der[kDInvAnorm];
  auto derivative = [&](size_t i) {
    const DpiConst c{inv_tau[i], inv_tau_ahp[i], inv_itau[i], gain[i], ith[i], iag[i], iath[i], inv_anorm[i], i0[i]};
    const double iin = std::max(in[i], c.i0), sh = ishunt[i];
    const double gate = refr[i] > 0 ? 0.0 : 1.0;
    return [=](double xv, double yv, double& dx, double& dy) {
      dx = gate * dpi_dimem(c, std::max(xv, c.i0), yv, iin, sh);
      dy = -yv * c.inv_tau_ahp;
    };
  };
  rk4_population2(n, h, imem, iahp, derivative, [&](size_t i, double x, double y) {
    imem[i] = std::max(x, i0[i]);
    iahp[i] = y;
  });
}

void dpi_integrate(PopulationView& p) {
  dpi_rk4(p.n, p.dt_s, p.state[kDImem], p.state[kDIahp], p.state[kDIshunt], p.input_a, p.refractory_steps, p.param,
          p.derived);
}

void dpi_step(PopulationView& p) {
  dpi_integrate(p);
  double *imem = p.state[kDImem], *iahp = p.state[kDIahp];
  for (size_t i = 0; i < p.n; ++i) {
    if (p.refractory_steps[i] > 0) {
      --p.refractory_steps[i];
      continue;
    }
    if (imem[i] > p.param[kDIspk][i]) {
      imem[i] = p.param[kDIreset][i];
      iahp[i] += p.param[kDIahpJump][i];
      p.spiked->push_back(static_cast<uint32_t>(i));
      p.refractory_steps[i] = refractory_steps(p.param[kDTref][i], p.dt_s) - 1;
    }
  }
}

}  // namespace

const ModelDef& dpi_model() {
  static const ModelDef kModel{
      "dpi",
      "adaptive-exponential DPI neuron of INI chips (currents; tau = C U_T/(kappa I_tau))",
      "tau (1 + I_th/(I_mem+I_0)) dI_mem/dt = (I_th/I_tau)(I_in + I_a - I_shunt - I_ahp) - I_th - "
      "(1 + (I_shunt + I_ahp - I_a)/I_tau) I_mem; I_a = I_again/(1 + exp(-(I_mem - I_ath)/I_anorm)); "
      "dI_ahp/dt = -I_ahp/tau_ahp",
      {{"C_mem", Dim::capacitance, 2e-12, "membrane capacitance", true},
       {"I_tau", Dim::current, 3.5e-12, "leak current (tau_mem ~ 20 ms)", true},
       {"I_th", Dim::current, 35e-12, "gain current (gain I_th/I_tau)", true},
       {"I_again", Dim::current, 50e-12, "positive-feedback amplitude", false},
       {"I_ath", Dim::current, 100e-12, "positive-feedback threshold", false},
       {"I_anorm", Dim::current, 20e-12, "positive-feedback slope", true},
       {"I_spkthr", Dim::current, 300e-12, "spike threshold", true},
       {"I_reset", Dim::current, 1e-12, "reset current", true},
       {"t_ref", Dim::time, 1e-3, "refractory period (I_mem clamped)", false},
       {"C_ahp", Dim::capacitance, 2e-12, "adaptation capacitance", true},
       {"I_tau_ahp", Dim::current, 1.43e-12, "adaptation leak (tau_ahp ~ 50 ms)", true},
       {"I_ahp_jump", Dim::current, 5e-12, "adaptation increment per spike", false},
       {"I_0", Dim::current, 0.5e-12, "transistor leakage (floor of every current)", true},
       {"kappa", std::nullopt, 0.7, "subthreshold slope factor", true},
       {"U_T", Dim::voltage, 25e-3, "thermal voltage", true}},
      {{"I_mem", "A", "membrane current"},
       {"I_ahp", "A", "adaptation current"},
       {"I_shunt", "A", "shunting inhibition input (set by the owner)"}},
      Integrator::rk4,
      100'000,
      500'000,
      "I_mem > I_spkthr",
      "I_mem = I_reset; I_ahp += I_ahp_jump; refractory t_ref",
      dpi_init,
      dpi_step,
      kDDerivedCount,
      dpi_derive};
  return kModel;
}

}  // namespace ion::neuron
