// SPDX-License-Identifier: Apache-2.0
// The live report model's rates over time (dashboard/live_source.hpp live_model): the newest bin
// of a site still recording is incomplete, and is left out rather than drawn as a dip.
#include <gtest/gtest.h>

#include "../report/test_data.hpp"
#include "dashboard/live_source.hpp"
#include "report/model.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

// The synthetic recording as a live run sees it at 1550 ms: nothing later, no site has written its
// end-of-run note, and silicon's last spikes (ANpre at 30 Hz) were not read back yet while a note
// at 1550 ms already was (a chip's spikes arrive later than the link's records).
record::MergedRecording live_at_1550ms() {
  record::MergedRecording m = report::testdata::recording();
  std::erase_if(m.spikes, [](const auto& s) { return s.t > 1520_ms; });
  std::erase_if(m.inputs, [](const auto& s) { return s.t > 1520_ms; });
  for (auto& [id, rows] : m.synapses) std::erase_if(rows, [](const auto& r) { return r.t > 1520_ms; });
  for (auto& [key, rows] : m.links) std::erase_if(rows, [](const auto& r) { return r.t > 1520_ms; });
  m.notes.clear();
  for (SiteId id = 0; id < 3; ++id)
    m.notes.push_back({id, 1550_ms, static_cast<uint16_t>(record::NoteKind::text), "peer hub: up"});
  return m;
}

}  // namespace

TEST(LiveRates, TheNewestIncompleteBinIsLeftOutNotADip) {
  const auto j = dashboard::live_model(live_at_1550ms(), report::testdata::experiment());
  const auto& rates = j["rates"];
  ASSERT_DOUBLE_EQ(rates["grid"]["step_s"].get<double>(), 0.1);  // a tenth of the shortest phase
  const auto& anpre = rates["series"][0];
  ASSERT_EQ(anpre["label"], "ANpre");
  const auto& hz = anpre["hz"];
  ASSERT_GE(hz.size(), 17u);
  // [1.4 s, 1.5 s): a whole bin of the 30 Hz phase.
  ASSERT_TRUE(hz[14].is_number());
  EXPECT_NEAR(hz[14].get<double>(), 30.0, 10.0);
  // [1.5 s, 1.6 s) is still filling: no value (the old code drew 20 Hz: 1 spike in 50 ms).
  EXPECT_TRUE(hz[15].is_null()) << hz[15];
  EXPECT_TRUE(hz[16].is_null()) << hz[16];
  // The run's recorded report (not live) still gives a partly recorded bin its covered part.
  report::AnalysisOptions o;
  const auto m = live_at_1550ms();
  const auto e = report::testdata::experiment();
  const auto final_model = report::report_model(m, e, report::summarize(m, e, o));
  EXPECT_TRUE(final_model["rates"]["series"][0]["hz"][15].is_number());
}
