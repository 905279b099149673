// SPDX-License-Identifier: Apache-2.0
// How a run ended, from the sites' final notes (record/run_outcome.hpp), and its marking in the
// summary and the report: phases the run never reached are "not run", never "0.00 Hz".
#include <gtest/gtest.h>

#include "record/run_outcome.hpp"
#include "report/analysis.hpp"
#include "report/model.hpp"
#include "test_data.hpp"

namespace ion::report {
namespace {

using namespace ion::literals;
using record::RunOutcome;
using record::RunStatus;

// Sites "bio" (0) and "hub" (1) with the given final notes ("" = none), nothing else.
record::MergedRecording with_sites(std::vector<std::pair<SiteId, std::string>> finals) {
  record::MergedRecording m;
  m.site_names = {{0, "bio"}, {1, "hub"}};
  for (const auto& [id, note] : finals) {
    m.sites.push_back({id, m.site_name(id), 10, {}});
    if (!note.empty()) m.notes.push_back({id, note.find("interrupted") != std::string::npos ? 2_s : 4_s, 0, note});
  }
  return m;
}

TEST(RunOutcome, FromTheSitesFinalNotes) {
  auto done = with_sites({{0, "site bio done: spikes=1"}, {1, "site hub done: spikes=2"}});
  EXPECT_EQ(record::outcome_from_notes(done).status, RunStatus::complete);
  EXPECT_EQ(record::outcome_from_notes(done).ended_at_ns, 4_s);

  auto stopped = with_sites(
      {{0, record::interrupted_note("bio", "SIGINT", 2_s) + ": spikes=1"}, {1, "site hub done: spikes=2"}});
  const RunOutcome o = record::outcome_from_notes(stopped);
  EXPECT_EQ(o.status, RunStatus::interrupted);
  EXPECT_EQ(o.ended_at_ns, 2_s);
  EXPECT_EQ(o.detail, "SIGINT");
  EXPECT_EQ(record::describe(o), "interrupted at 2s (SIGINT)");

  auto killed = with_sites({{0, record::interrupted_note("bio", "SIGTERM", 2_s)}, {1, ""}});
  const RunOutcome k = record::outcome_from_notes(killed);
  EXPECT_EQ(k.status, RunStatus::incomplete);
  EXPECT_EQ(k.detail, "site hub's log ends without a final note (killed or crashed)");
  EXPECT_EQ(k.ended_at_ns, 2_s);

  // A site stopped before it ever synchronised does not date the end.
  auto early = with_sites({{0, record::interrupted_note("bio", "SIGINT", std::nullopt) + ": spikes=0"},
                           {1, record::interrupted_note("hub", "SIGINT", -500_ms) + ": spikes=0"}});
  early.notes.back().t = -500_ms;                    // the note's time is the time in its text
  early.notes[early.notes.size() - 2].t = -5 * 1_s;  // an undated note's time must not count
  const RunOutcome e = record::outcome_from_notes(early);
  EXPECT_EQ(e.status, RunStatus::interrupted);
  EXPECT_EQ(e.detail, "SIGINT");
  EXPECT_EQ(e.ended_at_ns, -500_ms);
  EXPECT_EQ(record::interrupted_note("bio", "SIGINT", std::nullopt),
            "site bio interrupted by SIGINT before clock synchronisation");

  auto failed = with_sites({{0, "failed: site bio: disk full"}});
  EXPECT_EQ(record::outcome_from_notes(failed).detail, "site bio failed: site bio: disk full");
}

TEST(RunOutcome, DescribedToTheMillisecond) {
  EXPECT_EQ(record::describe({RunStatus::interrupted, 3'857'021'262, "SIGINT"}), "interrupted at 3.857s (SIGINT)");
  EXPECT_EQ(record::describe({RunStatus::incomplete, -1'500'400'000, "site x failed (exit 1)"}),
            "incomplete at -1.5s: site x failed (exit 1)");
  EXPECT_EQ(record::describe({RunStatus::complete, 4_s, ""}), "complete");
}

TEST(RunOutcome, PhasesAfterTheEndAreNotRun) {
  AnalysisOptions o;
  o.outcome = RunOutcome{RunStatus::interrupted, 1500_ms, "SIGINT"};
  const Summary s = summarize(testdata::recording(), testdata::experiment(), o);
  ASSERT_EQ(s.phases.size(), 3u);
  EXPECT_TRUE(s.phases[0].ran);
  EXPECT_TRUE(s.phases[1].ran);  // the run ended inside it
  EXPECT_FALSE(s.phases[2].ran);
  EXPECT_EQ(s.phases[2].index, 2u);
  EXPECT_FALSE(s.phases[2].pacemaker_rate_hz);
  EXPECT_TRUE(s.phases[2].rate_hz.empty());
  ASSERT_EQ(s.phases[2].synapses.size(), 2u);  // names only
  for (const auto& sp : s.phases[2].synapses)
    EXPECT_TRUE(!sp.response_probability && !sp.weight_start && !sp.pre_spikes);

  const std::string text = format_summary(s);
  EXPECT_NE(text.find("run interrupted at 1.5s (SIGINT); the recording ends there"), std::string::npos) << text;
  EXPECT_NE(text.find("phase 3  2s..4s  set 2 Hz  not run\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("phase 3  2s..4s  set 2 Hz  ANpre measured"), std::string::npos) << text;
  const Json model = report_model(testdata::recording(), testdata::experiment(), s);
  EXPECT_EQ(model["run"]["status"], "interrupted");
  EXPECT_EQ(model["run"]["status_text"], "interrupted at 1.5s (SIGINT)");
  EXPECT_EQ(model["phases"][1]["ran"], true);
  EXPECT_EQ(model["phases"][2]["ran"], false);
}

TEST(RunOutcome, AnInterruptedSiteIsCoveredUntilItsNote) {
  record::MergedRecording m = testdata::recording();
  for (auto& n : m.notes)
    if (n.text.find(" done:") != std::string::npos)
      n = {n.site, 1500_ms, n.kind, record::interrupted_note(m.site_name(n.site), "SIGINT", 1500_ms) + ": spikes=1"};
  m.links[{2, 1}].back().t = 4500_ms;  // link statistics carry the link's clock (warm-up included)
  const Summary s = summarize(m, testdata::experiment());
  EXPECT_EQ(s.outcome.status, RunStatus::interrupted);
  EXPECT_EQ(s.outcome.ended_at_ns, 1500_ms);
  ASSERT_TRUE(s.phases[1].pacemaker_rate_hz);
  EXPECT_NEAR(*s.phases[1].pacemaker_rate_hz, 30.0, 2.1);  // 15 spikes over the 0.5 s recorded, not 4.5 s
  EXPECT_TRUE(s.phases[1].partial.count("ANpre"));
  EXPECT_FALSE(s.phases[2].ran);
}

TEST(RunOutcome, ACompleteRunIsNotMarked) {
  const Summary s = summarize(testdata::recording(), testdata::experiment());  // no notes: complete
  EXPECT_EQ(s.outcome.status, RunStatus::complete);
  for (const auto& p : s.phases) EXPECT_TRUE(p.ran);
  EXPECT_EQ(format_summary(s).find("\nrun "), std::string::npos);
  EXPECT_EQ(report_model(testdata::recording(), testdata::experiment(), s)["run"]["status"], "complete");
}

}  // namespace
}  // namespace ion::report
