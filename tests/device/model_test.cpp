// SPDX-License-Identifier: Apache-2.0
// Closed-form and analytical checks of every memristor model.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "core/prng.hpp"
#include "device/memristor.hpp"
#include "device/models_internal.hpp"

namespace ion::device {
namespace {

Memristor make(const char* model, const char* preset = "") {
  auto m = Memristor::create(model, preset);
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  return std::move(m).value();
}

// Classic RK4 with a fixed fine step: the independent reference for the closed forms.
double rk4(const std::function<double(double)>& f, double y, double t, int n) {
  const double h = t / n;
  for (int i = 0; i < n; ++i) {
    const double k1 = f(y), k2 = f(y + h / 2 * k1), k3 = f(y + h / 2 * k2), k4 = f(y + h * k3);
    y += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return y;
}

TEST(Window, ValuesAtZeroHalfOneForBothCurrentSigns) {
  for (double i : {+1e-3, -1e-3}) {
    EXPECT_DOUBLE_EQ(window_value(Window::joglekar, 0, i, 1, 1), 0);
    EXPECT_DOUBLE_EQ(window_value(Window::joglekar, 0.5, i, 1, 1), 1);
    EXPECT_DOUBLE_EQ(window_value(Window::joglekar, 1, i, 1, 1), 0);
    EXPECT_DOUBLE_EQ(window_value(Window::prodromakis, 0, i, 1, 1), 0);
    EXPECT_DOUBLE_EQ(window_value(Window::prodromakis, 0.5, i, 1, 1), 0.25);
    EXPECT_DOUBLE_EQ(window_value(Window::prodromakis, 1, i, 1, 1), 0);
    EXPECT_DOUBLE_EQ(window_value(Window::prodromakis, 0.5, i, 2, 3), 3 * (1 - 0.5625));
    EXPECT_DOUBLE_EQ(window_value(Window::biolek, 0.5, i, 1, 1), 0.75);
  }
  // Biolek: positive current (x rising) stops at x = 1, negative current stops at x = 0.
  EXPECT_DOUBLE_EQ(window_value(Window::biolek, 0, +1e-3, 1, 1), 1);
  EXPECT_DOUBLE_EQ(window_value(Window::biolek, 1, +1e-3, 1, 1), 0);
  EXPECT_DOUBLE_EQ(window_value(Window::biolek, 0, -1e-3, 1, 1), 0);
  EXPECT_DOUBLE_EQ(window_value(Window::biolek, 1, -1e-3, 1, 1), 1);
  EXPECT_DOUBLE_EQ(window_value(Window::joglekar, 0.25, 1, 2, 1), 1 - std::pow(0.5, 4));
}

TEST(LinearDrift, ConstantVoltageClosedForm) {
  auto m = make("linear-drift");
  const double ron = 100, roff = 16e3, k = 1e-14 * ron / (10e-9 * 10e-9);
  const double r0 = m.read(0.1).resistance_ohm;
  for (double v : {+1.0, -0.5}) {
    auto d = m;
    ASSERT_TRUE(d.set_resistance(8000, 0.1).is_ok());
    const double t = 0.05;
    d.apply_s(v, t);
    const double expect = std::sqrt(8000.0 * 8000 - 2 * k * (roff - ron) * v * t);
    EXPECT_NEAR(d.read(0.1).resistance_ohm, expect, 1e-9 * expect) << v;
  }
  // Long positive drive saturates exactly at Ron; long negative at Roff.
  m.apply_s(+5, 10);
  EXPECT_DOUBLE_EQ(m.state(), 1);
  m.apply_s(-5, 10);
  EXPECT_DOUBLE_EQ(m.state(), 0);
  EXPECT_GT(r0, ron);
}

TEST(LinearDrift, JoglekarMatchesImplicitSolution) {
  // p = 1: 4·k·V·t = [Roff·ln x − Ron·ln(1−x)] from x0 to x.
  auto m = make("joglekar");
  const double ron = 100, roff = 16e3, k = 1e-14 * ron / 1e-16;
  for (double v : {+1.0, -1.0}) {
    auto d = m;
    ASSERT_TRUE(d.set_state(0.4).is_ok());
    const double t = 0.2;
    d.apply_s(v, t);
    auto primitive = [&](double x) { return roff * std::log(x) - ron * std::log(1 - x); };
    EXPECT_NEAR(primitive(d.state()) - primitive(0.4), 4 * k * v * t, 1e-6 * std::fabs(4 * k * v * t)) << v;
  }
}

TEST(LinearDrift, WindowedPulsesCompose) {
  for (const char* name : {"joglekar", "biolek", "prodromakis"}) {
    auto a = make(name), b = make(name);
    a.apply_s(2.0, 0.3);
    for (int i = 0; i < 3; ++i) b.apply_s(2.0, 0.1);
    EXPECT_NEAR(a.state(), b.state(), 1e-9) << name;
  }
}

TEST(Vteam, NoChangeBelowThresholdAndClosedFormAbove) {
  auto m = make("vteam");
  const double w0 = m.state();
  for (double v : {0.019, 0.0, -0.19, 0.02, -0.2}) {
    m.apply_s(v, 1.0);
    EXPECT_EQ(m.state(), w0) << v;
  }
  m.apply_s(0.021, 1e-6);  // k_off·(v/v_off − 1)^1·t
  EXPECT_NEAR(m.state(), w0 + 5e-4 * (0.021 / 0.02 - 1) * 1e-6, 1e-22);
  m.apply_s(-0.21, 1e-8);  // k_on·(v/v_on − 1)^3·t
  EXPECT_NEAR(m.state(), w0 + 5e-4 * 0.05 * 1e-6 - 10 * std::pow(0.05, 3) * 1e-8, 1e-22);
  m.apply_s(5, 1);
  EXPECT_EQ(m.state(), 3e-9);
  EXPECT_DOUBLE_EQ(m.read(0.1).resistance_ohm, 1000);
}

TEST(Yakopcic, NoChangeBelowThresholdAndLinearBelowWindow) {
  auto m = make("yakopcic");
  const double x0 = m.state();
  for (double v : {0.16, 0.1, -0.15, 0.0}) {
    m.apply_s(v, 1.0);
    EXPECT_EQ(m.state(), x0) << v;
  }
  // Below xp the window is 1, so x grows at the constant rate g(V).
  const double g = 4000 * (std::exp(0.5) - std::exp(0.16));
  const double t = (0.25 - x0) / g;
  m.apply_s(0.5, t);
  EXPECT_NEAR(m.state(), 0.25, 1e-10);
  // Above xp: compare with a fine RK4 of dx/dt = g·e^(−(x−0.3))·((0.3−x)/0.7 + 1).
  auto f = [&](double x) { return x >= 0.3 ? g * std::exp(-(x - 0.3)) * ((0.3 - x) / 0.7 + 1) : g; };
  ASSERT_TRUE(m.set_state(0.35).is_ok());
  m.apply_s(0.5, 2e-4);
  EXPECT_NEAR(m.state(), rk4(f, 0.35, 2e-4, 20000), 1e-9);
}

TEST(Compact, ClosedFormMatchesIntegrationAndStopsAtBound) {
  auto m = make("compact");
  for (double v : {+1.0, -1.0}) {
    const double r0 = 7000;
    const double s = v > 0 ? 11.483 * std::expm1(1 / 1.731) : -11.483 * std::expm1(1 / 1.731);
    const double r = v > 0 ? 9000 + 500 * v : 5000 + 500 * v;
    auto f = [&](double res) { return s * (r - res) * (r - res); };
    auto d = m;
    ASSERT_TRUE(d.set_state(r0).is_ok());
    d.apply_s(v, 1e-4);
    EXPECT_NEAR(d.state(), rk4(f, r0, 1e-4, 10000), 1e-7) << v;
    const double su = s * 1e-4 * (r - r0);
    EXPECT_NEAR(d.state(), (r0 + su * r) / (1 + su), 1e-9);
    d.apply_s(v, 100);  // approaches r(v) but never passes it
    EXPECT_NEAR(d.state(), r, 1e-2);
    EXPECT_TRUE(v > 0 ? d.state() <= r : d.state() >= r);
  }
  // Past the bound nothing happens; the direction flag reverses the motion.
  ASSERT_TRUE(m.set_state(9600).is_ok());
  m.apply_s(1.0, 1e-3);
  EXPECT_EQ(m.state(), 9600);
  ASSERT_TRUE(m.set_param("dir", -1).is_ok());
  ASSERT_TRUE(m.set_state(9600).is_ok());
  m.apply_s(1.0, 1e-4);
  EXPECT_LT(m.state(), 9600);
  EXPECT_GT(m.state(), 9500);
}

TEST(DataDriven, ClosedFormsMatchIntegrationForBothPolarities) {
  for (const char* preset : {"tiox-dut1", "tiox-dut2"}) {
    auto m = make("data-driven", preset);
    const double* p = m.params().data();
    for (double v : {+0.8, +1.0, -0.8, -1.0}) {
      const bool pos = v > 0;
      const double s = pos ? p[2] * std::expm1(p[4] * v) : p[3] * std::expm1(-p[5] * v);
      const double k = pos ? p[6] : p[7];
      const double r = pos ? p[8] + p[9] * v : p[10] + p[11] * v;
      const double r0 = pos ? r - 2.5 / k : r + 2.5 / k;  // k·d = 2.5: not stiff for RK4
      auto f = [&](double res) {
        const double d = pos ? r - res : res - r;
        return d > 0 ? s * std::expm1(k * d) : 0.0;
      };
      auto d = m;
      ASSERT_TRUE(d.set_state(r0).is_ok());
      d.apply_s(v, 1e-4);
      const double ref = rk4(f, r0, 1e-4, 20000);
      EXPECT_NEAR(d.state(), ref, 1e-6 * std::fabs(ref - r0) + 1e-6) << preset << " " << v;
      EXPECT_NE(d.state(), r0) << preset << " " << v;
      EXPECT_TRUE(pos ? d.state() <= r : d.state() >= r);
    }
  }
}

TEST(DataDriven, ReadFollowsSinhLaw) {
  auto m = make("data-driven", "tiox-dut2");
  ASSERT_TRUE(m.set_state(12000).is_ok());
  const ReadOut r = m.read(0.5);
  EXPECT_NEAR(r.current_a, 0.24 * std::sinh(2.81 * 0.5) / 12000, 1e-15);
  EXPECT_NEAR(r.resistance_ohm, 0.5 / r.current_a, 1e-9);
  ASSERT_TRUE(m.set_resistance(12000, 0.5).is_ok());
  EXPECT_NEAR(m.read(0.5).resistance_ohm, 12000, 1e-6);
}

TEST(AllModels, ZeroVoltageLeavesStateAndRandomPulsesStayInBounds) {
  Rng rng(42);
  for (const Model* model : all_models()) {
    for (const Preset& pr : model->presets()) {
      auto m = make(model->name(), pr.name);
      const double* p = m.params().data();
      const double lo = model->state_lo(p), hi = model->state_hi(p);
      const double s0 = m.state();
      m.apply_s(0.0, 10.0);
      EXPECT_EQ(m.state(), s0) << model->name();
      for (int i = 0; i < 200; ++i) {
        m.apply_s(rng.uniform(-3, 3), rng.uniform(0, 1e-3));
        ASSERT_GE(m.state(), lo) << model->name();
        ASSERT_LE(m.state(), hi) << model->name();
      }
      const ReadOut r = m.read(0.2);
      EXPECT_TRUE(std::isfinite(r.current_a)) << model->name();
      EXPECT_GT(r.resistance_ohm, 0) << model->name();
    }
  }
}

TEST(AllModels, OhmicReadAtReadVoltage) {
  for (const char* name : {"linear-drift", "joglekar", "vteam", "compact"}) {
    auto m = make(name);
    const ReadOut r = m.read(0.5);
    EXPECT_NEAR(r.current_a * r.resistance_ohm, 0.5, 1e-12) << name;
    EXPECT_NEAR(m.read(-0.5).current_a, -r.current_a, 1e-15) << name;
  }
  auto y = make("yakopcic");
  EXPECT_NEAR(y.read(0.5).current_a, 0.17 * 0.11 * std::sinh(0.05 * 0.5), 1e-15);
}

TEST(Params, PreciseErrors) {
  auto m = make("compact");
  EXPECT_TRUE(m.set_param("Ap", 11.4).is_ok());
  EXPECT_DOUBLE_EQ(*m.params().get("Ap"), 11.4);
  Status s = m.set_param("ap", 1);
  EXPECT_EQ(s.code(), Errc::not_found);
  EXPECT_NE(s.message().find("did you mean 'Ap'"), std::string::npos) << s.message();
  s = m.set_param("tp", -1);
  EXPECT_EQ(s.code(), Errc::out_of_range);
  EXPECT_NE(s.message().find("'tp'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("[1e-06, 1e+06]"), std::string::npos) << s.message();
  s = m.set_param("dir", 0.5);
  EXPECT_NE(s.message().find("+1 or -1"), std::string::npos) << s.message();
  EXPECT_DOUBLE_EQ(*m.params().get("dir"), 1);  // unchanged on error
  EXPECT_TRUE(m.params().set_from_text("a0p=9.5kohm").is_ok());
  EXPECT_DOUBLE_EQ(*m.params().get("a0p"), 9500);
  EXPECT_FALSE(m.params().set_from_text("a0p=9.5kV").is_ok());
  EXPECT_FALSE(m.params().set_from_text("a0p").is_ok());
  EXPECT_FALSE(m.params().set_from_text("Ap=fast").is_ok());
  auto bad = Memristor::create("memristor9000");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("known: linear-drift"), std::string::npos);
  auto badp = Memristor::create("data-driven", "tiox-dut3");
  ASSERT_FALSE(badp.is_ok());
  EXPECT_NE(badp.status().message().find("tiox-dut1, tiox-dut2"), std::string::npos);
  auto d = make("data-driven");
  EXPECT_FALSE(d.set_param("Ap", -1).is_ok());  // sign must follow eta
  EXPECT_FALSE(d.set_state(1e9).is_ok());
}

}  // namespace
}  // namespace ion::device
