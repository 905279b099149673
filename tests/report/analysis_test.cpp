// SPDX-License-Identifier: Apache-2.0
// The report's analysis on a synthetic recording with known answers (tests/report/test_data.hpp).
#include <gtest/gtest.h>

#include "report/analysis.hpp"
#include "test_data.hpp"

using namespace ion;
using namespace ion::literals;
using namespace ion::report;

// The tests' synthetic recordings were written for a 5..40 ms response window.
static AnalysisOptions window_5_40() {
  AnalysisOptions o;
  o.response_min_ns = 5 * kMillisecond;
  o.response_max_ns = 40 * kMillisecond;
  return o;
}

TEST(Percentile, NearestRank) {
  EXPECT_EQ(percentile({}, 50), std::nullopt);
  EXPECT_EQ(percentile({5}, 50), 5);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 50), 2);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 0), 1);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 100), 4);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 75), 3);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 76), 4);
  std::vector<int64_t> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  EXPECT_EQ(percentile(v, 50), 50);
  EXPECT_EQ(percentile(v, 99), 99);
  EXPECT_EQ(percentile(v, 99.5), 100);
  EXPECT_EQ(percentile(v, -1), std::nullopt);
  EXPECT_EQ(percentile(v, 101), std::nullopt);
}

TEST(CountResponses, WindowIsInclusiveAndHalfOpenPhases) {
  AnalysisOptions o = window_5_40();
  const std::vector<Time> pre = {0, 100_ms, 200_ms, 300_ms, 400_ms};
  const std::vector<Time> post = {5_ms, 140_ms, 200_ms + 4_ms, 300_ms + 41_ms, 1_s};
  auto [n, hit] = count_responses(pre, post, 0, 1_s, o);
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(hit, 2u);  // 0 → 5 ms and 100 → 140 ms (both bounds inclusive)
  auto [n2, hit2] = count_responses(pre, post, 100_ms, 300_ms, o);
  EXPECT_EQ(n2, 2u);  // 100 and 200 ms; 300 ms belongs to the next window
  EXPECT_EQ(hit2, 1u);
  o.response_min_ns = 0;
  o.response_max_ns = 50_ms;
  EXPECT_EQ(count_responses(pre, post, 0, 1_s, o).second, 4u);
  EXPECT_EQ(count_responses({}, post, 0, 1_s, o).first, 0u);
}

TEST(PhaseWindows, FromScheduleElseWholeExperiment) {
  auto e = testdata::experiment();
  std::string pm;
  auto w = phase_windows(e, &pm);
  EXPECT_EQ(pm, "ANpre");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1].start_ns, 1_s);
  EXPECT_EQ(w[1].end_ns, 2_s);
  EXPECT_EQ(w[2].end_ns, 4_s);
  EXPECT_EQ(w[1].set_rate_hz, 30.0);
  e.neurons[1].drive.kind = experiment::DriveKind::regular;
  w = phase_windows(e, &pm);
  EXPECT_EQ(pm, "");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].end_ns, 4_s);
  EXPECT_FALSE(w[0].set_rate_hz);
}

TEST(Summarize, RatesPerPhase) {
  const auto s = summarize(testdata::recording(), testdata::experiment(), window_5_40());
  EXPECT_EQ(s.pacemaker, "ANpre");
  ASSERT_EQ(s.phases.size(), 3u);
  EXPECT_DOUBLE_EQ(*s.phases[0].pacemaker_rate_hz, 10.0);
  EXPECT_DOUBLE_EQ(*s.phases[1].pacemaker_rate_hz, 30.0);
  EXPECT_DOUBLE_EQ(*s.phases[2].pacemaker_rate_hz, 2.0);
  EXPECT_DOUBLE_EQ(s.phases[0].rate_hz.at("BN"), 10.0);
  EXPECT_DOUBLE_EQ(s.phases[1].rate_hz.at("BN"), 15.0);
  EXPECT_DOUBLE_EQ(s.phases[2].rate_hz.at("BN"), 3.5);  // psp spikes not counted
  EXPECT_DOUBLE_EQ(s.phases[2].rate_hz.at("ANpost"), 0.0);
}

TEST(Summarize, ResponseProbabilityPerPhase) {
  const auto s = summarize(testdata::recording(), testdata::experiment(), window_5_40());
  const auto& ab = [&](size_t i) { return s.phases[i].synapses.at(0); };
  EXPECT_EQ(ab(0).name, "ABsyn");
  EXPECT_EQ(ab(0).pre_spikes, 10u);
  EXPECT_DOUBLE_EQ(*ab(0).response_probability, 1.0);
  EXPECT_EQ(ab(1).pre_spikes, 30u);
  EXPECT_EQ(ab(1).responded, 15u);
  EXPECT_DOUBLE_EQ(*ab(1).response_probability, 0.5);
  EXPECT_EQ(ab(2).pre_spikes, 4u);
  EXPECT_DOUBLE_EQ(*ab(2).response_probability, 0.0);
  const auto& ba = s.phases[0].synapses.at(1);  // BN → ANpost: ANpost never fires
  EXPECT_EQ(ba.pre_spikes, 10u);
  EXPECT_DOUBLE_EQ(*ba.response_probability, 0.0);
  // A wider window catches the 45 ms spikes of phase 3.
  AnalysisOptions wide;
  wide.response_max_ns = 50_ms;
  EXPECT_DOUBLE_EQ(
      *summarize(testdata::recording(), testdata::experiment(), wide).phases[2].synapses[0].response_probability, 1.0);
}

TEST(Summarize, WeightsAtPhaseEnds) {
  const auto s = summarize(testdata::recording(), testdata::experiment(), window_5_40());
  const auto& p = s.phases;
  EXPECT_FLOAT_EQ(*p[0].synapses[0].weight_start, 0.5f);  // first reading inside the phase
  EXPECT_FLOAT_EQ(*p[0].synapses[0].weight_end, 0.5f);
  EXPECT_FLOAT_EQ(*p[1].synapses[0].weight_start, 0.5f);
  EXPECT_FLOAT_EQ(*p[1].synapses[0].weight_end, 0.7f);  // the 2.0 s row starts phase 3
  EXPECT_FLOAT_EQ(*p[2].synapses[0].weight_start, 0.9f);
  EXPECT_FLOAT_EQ(*p[2].synapses[0].weight_end, 0.4f);
  EXPECT_FLOAT_EQ(*p[2].synapses[0].resistance_end_ohm, 7000.0f);
  EXPECT_EQ(p[1].synapses[0].potentiations, 1u);
  EXPECT_EQ(p[2].synapses[0].potentiations, 1u);
  EXPECT_EQ(p[2].synapses[0].depressions, 1u);
  EXPECT_FALSE(p[0].synapses[1].weight_end);  // BAsyn has no weight records
}

TEST(Summarize, Links) {
  const auto s = summarize(testdata::recording(), testdata::experiment(), window_5_40());
  ASSERT_EQ(s.links.size(), 2u);
  const auto& l = s.links[0];
  EXPECT_EQ(l.site_name, "hub");
  EXPECT_EQ(l.peer_name, "bio");
  EXPECT_EQ(l.snapshots, 100u);
  EXPECT_EQ(l.datagrams_received, 990u);
  EXPECT_EQ(l.events_received, 1980u);
  EXPECT_EQ(l.lost, 9u);
  EXPECT_DOUBLE_EQ(*l.loss_fraction, 9.0 / 999.0);
  EXPECT_EQ(l.rtt_samples, 100u);
  EXPECT_EQ(*l.rtt_p50_ns, 149_us);
  EXPECT_EQ(*l.rtt_p99_ns, 198_us);
  EXPECT_EQ(*l.rtt_min_ns, 100_us);
  const auto& idle = s.links[1];
  EXPECT_FALSE(idle.loss_fraction);
  EXPECT_FALSE(idle.rtt_p50_ns);
  EXPECT_EQ(idle.rtt_samples, 0u);
}

TEST(Summarize, WarnsAboutUnknownNeuronsAndLateSpikes) {
  auto m = testdata::recording();
  testdata::add_spike(m, {5, 3}, 5_s);
  const auto s = summarize(m, testdata::experiment());
  bool unknown = false, late = false;
  for (const auto& w : s.warnings) {
    unknown = unknown || w.find("5:3") != std::string::npos;
    late = late || w.find("after the last phase") != std::string::npos;
  }
  EXPECT_TRUE(unknown);
  EXPECT_TRUE(late);
  EXPECT_TRUE(summarize(testdata::recording(), testdata::experiment(), window_5_40()).warnings.empty());
}

TEST(Summarize, EmptyRecordingHasNoValues) {
  const auto s = summarize(record::MergedRecording{}, testdata::experiment());
  ASSERT_EQ(s.phases.size(), 3u);
  EXPECT_FALSE(s.phases[0].pacemaker_rate_hz);  // no site logged anything: no data, not 0 Hz
  EXPECT_TRUE(s.phases[0].rate_hz.empty());
  EXPECT_FALSE(s.complete);
  EXPECT_FALSE(s.phases[0].synapses[0].response_probability);
  EXPECT_FALSE(s.phases[0].synapses[0].weight_end);
  EXPECT_TRUE(s.links.empty());
}

TEST(FormatSummary, NamesPhasesSynapsesAndLinks) {
  const auto text = format_summary(summarize(testdata::recording(), testdata::experiment(), window_5_40()));
  for (const char* want : {"phase 1", "phase 3", "set 30 Hz", "ANpre measured 30.00 Hz", "P(response) 0.500 (15/30)",
                           "weight 0.900 -> 0.400", "rates (Hz): ANpre 30.00  BN 15.00  ANpost 0.00", "hub->bio",
                           "lost 9", "RTT p50 149.0us p99 198.0us", "5ms..40ms"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
}

TEST(RecordedDuration, FromSiteDoneNotes) {
  record::MergedRecording m;
  EXPECT_FALSE(recorded_duration(m));
  m.notes.push_back({0, 8_s, static_cast<uint16_t>(record::NoteKind::text), "site zurich done: spikes=3"});
  m.notes.push_back({1, 9_s, static_cast<uint16_t>(record::NoteKind::text), "something else done: x"});
  EXPECT_EQ(recorded_duration(m), 8_s);
}

TEST(FormatSummary, CapsSynapsesPerPhase) {
  const auto s = summarize(testdata::recording(), testdata::experiment(), window_5_40());
  const auto text = format_summary(s, 1);
  EXPECT_NE(text.find("... and 1 more synapses"), std::string::npos) << text;
  EXPECT_EQ(text.find("BAsyn"), std::string::npos) << text;
  EXPECT_NE(format_summary(s).find("BAsyn"), std::string::npos);
}

TEST(FormatLatency, ReadableUnits) {
  EXPECT_EQ(format_latency(14'920'344), "14.92ms");
  EXPECT_EQ(format_latency(149_us), "149.0us");
  EXPECT_EQ(format_latency(-1500), "-1.5us");
  EXPECT_EQ(format_latency(850), "850ns");
  EXPECT_EQ(format_latency(2_s), "2.000s");
}
