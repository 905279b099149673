// SPDX-License-Identifier: Apache-2.0
// A recording.h5 alone is enough for the analysis: read back (record/hdf5_import.hpp) it gives the
// digest stored in it and the summary that the logs give and that the run printed, for a complete
// simulated run of the built-in experiment and for an interrupted one.
#include <gtest/gtest.h>

#include "../common/test_files.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "experiment/resources.hpp"
#include "node/launch/sim_runner.hpp"
#include "record/hdf5_import.hpp"
#include "report/run_outputs.hpp"

using namespace ion;

namespace {

// The summary as `ion report` makes it: the recorded experiment, scaled to `duration_ns` (as
// `ion report --duration`) or else to the duration the sites' end notes give, and the outcome
// given (nullopt: from the sites' final notes).
std::string report_text(const record::MergedRecording& m, std::optional<record::RunOutcome> outcome,
                        std::optional<Duration> duration_ns = std::nullopt) {
  auto e = experiment::load_experiment_text(m.experiment_file, "(recorded experiment file)");
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  if (!e.is_ok()) return "";
  if (!duration_ns) duration_ns = report::recorded_duration(m);
  if (duration_ns && *duration_ns != e->duration_ns) experiment::scale_duration(*e, *duration_ns);
  report::AnalysisOptions o;
  o.outcome = outcome;
  return report::format_summary(report::summarize(m, *e, o));
}

struct SimRun {
  report::RunOutputs outputs;
  std::vector<std::string> logs;
};

// Runs the built-in experiment for 6 s in simulation and writes its outputs as `ion run` does.
SimRun run(const std::string& name, std::function<std::string()> stop) {
  auto e = experiment::builtin_experiment();
  EXPECT_TRUE(e.is_ok());
  EXPECT_TRUE(experiment::rescale_duration(*e, 6 * kSecond).is_ok());
  site::SimRunOptions o;
  o.out_dir = ion::testing::fresh_test_dir("test-runs", name);
  o.warmup_ns = kSecond;
  o.stop_requested = std::move(stop);
  auto r = site::run_sim(*e, o);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  auto w = report::write_run_outputs(*e, o.out_dir, r->logs, r->outcome);
  EXPECT_TRUE(w.is_ok()) << w.status().message();
  return {*w, r->logs};
}

void expect_h5_gives_the_runs_summary(const SimRun& run) {
  auto h5 = record::read_hdf5_file(run.outputs.h5_path);
  ASSERT_TRUE(h5.is_ok()) << h5.status().message();
  EXPECT_EQ(record::digest(h5->merged), h5->digest);
  EXPECT_EQ(h5->digest, run.outputs.digest);
  ASSERT_TRUE(h5->outcome.has_value());
  EXPECT_EQ(h5->outcome->status, run.outputs.outcome.status);
  EXPECT_EQ(h5->outcome->ended_at_ns, run.outputs.outcome.ended_at_ns);
  EXPECT_EQ(h5->outcome->detail, run.outputs.outcome.detail);
  // What the run printed. The recorded experiment file holds the unscaled duration and an
  // interrupted run's sites write no end note saying how long they were to run: as with the logs,
  // its report needs the run's duration (`ion report --duration 6s`).
  EXPECT_EQ(report_text(h5->merged, h5->outcome, 6 * kSecond), report::format_summary(run.outputs.summary));
  const std::string from_h5 = report_text(h5->merged, h5->outcome);
  auto logs = record::merge_logs(run.logs);
  ASSERT_TRUE(logs.is_ok());
  EXPECT_EQ(from_h5, report_text(*logs, run.outputs.outcome));  // the logs with the run's outcome
  EXPECT_EQ(report_text(h5->merged, std::nullopt), report_text(*logs, std::nullopt));  // from the notes
}

TEST(H5Summary, ACompleteRunsFileGivesItsDigestAndSummary) {
  const SimRun r = run("h5-summary-complete", nullptr);
  EXPECT_EQ(r.outputs.outcome.status, record::RunStatus::complete);
  expect_h5_gives_the_runs_summary(r);
  EXPECT_NE(report::format_summary(r.outputs.summary).find("ABsyn"), std::string::npos);
}

TEST(H5Summary, AnInterruptedRunsFileGivesItsDigestAndSummary) {
  int polls = 0;
  const SimRun r = run("h5-summary-interrupted",
                       [&] { return ++polls == 40 ? std::string("SIGTERM") : std::string(); });
  EXPECT_EQ(r.outputs.outcome.status, record::RunStatus::interrupted);
  EXPECT_NE(report::format_summary(r.outputs.summary).find("run interrupted at "), std::string::npos);
  expect_h5_gives_the_runs_summary(r);
}

}  // namespace
