// SPDX-License-Identifier: Apache-2.0
// Cross-validation against ngspice (Debian package, run as `ngspice -b`): each model is written
// as a behavioural subcircuit — a 1 F capacitor holds the state, a B-source current sets its
// rate — and driven by the same rectangular pulse train (PWL). The resistance after every pulse
// must agree with ion's models to 0.1 %. Parameter values are inlined as numbers rather than
// .param names because ngspice parameter names are case-insensitive (Ap and ap would collide).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include "device/memristor.hpp"

namespace ion::device {
namespace {

struct Pulse {
  double v, width_s;
};

std::string n(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

struct Case {
  const char* model;
  const char* preset;
  double s0;                                       // initial state (model units)
  double scale;                                    // capacitor voltage = state · scale (keeps it well above vntol)
  std::vector<Pulse> pulses;                       // each followed by an equal 0 V gap
  std::function<std::string(const Params&)> rate;  // d(cap voltage)/dt in terms of V(in), V(x)
};

std::vector<Pulse> train(double vp, double vn, double w, int k) {
  std::vector<Pulse> p;
  for (int i = 0; i < k; ++i) p.push_back({vp, w});
  for (int i = 0; i < k; ++i) p.push_back({vn, w});
  return p;
}

double param_of(const Params& p, const char* name) { return *p.get(name); }

// Simulates in ngspice; returns the capacitor voltage sampled in the gap after each pulse.
std::vector<double> run_ngspice(const Case& c, const Params& p) {
  char dir_t[] = "/tmp/ion-crossval-XXXXXX";
  const std::string dir = mkdtemp(dir_t);
  std::ostringstream pwl, samples;
  double t = 1e-9, t_max = 1;
  std::vector<double> ts;
  pwl << "0 0 ";
  for (const Pulse& q : c.pulses) {
    const double e = q.width_s * 1e-7;  // edge; plateau width − e keeps the pulse area exact
    pwl << n(t) << " 0 " << n(t + e) << " " << n(q.v) << " " << n(t + q.width_s) << " " << n(q.v) << " "
        << n(t + q.width_s + e) << " 0 ";
    ts.push_back(t + 1.5 * q.width_s);
    t_max = std::min(t_max, q.width_s / 400);
    t += 2 * q.width_s;
  }
  const std::string net = dir + "/dev.cir", out = dir + "/out.txt";
  std::ofstream f(net);
  f << "* ion crossval " << c.model << "\nVin in 0 PWL(" << pwl.str() << ")\nCx x 0 1\n"
    << "Bx 0 x I=" << c.rate(p) << "\n.ic v(x)=" << n(c.s0 * c.scale) << "\n"
    << ".options reltol=1e-8 abstol=1e-15 vntol=1e-12 chgtol=1e-20 trtol=1\n"
    << ".tran " << n(t_max) << " " << n(t) << " 0 " << n(t_max) << " uic\n"
    << ".control\nrun\nwrdata " << out << " v(x)\nquit\n.endc\n.end\n";
  f.close();
  const std::string cmd = "ngspice -b " + net + " > " + dir + "/log.txt 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << "ngspice failed; see " << dir << "/log.txt";
  std::ifstream in(out);
  std::vector<std::pair<double, double>> rows;
  double a, b;
  while (in >> a >> b) rows.push_back({a, b});
  std::vector<double> got;
  size_t j = 0;
  for (double ts_k : ts) {
    while (j + 1 < rows.size() && rows[j + 1].first < ts_k) ++j;
    if (j + 1 >= rows.size()) break;
    const auto [t0, v0] = rows[j];
    const auto [t1, v1] = rows[j + 1];
    got.push_back(v0 + (v1 - v0) * (ts_k - t0) / (t1 - t0));
  }
  std::system(("rm -rf '" + dir + "'").c_str());
  return got;
}

void cross_validate(const Case& c) {
  auto m = Memristor::create(c.model, c.preset);
  ASSERT_TRUE(m.is_ok());
  ASSERT_TRUE(m->set_state(c.s0).is_ok());
  const Params& p = m->params();
  const std::vector<double> spice = run_ngspice(c, p);
  ASSERT_EQ(spice.size(), c.pulses.size()) << c.model;
  const double v_read = 0.5, r_start = m->read(v_read).resistance_ohm;
  double max_rel = 0, max_change = 0;
  for (size_t i = 0; i < c.pulses.size(); ++i) {
    m->apply_s(c.pulses[i].v, c.pulses[i].width_s);
    const double r_ion = m->read(v_read).resistance_ohm;
    const double r_spice = m->model().read(p.data(), spice[i] / c.scale, v_read).resistance_ohm;
    const double rel = std::fabs(r_ion - r_spice) / r_spice;
    max_rel = std::max(max_rel, rel);
    max_change = std::max(max_change, std::fabs(r_ion - r_start) / r_start);
    EXPECT_LT(rel, 1e-3) << c.model << " pulse " << i << ": ion " << r_ion << " ohm, ngspice " << r_spice << " ohm";
  }
  EXPECT_GT(max_change, 0.05) << c.model << ": the pulse train must move the resistance for the check to mean anything";
  std::printf("[crossval] %-13s %zu pulses, max |ΔR|/R vs ngspice = %.2e, max excursion %.1f %%\n", c.model,
              c.pulses.size(), max_rel, 100 * max_change);
}

// Windows with p = 1 (the preset), written independently of ion's window_value().
std::string drift_rate(const Params& p, const std::string& window) {
  const double k = param_of(p, "uv") * param_of(p, "Ron") / (param_of(p, "D") * param_of(p, "D"));
  std::string r = n(k) + "*V(in)/(" + n(param_of(p, "Ron")) + "*V(x)+" + n(param_of(p, "Roff")) + "*(1-V(x)))";
  if (window == "joglekar") r += "*(1-(2*V(x)-1)*(2*V(x)-1))";
  if (window == "biolek") r += "*(1-(V(x)-(V(in) < 0 ? 1 : 0))*(V(x)-(V(in) < 0 ? 1 : 0)))";
  if (window == "prodromakis") r += "*" + n(param_of(p, "j")) + "*(1-((V(x)-0.5)*(V(x)-0.5)+0.75))";
  return r;
}

TEST(CrossVal, LinearDriftNoWindow) {
  cross_validate(
      {"linear-drift", "", 0.3, 1, train(1.0, -1.0, 20e-3, 10), [](const Params& p) { return drift_rate(p, ""); }});
}

TEST(CrossVal, LinearDriftJoglekar) {
  cross_validate(
      {"joglekar", "", 0.3, 1, train(1.0, -1.0, 20e-3, 10), [](const Params& p) { return drift_rate(p, "joglekar"); }});
}

TEST(CrossVal, LinearDriftBiolek) {
  cross_validate(
      {"biolek", "", 0.3, 1, train(1.0, -1.0, 20e-3, 10), [](const Params& p) { return drift_rate(p, "biolek"); }});
}

TEST(CrossVal, LinearDriftProdromakis) {
  cross_validate({"prodromakis", "", 0.3, 1, train(2.0, -2.0, 40e-3, 10),
                  [](const Params& p) { return drift_rate(p, "prodromakis"); }});
}

TEST(CrossVal, Vteam) {
  auto rate = [](const Params& p) {  // state in nm
    const std::string on = n(1e9 * param_of(p, "k_on")) + "*pow(V(in)/" + n(param_of(p, "v_on")) + "-1," +
                           n(param_of(p, "a_on")) + ")";
    const std::string off = n(1e9 * param_of(p, "k_off")) + "*pow(V(in)/" + n(param_of(p, "v_off")) + "-1," +
                            n(param_of(p, "a_off")) + ")";
    return "V(in) > " + n(param_of(p, "v_off")) + " ? " + off + " : (V(in) < " + n(param_of(p, "v_on")) + " ? " + on +
           " : 0)";
  };
  auto pulses = train(0.025, -0.21, 1e-6, 10);
  for (size_t i = 10; i < 20; ++i) pulses[i].width_s = 1e-7;
  cross_validate({"vteam", "", 1.5e-9, 1e9, pulses, rate});
}

TEST(CrossVal, DataDrivenTiOxDut2) {
  auto rate = [](const Params& p) {
    const std::string rp = "(" + n(param_of(p, "a0p")) + "+" + n(param_of(p, "a1p")) + "*V(in))";
    const std::string rn = "(" + n(param_of(p, "a0n")) + "+" + n(param_of(p, "a1n")) + "*V(in))";
    const std::string pos = "(V(x) < " + rp + " ? " + n(param_of(p, "Ap")) + "*(exp(" + n(param_of(p, "tp")) +
                            "*V(in))-1)*(exp(" + n(param_of(p, "kp")) + "*(" + rp + "-V(x)))-1) : 0)";
    const std::string neg = "(V(x) > " + rn + " ? " + n(param_of(p, "An")) + "*(exp(-" + n(param_of(p, "tn")) +
                            "*V(in))-1)*(exp(" + n(param_of(p, "kn")) + "*(V(x)-" + rn + "))-1) : 0)";
    return "V(in) > 0 ? " + pos + " : " + neg;
  };
  cross_validate({"data-driven", "tiox-dut2", 11000, 1, train(0.8, -0.8, 100e-6, 10), rate});
}

TEST(CrossVal, SouthamptonCompact) {
  auto rate = [](const Params& p) {
    const std::string rp = "(" + n(param_of(p, "a0p")) + "+" + n(param_of(p, "a1p")) + "*V(in))";
    const std::string rn = "(" + n(param_of(p, "a0n")) + "+" + n(param_of(p, "a1n")) + "*V(in))";
    const std::string pos = "(V(x) < " + rp + " ? " + n(param_of(p, "Ap")) + "*(exp(V(in)/" + n(param_of(p, "tp")) +
                            ")-1)*(" + rp + "-V(x))*(" + rp + "-V(x)) : 0)";
    const std::string neg = "(V(x) > " + rn + " ? " + n(param_of(p, "An")) + "*(exp(-V(in)/" + n(param_of(p, "tn")) +
                            ")-1)*(" + rn + "-V(x))*(" + rn + "-V(x)) : 0)";
    return "V(in) > 0 ? " + pos + " : " + neg;
  };
  cross_validate({"compact", "", 7000, 1, train(1.0, -1.0, 100e-6, 10), rate});
}

TEST(CrossVal, Yakopcic) {
  auto rate = [](const Params& p) {
    const std::string x = "V(x)", xp = n(param_of(p, "xp")), xn = n(param_of(p, "xn"));
    const std::string g = "(V(in) > " + n(param_of(p, "Vp")) + " ? " + n(param_of(p, "Ap")) + "*(exp(V(in))-" +
                          n(std::exp(param_of(p, "Vp"))) + ") : (V(in) < -" + n(param_of(p, "Vn")) + " ? -" +
                          n(param_of(p, "An")) + "*(exp(-V(in))-" + n(std::exp(param_of(p, "Vn"))) + ") : 0))";
    const std::string fup = "(" + x + " >= " + xp + " ? exp(-" + n(param_of(p, "alphap")) + "*(" + x + "-" + xp +
                            "))*((" + xp + "-" + x + ")/(1-" + xp + ")+1) : 1)";
    const std::string fdn = "(" + x + " <= 1-" + xn + " ? exp(" + n(param_of(p, "alphan")) + "*(" + x + "+" + xn +
                            "-1))*(" + x + "/(1-" + xn + ")) : 1)";
    return g + "*(V(in) > 0 ? " + fup + " : " + fdn + ")";  // eta = 1
  };
  cross_validate({"yakopcic", "", 0.11, 1, train(0.5, -0.5, 20e-6, 10), rate});
}

}  // namespace
}  // namespace ion::device
