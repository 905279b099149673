// SPDX-License-Identifier: Apache-2.0
// Unit tests of the neuron models: analytic cases, refractoriness, reset, integrator order, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "neuron/model.hpp"
#include "neuron/population.hpp"

namespace ion::neuron {
namespace {

Population make(const std::string& model, Duration dt, std::vector<std::string> overrides = {}, size_t n = 1) {
  const ModelDef& m = *find_model(model).value();
  auto params = resolve_params(m, overrides);
  EXPECT_TRUE(params.is_ok()) << params.status().to_string();
  return Population::create(m, n, dt, *params).value();
}

// Runs with a constant current and returns spike times (ns) of neuron 0.
std::vector<Time> spikes_under(Population& pop, double i_a, Duration duration) {
  std::vector<Time> out;
  for (double& x : pop.input_current()) x = i_a;
  const int64_t steps = duration / pop.dt();
  for (int64_t k = 0; k < steps; ++k) {
    pop.step();
    for (uint32_t i : pop.spikes())
      if (i == 0) out.push_back(pop.last_step_time());
  }
  return out;
}

double state0(Population& pop, const char* name) { return pop.state(name).value()[0]; }

TEST(Lif, InterspikeIntervalMatchesFormula) {
  for (Duration dt : {Duration{100'000}, Duration{10'000}}) {
    auto pop = make("lif", dt);
    const double c = 250e-12, tau = 20e-3, el = -70e-3, vth = -50e-3, vr = -65e-3, tref = 2e-3, i = 400e-12;
    const double v_inf = el + i * tau / c;
    const double isi_s = tref + tau * std::log((v_inf - vr) / (v_inf - vth));
    auto t = spikes_under(pop, i, kSecond);
    ASSERT_GE(t.size(), 10u);
    for (size_t k = 2; k < t.size(); ++k) EXPECT_NEAR(to_seconds(t[k] - t[k - 1]), isi_s, to_seconds(dt) * 1.001);
    double mean_isi = to_seconds(t.back() - t[1]) / static_cast<double>(t.size() - 2);
    EXPECT_NEAR(mean_isi, isi_s, to_seconds(dt));  // intervals are quantised to the step
  }
}

TEST(Lif, SubthresholdSteadyStateAndExactness) {
  auto pop = make("lif", 100'000);
  EXPECT_TRUE(spikes_under(pop, 100e-12, 50 * kMillisecond).empty());
  // Exact integration: v(t) = v_inf + (E_L − v_inf) e^(−t/tau) to rounding.
  const double v_inf = -70e-3 + 100e-12 * 20e-3 / 250e-12;
  EXPECT_NEAR(state0(pop, "v"), v_inf + (-70e-3 - v_inf) * std::exp(-0.05 / 0.02), 1e-12);
  (void)spikes_under(pop, 100e-12, kSecond);
  EXPECT_NEAR(state0(pop, "v"), v_inf, 1e-9);
}

TEST(Lif, RefractoryPeriodBoundsTheRate) {
  auto pop = make("lif", 100'000, {"t_ref=5ms"});
  auto t = spikes_under(pop, 1e-6, 100 * kMillisecond);  // strong drive: fires as soon as allowed
  ASSERT_GE(t.size(), 10u);
  for (size_t k = 1; k < t.size(); ++k) EXPECT_EQ(t[k] - t[k - 1], 5 * kMillisecond);
}

TEST(Lif, ResetsAndClampsWhileRefractory) {
  auto pop = make("lif", 100'000, {"t_ref=1ms"});
  for (double& x : pop.input_current()) x = 1e-6;
  pop.step();
  ASSERT_EQ(pop.spikes().size(), 1u);
  EXPECT_DOUBLE_EQ(state0(pop, "v"), -65e-3);
  for (int k = 0; k < 9; ++k) {
    pop.step();
    EXPECT_TRUE(pop.spikes().empty());
    EXPECT_DOUBLE_EQ(state0(pop, "v"), -65e-3) << "step " << k;
  }
  pop.step();
  EXPECT_EQ(pop.spikes().size(), 1u);
}

TEST(Adex, SubthresholdSteadyStateSolvesTheFixedPoint) {
  auto pop = make("adex", 100'000);
  const double i = 200e-12, gl = 30e-9, el = -70.6e-3, vt = -50.4e-3, delta_t = 2e-3, a = 4e-9;
  auto f = [&](double v) { return -gl * (v - el) + gl * delta_t * std::exp((v - vt) / delta_t) - a * (v - el) + i; };
  double lo = el, hi = vt;  // f(lo) > 0 > f(hi) for a subthreshold current
  for (int k = 0; k < 200; ++k) (f(0.5 * (lo + hi)) > 0 ? lo : hi) = 0.5 * (lo + hi);
  EXPECT_TRUE(spikes_under(pop, i, 3 * kSecond).empty());
  EXPECT_NEAR(state0(pop, "v"), lo, 1e-7);
  EXPECT_NEAR(state0(pop, "w"), a * (lo - el), 1e-14);
}

TEST(Adex, ResetAddsSpikeTriggeredAdaptation) {
  auto pop = make("adex", 100'000);
  for (double& x : pop.input_current()) x = 2e-9;
  double w_before = 0;
  for (int k = 0; k < 10000 && pop.spikes().empty(); ++k) {
    w_before = state0(pop, "w");
    pop.step();
  }
  ASSERT_EQ(pop.spikes().size(), 1u);
  EXPECT_DOUBLE_EQ(state0(pop, "v"), -70.6e-3);
  EXPECT_GT(state0(pop, "w") - w_before, 80.5e-12 * 0.9);  // b plus one step of subthreshold drift
  EXPECT_LT(state0(pop, "w") - w_before, 80.5e-12 * 1.1);
}

TEST(Adex, AdaptationLengthensIntervals) {
  auto pop = make("adex", 100'000);
  auto t = spikes_under(pop, 0.8e-9, kSecond);
  ASSERT_GE(t.size(), 5u);
  EXPECT_GT(t[4] - t[3], t[1] - t[0]);
}

TEST(Izhikevich, RestsAtTheLowerFixedPoint) {
  auto pop = make("izhikevich", 100'000);
  EXPECT_TRUE(spikes_under(pop, 0, kSecond).empty());
  EXPECT_NEAR(state0(pop, "v"), -70e-3, 1e-6);  // 0.04v² + 4.8v + 140 = 0 → v = −70 mV
}

TEST(Izhikevich, RegularSpikingFiresAndResets) {
  auto pop = make("izhikevich", 100'000);
  auto t = spikes_under(pop, 10e-12, kSecond);
  EXPECT_GE(t.size(), 5u);
  EXPECT_LT(state0(pop, "v"), 30e-3);
}

TEST(Hh, RestsNearMinus65mV) {
  auto pop = make("hh", 25'000);
  EXPECT_TRUE(spikes_under(pop, 0, 200 * kMillisecond).empty());
  EXPECT_NEAR(state0(pop, "v"), -65e-3, 0.2e-3);
}

TEST(Hh, FiresRepetitivelyAboveRheobase) {
  auto pop = make("hh", 25'000);
  auto t = spikes_under(pop, 2e-9, 500 * kMillisecond);
  EXPECT_GE(t.size(), 20u);
  for (size_t k = 1; k < t.size(); ++k) EXPECT_GT(t[k] - t[k - 1], 5 * kMillisecond);
}

// Final v after 50 ms of a subthreshold step (no spikes), for the order check.
double final_v(const std::string& model, Duration dt, double i_a) {
  auto pop = make(model, dt);
  auto t = spikes_under(pop, i_a, 50 * kMillisecond);
  EXPECT_TRUE(t.empty());
  return state0(pop, "v");
}

// Error ratio between dt and dt/2 against a fine reference: 2^order.
double error_ratio(const std::string& model, Duration dt, double i_a) {
  const double ref = final_v(model, dt / 16, i_a);
  return std::fabs(final_v(model, dt, i_a) - ref) / std::fabs(final_v(model, dt / 2, i_a) - ref);
}

TEST(Integrators, Rk4IsFourthOrder) {
  EXPECT_NEAR(error_ratio("adex", 400'000, 400e-12), 16.0, 3.0);
  EXPECT_NEAR(error_ratio("izhikevich", 200'000, 1e-12), 16.0, 3.0);
}

TEST(Integrators, ExponentialEulerIsFirstOrder) { EXPECT_NEAR(error_ratio("hh", 40'000, 0.1e-9), 2.0, 0.4); }

TEST(Population, HeterogeneousParametersActPerNeuron) {
  const ModelDef& m = *find_model("lif").value();
  auto pop = Population::create(m, 2, 100'000).value();
  pop.param("V_th").value()[1] = -55e-3;
  auto single = make("lif", 100'000, {"V_th=-55mV"});
  for (double& x : pop.input_current()) x = 400e-12;
  for (double& x : single.input_current()) x = 400e-12;
  std::vector<Time> t0, t1, ts;
  for (int k = 0; k < 5000; ++k) {
    pop.step();
    single.step();
    for (uint32_t i : pop.spikes()) (i == 0 ? t0 : t1).push_back(pop.last_step_time());
    for (uint32_t i : single.spikes()) (void)i, ts.push_back(single.last_step_time());
  }
  EXPECT_EQ(t1, ts);
  EXPECT_GT(t1.size(), t0.size());
}

// Models with derived constants (adex: 1/C, 1/Delta_T, 1/tau_w; dpi: its quotients) must see a
// parameter edited between steps: after the edit, the population evolves exactly like one that
// was created with the new value and given the same state.
TEST(Population, ParameterEditsBetweenStepsReachDerivedConstants) {
  struct Case {
    const char* model;
    const char* param;
    double value;
    std::string override_text;
    double input_a;
  };
  for (const Case& c :
       {Case{"adex", "C", 200e-12, "C=200pF", 0.8e-9}, Case{"adex", "tau_w", 50e-3, "tau_w=50ms", 0.8e-9},
        Case{"dpi", "I_tau", 5e-12, "I_tau=5pA", 200e-12}, Case{"dpi", "C_ahp", 1e-12, "C_ahp=1pF", 200e-12}}) {
    auto edited = make(c.model, 100'000);
    auto fresh = make(c.model, 100'000, {c.override_text});
    edited.input_current()[0] = fresh.input_current()[0] = c.input_a;
    for (int k = 0; k < 2000; ++k) edited.step();
    edited.param(c.param).value()[0] = c.value;
    for (size_t s = 0; s < edited.model().states.size(); ++s) fresh.state_column(s)[0] = edited.state_column(s)[0];
    size_t spikes = 0;
    for (int k = 0; k < 3000; ++k) {
      edited.step();
      fresh.step();
      ASSERT_EQ(edited.spikes().size(), fresh.spikes().size()) << c.model << " " << c.param << " step " << k;
      spikes += edited.spikes().size();
      for (size_t s = 0; s < edited.model().states.size(); ++s)
        ASSERT_EQ(edited.state_column(s)[0], fresh.state_column(s)[0]) << c.model << " " << c.param << " step " << k;
    }
    EXPECT_GT(spikes, 0u) << c.model << ": the comparison should cover spikes";
  }
}

// The RK4 kernels advance two neurons per iteration (i and i + n/2) and an odd last one alone:
// every neuron of a population must follow exactly (same bits) the trajectory it has alone.
TEST(Population, EveryNeuronEvolvesAsItWouldAlone) {
  for (const char* model : {"adex", "dpi", "izhikevich", "hh"}) {
    const ModelDef& m = *find_model(model).value();
    const Duration dt = m.default_dt_ns;
    const size_t n = 7;
    auto pop = Population::create(m, n, dt).value();
    std::vector<Population> alone;
    const double unit = std::string(model) == "dpi" ? 100e-12 : 0.3e-9;
    for (size_t i = 0; i < n; ++i) {
      alone.push_back(Population::create(m, 1, dt).value());
      alone[i].input_current()[0] = pop.input_current()[i] = unit * static_cast<double>(i);
    }
    size_t spikes = 0;
    for (int k = 0; k < 4000; ++k) {
      pop.step();
      spikes += pop.spikes().size();
      for (size_t i = 0; i < n; ++i) {
        alone[i].step();
        for (size_t s = 0; s < m.states.size(); ++s)
          ASSERT_EQ(pop.state_column(s)[i], alone[i].state_column(s)[0]) << model << " neuron " << i << " step " << k;
      }
    }
    EXPECT_GT(spikes, 0u) << model;
  }
}

TEST(Registry, ListsEveryModelWithDocumentedDefaults) {
  std::vector<std::string> names;
  for (const ModelDef* m : all_models()) {
    names.push_back(m->name);
    EXPECT_TRUE(validate_params(*m, m->default_params()).is_ok()) << m->name;
    EXPECT_TRUE(validate_dt(*m, m->default_dt_ns).is_ok()) << m->name;
    for (const auto& p : m->params) EXPECT_FALSE(p.doc.empty()) << m->name << "." << p.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"lif", "lif-cond", "adex", "izhikevich", "hh", "hh-hippocampal", "dpi"}));
}

TEST(Errors, UnknownModelNamesTheKnownOnes) {
  auto r = find_model("adexx");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("unknown neuron model \"adexx\""), std::string::npos);
  EXPECT_NE(r.status().message().find("adex, izhikevich"), std::string::npos);
}

TEST(Errors, OverridesAreCheckedForNameUnitAndForm) {
  const ModelDef& m = *find_model("adex").value();
  auto unknown = resolve_params(m, std::vector<std::string>{"q=4nS"});
  EXPECT_NE(unknown.status().message().find("unknown parameter \"q\" for neuron model \"adex\""), std::string::npos);
  auto unit = resolve_params(m, std::vector<std::string>{"a=4pA"});
  EXPECT_NE(unit.status().message().find("parameter \"a\" of neuron model \"adex\""), std::string::npos);
  EXPECT_NE(unit.status().message().find("conductance"), std::string::npos);
  auto bare = resolve_params(m, std::vector<std::string>{"a=4"});
  EXPECT_NE(bare.status().message().find("missing unit"), std::string::npos);
  auto form = resolve_params(m, std::vector<std::string>{"a:4nS"});
  EXPECT_NE(form.status().message().find("name=value"), std::string::npos);
  auto neg = resolve_params(m, std::vector<std::string>{"C=-1pF"});
  EXPECT_NE(neg.status().message().find("must be > 0"), std::string::npos);
  auto ok = resolve_params(m, std::vector<std::string>{"a=2nS", "b=0.1nA"});
  ASSERT_TRUE(ok.is_ok());
  EXPECT_DOUBLE_EQ((*ok)[*m.param_index("b")], 0.1e-9);
  const ModelDef& izh = *find_model("izhikevich").value();
  EXPECT_FALSE(resolve_params(izh, std::vector<std::string>{"a=0.02mV"}).is_ok());
  EXPECT_TRUE(resolve_params(izh, std::vector<std::string>{"a=0.1"}).is_ok());
}

TEST(Errors, DtTooLargeForTheModel) {
  const ModelDef& hh = *find_model("hh").value();
  auto r = Population::create(hh, 1, 100'000);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("dt 100us is too large for neuron model \"hh\""), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(Population::create(hh, 1, 0).is_ok());
  EXPECT_TRUE(Population::create(hh, 1, 25'000).is_ok());
}

}  // namespace
}  // namespace ion::neuron
