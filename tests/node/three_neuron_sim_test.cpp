// SPDX-License-Identifier: Apache-2.0
// The built-in three-neuron experiment end to end on SimEnv: plasticity directions, BN's response
// to the 10 Hz pacemaker before LTP, after LTP and after LTD, and determinism of the recording.
#include <gtest/gtest.h>

#include <filesystem>

#include "experiment/builtin.hpp"
#include "record/hdf5_export.hpp"
#include "report/analysis.hpp"
#include "site/node/sim_runner.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

// The built-in experiment with 6 s phases and a fifth 10 Hz phase that probes BN after LTD.
experiment::Experiment probe_experiment(uint64_t seed) {
  auto e = experiment::builtin_experiment();
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  experiment::scale_duration(*e, 24_s);
  for (auto& n : e->neurons)
    if (n.drive.kind == experiment::DriveKind::schedule) n.drive.phases.push_back({10.0, 6_s});
  e->duration = 30_s;
  e->seed = seed;
  return std::move(e).value();
}

struct RunResult {
  report::Summary summary;
  std::string digest;
};

RunResult run(const experiment::Experiment& e, const std::string& name) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-runs/" + name;
  std::filesystem::remove_all(dir);
  site::SimRunOptions o;
  o.out_dir = dir;
  auto r = site::run_sim(e, o);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  auto h5 = record::export_logs_to_hdf5(r->logs, dir + "/recording.h5");
  EXPECT_TRUE(h5.is_ok()) << h5.status().message();
  return RunResult{report::summarize(h5->merged, e), h5->digest};
}

const report::SynapsePhase& absyn(const report::Summary& s, size_t phase) {
  return s.phases.at(phase).synapses.at(0);
}

}  // namespace

TEST(ThreeNeuronSim, PlasticityAndResponseFollowTheProtocol) {
  const auto e = probe_experiment(1);
  ASSERT_EQ(e.synapses[0].name, "ABsyn");
  const RunResult a = run(e, "three-neuron-a");
  ASSERT_EQ(a.summary.phases.size(), 5u);
  // Weight rises in the 30 Hz phase and falls in the 2 Hz phase.
  EXPECT_GT(*absyn(a.summary, 1).weight_end, *absyn(a.summary, 1).weight_start + 0.3f);
  EXPECT_GT(absyn(a.summary, 1).potentiations, 0u);
  EXPECT_LT(*absyn(a.summary, 3).weight_end, *absyn(a.summary, 3).weight_start - 0.3f);
  EXPECT_GT(absyn(a.summary, 3).depressions, 0u);
  // BN answers the 10 Hz pacemaker after LTP far more often than before, and less after LTD.
  const double before = *absyn(a.summary, 0).response_probability;
  const double after_ltp = *absyn(a.summary, 2).response_probability;
  const double after_ltd = *absyn(a.summary, 4).response_probability;
  EXPECT_GT(after_ltp, before + 0.4) << before << " " << after_ltp;
  EXPECT_LT(after_ltd, after_ltp - 0.4) << after_ltp << " " << after_ltd;
}

TEST(ThreeNeuronSim, SameSeedSameRecordingOtherSeedDifferent) {
  const RunResult a = run(probe_experiment(7), "three-neuron-seed7-a");
  const RunResult b = run(probe_experiment(7), "three-neuron-seed7-b");
  const RunResult c = run(probe_experiment(8), "three-neuron-seed8");
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_NE(a.digest, c.digest);
}
