// SPDX-License-Identifier: Apache-2.0
// Simulated runs that do not run to their end: an interrupt (Ctrl-C to `ion run --sim`, or the
// runner's stop request) stops every site cleanly at once and keeps what was recorded; a site
// that fails stops the others instead of letting them pretend success.
#include <gtest/gtest.h>

#include "../../common/process_helpers.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "node/launch/sim_runner.hpp"
#include "record/merge.hpp"
#include "record/run_outcome.hpp"

using namespace ion;
using namespace ion::testing;
using namespace std::chrono_literals;

namespace {

record::MergedRecording merged(const site::SimRunReport& r) {
  auto m = record::merge_logs(r.logs);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return m.is_ok() ? *m : record::MergedRecording{};
}

size_t notes_starting(const record::MergedRecording& m, const std::string& prefix) {
  size_t n = 0;
  for (const auto& note : m.notes) n += note.text.rfind(prefix, 0) == 0;
  return n;
}

TEST(RunLifecycleSim, CtrlCStopsTheSimulationAndKeepsTheResults) {
  // Before: SIGINT killed `ion run --sim` outright; nothing was merged or reported.
  const std::string dir = fresh_dir("lifecycle-sim-ctrl-c");
  std::filesystem::create_directories(dir + "-cfg");
  const pid_t pid = spawn_group(kIon + " run --sim --duration 200s --out " + dir, dir + "-cfg/output.txt");
  // Once every site has run for a few simulated seconds: the compact status line of 5 s (on a
  // pipe, one per 5 s of experiment time; "| 2/3 running" would follow the phase unless every
  // site runs). The whole 200 s take ~30 s here, so it is still running.
  const std::string at_5s = "[5 s / 200 s] phase 1/4 ANpre 10 Hz | ";
  ASSERT_TRUE(wait_until([&] { return slurp(dir + "-cfg/output.txt").find(at_5s) != std::string::npos; }, 60s))
      << slurp(dir + "-cfg/output.txt");
  const std::string before = slurp(dir + "-cfg/output.txt");
  EXPECT_EQ(before.find(at_5s + "2/3 running"), std::string::npos) << before;
  kill(-pid, SIGINT);
  const int code = wait_exit(pid, 60s);
  const std::string out = slurp(dir + "-cfg/output.txt");
  EXPECT_EQ(code, 130) << out;
  EXPECT_EQ(h5_meta(dir + "/recording.h5", "run_status"), "interrupted") << out;
  EXPECT_EQ(h5_meta(dir + "/recording.h5", "run_detail"), "SIGINT");
  EXPECT_NE(out.find("run interrupted at "), std::string::npos) << out;
  EXPECT_NE(out.find("phase 1  0s..50s  set 10 Hz  ANpre measured 10."), std::string::npos) << out;
  EXPECT_NE(out.find("phase 4  150s..200s  set 2 Hz  not run"), std::string::npos) << out;
  const std::string html = slurp(dir + "/report.html");  // the report model, embedded as JSON
  EXPECT_NE(html.find("\"status\":\"interrupted\",\"status_text\":\"interrupted at "), std::string::npos);
  EXPECT_NE(html.find("\"ran\":false"), std::string::npos);
}

TEST(RunLifecycleSim, AStopRequestEndsEverySiteWithItsNote) {
  auto e = experiment::builtin_experiment();
  ASSERT_TRUE(e.is_ok());
  site::SimRunOptions o;
  o.out_dir = fresh_dir("lifecycle-sim-stop");
  o.warmup_ns = kSecond;
  int polls = 0;
  o.stop_requested = [&] { return ++polls == 50 ? std::string("SIGTERM") : std::string(); };  // at 5 s true time
  auto r = site::run_sim(*e, o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->outcome.status, record::RunStatus::interrupted);
  EXPECT_EQ(r->outcome.detail, "SIGTERM");
  ASSERT_TRUE(r->outcome.ended_at_ns);
  EXPECT_NEAR(to_seconds(*r->outcome.ended_at_ns), 4.0, 0.01);  // 5 s of true time − 1 s warm-up
  const auto m = merged(*r);
  for (const char* s : {"zurich", "southampton", "padova"})
    EXPECT_EQ(notes_starting(m, std::string("site ") + s + " interrupted by SIGTERM at experiment time "), 1u) << s;
  EXPECT_EQ(record::outcome_from_notes(m).status, record::RunStatus::interrupted);
}

TEST(RunLifecycleSim, AFailedSiteStopsTheOthersInsteadOfLettingThemFinish) {
  // zurich's link to the time master drops 99 % of datagrams: it never synchronises and fails
  // after its 15 s sync timeout, while padova and southampton run. Before, they ran on to the end
  // (40 s) and finished "done" as if nothing had happened.
  std::string text(experiment::builtin_experiment_text());
  text += "\n[links.zurich-southampton]\nloss = 0.99\n";
  auto e = experiment::load_experiment_text(text, "lossy.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  site::SimRunOptions o;
  o.out_dir = fresh_dir("lifecycle-sim-failed-site");
  auto r = site::run_sim(*e, o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->outcome.status, record::RunStatus::incomplete);
  EXPECT_NE(r->outcome.detail.find("site zurich failed: site zurich: no clock synchronisation"), std::string::npos)
      << r->outcome.detail;
  ASSERT_TRUE(r->outcome.ended_at_ns);
  EXPECT_LT(*r->outcome.ended_at_ns, e->duration_ns);
  const auto m = merged(*r);
  for (const char* s : {"southampton", "padova"}) {
    EXPECT_EQ(notes_starting(m, std::string("site ") + s + " interrupted by the runner (site zurich failed)"), 1u) << s;
    EXPECT_EQ(notes_starting(m, std::string("site ") + s + " done:"), 0u) << s;
  }
  EXPECT_EQ(record::outcome_from_notes(m).status, record::RunStatus::incomplete);
}

}  // namespace
