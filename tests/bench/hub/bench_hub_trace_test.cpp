// SPDX-License-Identifier: Apache-2.0
// The paired per-spike latency split of `ion bench hub`: exact decomposition, where wake-up ends
// and software begins, joining the three sites' records by stamp, and the percentiles.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bench/hub/bench_hub.hpp"
#include "bench/hub/bench_hub_internal.hpp"
#include "bench/hub/bench_hub_trace.hpp"

using namespace ion;
using namespace ion::hub::bench;

namespace {
// stamp 1000; bio hands off at 1010; hub: kernel 1030, woke 1050, done 1070; silicon: kernel
// 1090, woke 1085 (already awake), done 1100. Thread CPU: bio 9, hub 15, silicon 12.
PathTrace example() { return PathTrace{1000, 1010, HopTrace{1030, 1050, 1070, 15}, HopTrace{1090, 1085, 1100, 12}, 9}; }
}  // namespace

TEST(BenchHubTrace, SplitIsExactAndPaired) {
  const Split s = split_of(example());
  EXPECT_EQ(s.e2e, 100);
  EXPECT_EQ(s.software, 10 + 20 + 10);  // bio 1010−1000, hub 1070−1050, silicon 1100−1090
  EXPECT_EQ(s.wakeup, 20);              // hub slept 1030 → 1050; silicon was awake
  EXPECT_EQ(s.wire, 20 + 20);           // 1030−1010, 1090−1070
  EXPECT_EQ(s.e2e, s.software + s.wakeup + s.wire);
  EXPECT_EQ(s.sw_bio, 10);
  EXPECT_EQ(s.sw_hub, 20);
  EXPECT_EQ(s.sw_silicon, 10);
  EXPECT_EQ(s.software_cpu, 9 + 15 + 12);
}

TEST(BenchHubTrace, DatagramArrivingWhileAwakeWaitsInSoftware) {
  PathTrace t = example();
  t.hub.woke = 1000;  // the hub loop woke before the datagram arrived: no wake-up part
  const Split s = split_of(t);
  EXPECT_EQ(s.wakeup, 0);
  EXPECT_EQ(s.software, 10 + 40 + 10);
  EXPECT_EQ(s.e2e, s.software + s.wakeup + s.wire);
}

TEST(BenchHubTrace, JoinKeepsOnlySpikesSeenEverywhereInStampOrder) {
  std::vector<BioRecord> bio{{300, 301, 7}, {100, 101, 5}, {200, 201, 6}, {100, 999, 8}};
  std::vector<HopRecord> hub{{200, {210, 211, 212}}, {100, {110, 111, 112}}, {300, {310, 311, 312}}};
  std::vector<HopRecord> sil{{300, {320, 321, 322}}, {100, {120, 121, 122}}, {400, {1, 2, 3}}};
  const auto t = join_traces(bio, hub, sil);
  ASSERT_EQ(t.size(), 2u);  // 200 never reached silicon, 400 was never sent
  EXPECT_EQ(t[0].stamp, 100);
  EXPECT_EQ(t[0].sent, 101);  // the first record of a repeated key
  EXPECT_EQ(t[0].bio_cpu, 5);
  EXPECT_EQ(t[1].bio_cpu, 7);
  EXPECT_EQ(t[0].hub.done, 112);
  EXPECT_EQ(t[0].sil.kernel_rx, 120);
  EXPECT_EQ(t[1].stamp, 300);
  EXPECT_EQ(t[1].hub.kernel_rx, 310);
  EXPECT_EQ(t[1].sil.done, 322);
}

TEST(BenchHubTrace, BreakdownPercentilesPerPart) {
  std::vector<PathTrace> traces;
  for (int i = 1; i <= 1000; ++i) {
    PathTrace t = example();
    t.sil.done += 1000 * i;  // silicon software i µs longer
    traces.push_back(t);
  }
  const Breakdown b = breakdown_of(traces, 1234);
  EXPECT_EQ(b.traced, 1000u);
  EXPECT_EQ(b.software.sent, 1234u);
  EXPECT_EQ(b.software.samples, 1000u);
  EXPECT_DOUBLE_EQ(b.software.p50_us, (40 + 500'000) / 1e3);  // nearest rank: the 500th
  EXPECT_DOUBLE_EQ(b.software.p99_us, (40 + 990'000) / 1e3);
  EXPECT_DOUBLE_EQ(b.software.p999_us, (40 + 999'000) / 1e3);
  EXPECT_DOUBLE_EQ(b.software.max_us, (40 + 1'000'000) / 1e3);
  EXPECT_DOUBLE_EQ(b.sw_silicon.p99_us, (10 + 990'000) / 1e3);
  EXPECT_DOUBLE_EQ(b.sw_hub.p99_us, 0.02);
  EXPECT_DOUBLE_EQ(b.wakeup.p99_us, 0.02);  // constant parts stay constant
  EXPECT_DOUBLE_EQ(b.software_cpu.p50_us, 0.036);
  EXPECT_DOUBLE_EQ(b.wire.p50_us, 0.04);
  EXPECT_NEAR(b.software_wakeup.p50_us, b.software.p50_us + 0.02, 1e-9);
  EXPECT_NEAR(b.e2e.p99_us, b.software.p99_us + 0.06, 1e-9);
}

TEST(BenchHubTrace, EmptyBreakdownIsZero) {
  const Breakdown b = breakdown_of({}, 0);
  EXPECT_EQ(b.traced, 0u);
  EXPECT_EQ(b.e2e.samples, 0u);
  EXPECT_EQ(b.software.p99_us, 0.0);
}

TEST(BenchHubTrace, StallsCountOnlyLongGapsAndWhetherTheyWereBilledAsCpu) {
  Stalls s;
  s.add(kStallGapNs, kStallGapNs);  // not longer than the threshold: no stall
  s.add(100, 100);
  s.add(50'000, 45'000);  // billed as CPU (90 %)
  s.add(80'000, 1'000);   // the thread was off the CPU
  s.add(30'000, 24'000);  // exactly 80 %: billed
  s.span_s = 2;
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.cpu_charged, 2u);
  EXPECT_EQ(s.stalled_ns, 160'000);
  EXPECT_EQ(s.max_ns, 80'000);
  EXPECT_DOUBLE_EQ(s.per_s(), 1.5);
}

TEST(BenchHubTrace, LatencyOfIsNearestRank) {
  std::vector<int64_t> ns{5000, 1000, 3000, 2000, 4000};
  const Lat l = detail::latency_of(ns, 7);
  EXPECT_EQ(l.sent, 7u);
  EXPECT_EQ(l.samples, 5u);
  EXPECT_DOUBLE_EQ(l.p50_us, 3.0);
  EXPECT_DOUBLE_EQ(l.p99_us, 5.0);
  EXPECT_DOUBLE_EQ(l.max_us, 5.0);
}

namespace {
BenchHubResult measured(bool monitor) {
  BenchHubResult r;
  r.hub = Rate{1'000'000, 1'000'000, 0, 2.0, 1.0};  // 500 000 /s, 1 000 000 per CPU-s
  r.hub_lat = Lat{100, 100, 40, 80, 120, 200};
  r.monitor = monitor;
  r.hub_mon = Rate{980'000, 1'000'000, 0, 2.0, 1.0};
  r.hub_mon_lat = Lat{100, 100, 42, 88, 130, 210};
  r.monitor_records = 12345;
  r.monitor_dropped = 6;
  r.monitor_pair_ratio = {0.9, 0.95, 1.0};
  r.monitor_pair_cpu_ratio = {0.8, 0.85, 0.7};
  r.forward_pair_ratio = {0.7, 0.75, 0.8, 0.6};
  r.forward_pair_cpu_ratio = {0.65, 0.6, 0.7, 0.55};
  return r;
}

nlohmann::json printed(const BenchHubResult& r) {
  ::testing::internal::CaptureStdout();
  print_bench_hub_json(r);
  const std::string text = ::testing::internal::GetCapturedStdout();
  return nlohmann::json::parse(text);  // throws (fails the test) on invalid JSON
}
}  // namespace

TEST(BenchHubJson, WithMonitorHasBothMeasurementsAndTheirRatios) {
  const auto j = printed(measured(true));
  ASSERT_TRUE(j.contains("monitor")) << j.dump();
  const auto& m = j["monitor"];
  EXPECT_DOUBLE_EQ(m["events_per_s"]["without"].get<double>(), 500000);
  EXPECT_DOUBLE_EQ(m["events_per_s"]["with"].get<double>(), 490000);
  EXPECT_DOUBLE_EQ(m["events_per_hub_cpu_s"]["with"].get<double>(), 980000);
  EXPECT_EQ(m["latency_us"]["without"], (std::vector<double>{40, 80, 120}));
  EXPECT_EQ(m["latency_us"]["with"], (std::vector<double>{42, 88, 130}));
  EXPECT_DOUBLE_EQ(m["ratio_with_without"]["events_per_s"].get<double>(), 0.98);
  EXPECT_DOUBLE_EQ(m["ratio_with_without"]["p50"].get<double>(), 1.05);
  EXPECT_DOUBLE_EQ(m["ratio_with_without"]["p99"].get<double>(), 1.1);
  EXPECT_DOUBLE_EQ(m["paired_ratio_median"]["events_per_s"].get<double>(), 0.95);
  EXPECT_DOUBLE_EQ(m["paired_ratio_median"]["events_per_hub_cpu_s"].get<double>(), 0.8);
  EXPECT_EQ(m["records_received"], 12345);
  EXPECT_EQ(m["records_dropped"], 6);
  EXPECT_DOUBLE_EQ(j["events_per_s"]["hub"].get<double>(), 500000);  // the rest is unchanged
}

TEST(BenchHubJson, HasTheHubOverForwardRatioOfEveryPairAndTheirMedians) {
  const auto j = printed(measured(false));
  EXPECT_EQ(j["paired_hub_over_forward"]["events_per_s"], (std::vector<double>{0.7, 0.75, 0.8, 0.6}));
  EXPECT_EQ(j["paired_hub_over_forward"]["events_per_hub_cpu_s"], (std::vector<double>{0.65, 0.6, 0.7, 0.55}));
  EXPECT_DOUBLE_EQ(j["paired_median_hub_over_forward"]["events_per_s"].get<double>(), 0.725);
  EXPECT_DOUBLE_EQ(j["paired_median_hub_over_forward"]["events_per_hub_cpu_s"].get<double>(), 0.625);
}

TEST(BenchHubJson, WithoutMonitorHasNoMonitorObject) {
  const auto j = printed(measured(false));
  EXPECT_FALSE(j.contains("monitor")) << j.dump();
  EXPECT_TRUE(j.contains("latency_us"));
}
