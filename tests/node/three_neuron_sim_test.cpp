// SPDX-License-Identifier: Apache-2.0
// The built-in three-neuron experiment end to end on SimEnv, seeds 1–5: both synapses potentiate
// gradually while ANpre fires fast and depress while it fires slowly; BN answers the 10 Hz
// pacemaker after LTP and no longer after LTD; ANpost follows BN through BAsyn; no recorded
// effect precedes its cause; the recording is deterministic. Every number here is computed
// from the sites' event logs, independently of src/report.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "causality.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "node/launch/sim_runner.hpp"
#include "record/hdf5_export.hpp"
#include "record/log_reader.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

constexpr Duration kPhase = 10_s;

// The built-in experiment (10, 30, 10, 2 Hz, 10 s each) and a fifth 10 Hz phase that probes BN
// after LTD, as the first and third phases probe it before and after LTP.
experiment::Experiment probe_experiment(uint64_t seed) {
  auto e = experiment::builtin_experiment();
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  for (auto& n : e->neurons)
    if (n.drive.kind == experiment::DriveKind::schedule) n.drive.phases.push_back({10.0, kPhase});
  e->duration_ns = 5 * kPhase;
  e->seed = seed;
  return std::move(e).value();
}

struct RunData {
  std::vector<std::string> logs;
  std::map<std::string, std::vector<Time>> spikes;           // by neuron name, sorted
  std::map<std::string, std::vector<WeightUpdate>> weights;  // by synapse name, in log order
};

// Runs `e` on SimEnv into a fresh <build>/test-runs/<name>.
Result<site::SimRunReport> sim_run(const experiment::Experiment& e, const std::string& name) {
  site::SimRunOptions o;
  o.out_dir = std::string(ION_BINARY_DIR) + "/test-runs/" + name;
  std::filesystem::remove_all(o.out_dir);
  return site::run_sim(e, o);
}

RunData run(const experiment::Experiment& e, const std::string& name) {
  auto r = sim_run(e, name);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  RunData out;
  if (!r.is_ok()) return out;
  out.logs = r->logs;
  std::map<uint64_t, std::string> names;
  for (const auto& n : e.neurons) names[n.addr.key()] = n.name;
  for (const auto& path : out.logs) {
    auto log = record::LogReader::open(path);
    EXPECT_TRUE(log.is_ok()) << path;
    if (!log.is_ok()) continue;
    while (auto rec = log->next()) {
      if (auto* s = std::get_if<Spike>(&*rec); s && names.contains(s->source.key()))
        out.spikes[names[s->source.key()]].push_back(s->t);
      if (auto* w = std::get_if<WeightUpdate>(&*rec)) out.weights[e.synapses.at(w->synapse).name].push_back(*w);
    }
  }
  for (auto& [n, t] : out.spikes) std::sort(t.begin(), t.end());
  return out;
}

Time phase_start(int i) { return i * kPhase; }

// Fraction of `pre` spikes in phase i followed by a `post` spike 1–50 ms later.
double response(const RunData& r, const std::string& pre, const std::string& post, int i) {
  const auto& a = r.spikes.at(pre);
  const auto& b = r.spikes.at(post);
  int n = 0, hit = 0;
  for (Time t : a) {
    if (t < phase_start(i) || t >= phase_start(i + 1)) continue;
    ++n;
    auto it = std::lower_bound(b.begin(), b.end(), t + 1_ms);
    hit += it != b.end() && *it <= t + 50_ms;
  }
  return n ? double(hit) / n : NAN;
}

double rate_hz(const RunData& r, const std::string& neuron, int i) {
  const auto& s = r.spikes.at(neuron);
  const auto n = std::count_if(s.begin(), s.end(),
                               [&](Time t) { return t >= phase_start(i) && t < phase_start(i + 1); });
  return double(n) / to_seconds(kPhase);
}

int decisions(const std::vector<WeightUpdate>& w, PlasticityAction a, int i) {
  return int(std::count_if(w.begin(), w.end(), [&](const WeightUpdate& u) {
    return u.action == a && u.t >= phase_start(i) && u.t < phase_start(i + 1);
  }));
}

// The largest weight change one LTP/LTD pulse made (each record against the one before it).
float largest_step(const std::vector<WeightUpdate>& w) {
  float m = 0;
  for (size_t k = 1; k < w.size(); ++k)
    if (w[k].action != PlasticityAction::read) m = std::max(m, std::fabs(w[k].weight - w[k - 1].weight));
  return m;
}

// Distinct weight levels, at least `apart` from each other, recorded in phase i.
int levels(const std::vector<WeightUpdate>& w, int i, float apart) {
  std::vector<float> v;
  for (const auto& u : w)
    if (u.t >= phase_start(i) && u.t < phase_start(i + 1)) v.push_back(u.weight);
  std::sort(v.begin(), v.end());
  int n = 0;
  float last = -1;
  for (float x : v)
    if (n == 0 || x - last >= apart) ++n, last = x;
  return n;
}

}  // namespace

TEST(ThreeNeuronSim, GradualPlasticityOnBothSynapsesTellsTheStoryForSeeds1To5) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto e = probe_experiment(seed);
    const RunData r = run(e, "three-neuron-seed" + std::to_string(seed));
    ASSERT_EQ(r.weights.size(), 2u);
    for (const char* syn : {"ABsyn", "BAsyn"}) {
      SCOPED_TRACE(syn);
      const auto& w = r.weights.at(syn);
      EXPECT_GE(decisions(w, PlasticityAction::potentiate, 1), 10);  // phase 2: 30 Hz
      EXPECT_GE(decisions(w, PlasticityAction::depress, 3), 5);      // phase 4: 2 Hz
      EXPECT_LE(largest_step(w), 0.10f);
      EXPECT_GE(levels(w, 1, 0.01f), 10);
    }
    // BN answers the 10 Hz pacemaker after LTP, and much less after LTD.
    const double before = response(r, "ANpre", "BN", 0), after_ltp = response(r, "ANpre", "BN", 2),
                 after_ltd = response(r, "ANpre", "BN", 4);
    EXPECT_GT(after_ltp, before + 0.3) << before << " -> " << after_ltp;
    EXPECT_LT(after_ltd, after_ltp - 0.3) << after_ltp << " -> " << after_ltd;
    // ANpost follows BN through the potentiated BAsyn.
    EXPECT_GT(rate_hz(r, "ANpost", 2), 2 * rate_hz(r, "ANpost", 0) + 1.0)
        << rate_hz(r, "ANpost", 0) << " Hz -> " << rate_hz(r, "ANpost", 2) << " Hz";
    const auto c = ion::testing::check_causality(e, r.logs, kMillisecond);
    EXPECT_GT(c.stimuli, 300u);
    EXPECT_GT(c.pulses, 200u);
    EXPECT_TRUE(c.violations.empty()) << ion::testing::first_violations(c);
  }
}

TEST(ThreeNeuronSim, SameSeedSameRecordingOtherSeedDifferent) {
  auto short_run = [](uint64_t seed, const std::string& name) {
    auto e = experiment::builtin_experiment().value();
    experiment::scale_duration(e, 8_s);
    e.seed = seed;
    auto r = sim_run(e, name);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    auto h5 = record::export_logs_to_hdf5(r->logs,
                                          std::string(ION_BINARY_DIR) + "/test-runs/" + name + "/recording.h5");
    EXPECT_TRUE(h5.is_ok()) << h5.status().message();
    return h5->digest;
  };
  const std::string a = short_run(7, "three-neuron-seed7-a"), b = short_run(7, "three-neuron-seed7-b");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, short_run(8, "three-neuron-seed8"));
}

TEST(ThreeNeuronSim, NoEffectPrecedesItsCauseOverInstantLinks) {
  // Links without latency, like loopback (the sites' 1 ms ticks are out of phase, as separate
  // processes' are): an effect stamped at the tick before its input arrived would precede the
  // spike that caused it.
  auto e = experiment::builtin_experiment().value();
  experiment::scale_duration(e, 8_s);
  e.links.defaults.latency_ns = e.links.defaults.jitter_ns = 0;
  for (auto& p : e.links.pairs) p.config.latency_ns = p.config.jitter_ns = 0;
  auto r = sim_run(e, "three-neuron-instant-links");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto c = ion::testing::check_causality(e, r->logs, kMillisecond);
  EXPECT_GT(c.stimuli, 50u);
  EXPECT_GT(c.pulses, 20u);
  EXPECT_TRUE(c.violations.empty()) << ion::testing::first_violations(c);
}

TEST(LargeNetworkSim, NoEffectPrecedesItsCause) {
  auto e = experiment::load_experiment(std::string(ION_SOURCE_DIR) + "/examples/large_network.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  experiment::scale_duration(*e, 6_s);  // every phase, shortened: thousands of events still
  auto r = sim_run(*e, "large-network-causality");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto c = ion::testing::check_causality(*e, r->logs, kMillisecond);
  EXPECT_GT(c.stimuli, 1000u);
  EXPECT_GT(c.inputs, 1000u);
  EXPECT_GT(c.pulses, 1000u);
  EXPECT_TRUE(c.violations.empty()) << ion::testing::first_violations(c);
}
