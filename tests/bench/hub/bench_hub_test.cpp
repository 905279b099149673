// SPDX-License-Identifier: Apache-2.0
// `ion bench hub` harness, short phases: every spike in-process is forwarded and plastic, the
// three authenticated links deliver inputs with no refusals, all three latency paths are sampled,
// and bad settings are refused naming the option. No speed assertions (the machine is shared).
#include <gtest/gtest.h>

#include "bench/hub/bench_hub.hpp"

using namespace ion;
using namespace ion::hub::bench;

namespace {
BenchHubConfig short_config() {
  BenchHubConfig c;
  c.core_ns = 100 * kMillisecond;
  c.throughput_ns = 200 * kMillisecond;
  c.latency_ns = 300 * kMillisecond;
  c.rate_hz = 4000;
  c.burst_events = 256;
  c.synapses = 64;
  return c;
}
}  // namespace

TEST(BenchHub, ShortRunMeasuresEveryPath) {
  auto r = run_bench_hub(short_config());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_GT(r->core.sent, 0u);
  EXPECT_EQ(r->core.events, r->core.sent);  // every spike forwarded and pulsed
  EXPECT_EQ(r->core.pulses, r->core.sent);
  EXPECT_EQ(r->device.pulses, r->core.sent);
  EXPECT_GT(r->core.cpu_s, 0.0);
  EXPECT_EQ(r->auth_failures, 0u);
  EXPECT_EQ(r->device_errors, 0u);
  for (const Rate* n : {&r->hub, &r->forward}) {
    EXPECT_GT(n->events, 0u);
    EXPECT_LE(n->events, n->sent);
    EXPECT_GT(n->cpu_s, 0.0);
  }
  EXPECT_GT(r->hub.pulses, 0u);
  EXPECT_LE(r->hub.pulses, r->hub.sent);
  EXPECT_EQ(r->forward.pulses, 0u);  // the baseline has no hub logic
  // hub and forward-only in kThroughputPairs pairs, one ratio each, pooled rates above
  ASSERT_EQ(r->forward_pair_ratio.size(), static_cast<size_t>(kThroughputPairs));
  ASSERT_EQ(r->forward_pair_cpu_ratio.size(), static_cast<size_t>(kThroughputPairs));
  for (size_t i = 0; i < r->forward_pair_ratio.size(); ++i) {
    EXPECT_GT(r->forward_pair_ratio[i], 0.0);
    EXPECT_GT(r->forward_pair_cpu_ratio[i], 0.0);
  }
  for (const Lat* l : {&r->hub_lat, &r->forward_lat, &r->raw_lat}) {
    EXPECT_GT(l->samples, 300u);  // 3 rounds of 400 offered, the first 100 of each are warm-up
    EXPECT_LE(l->samples, l->sent);
    EXPECT_GT(l->p50_us, 0.0);
    EXPECT_LE(l->p50_us, l->p99_us);
    EXPECT_LE(l->p99_us, l->p999_us);
    EXPECT_LE(l->p999_us, l->max_us);
  }
  // The paired split: every sampled spike traced at every hop, with kernel receive stamps.
  for (const Breakdown* b : {&r->hub_split, &r->forward_split, &r->raw_split}) {
    EXPECT_GT(b->traced, 300u);
    EXPECT_LE(b->traced, b->e2e.sent);
    EXPECT_EQ(b->e2e.samples, b->traced);
    EXPECT_EQ(b->kernel_rx_missing, 0u);
    EXPECT_GT(b->software.p50_us, 0.0);
    EXPECT_GE(b->wakeup.p50_us, 0.0);
    EXPECT_LE(b->software.p50_us, b->software_wakeup.p50_us);
    EXPECT_LE(b->software_wakeup.max_us, b->e2e.max_us);
    EXPECT_GT(b->sw_hub.samples, 0u);
    EXPECT_GT(b->software_cpu.p50_us, 0.0);
  }
  for (const WakeWork* w : {&r->wake_work, &r->wake_work_mem}) {
    EXPECT_GT(w->iters, 0u);
    EXPECT_GT(w->wall.samples, 300u);
    EXPECT_EQ(w->cpu.samples, w->wall.samples);
    EXPECT_EQ(w->warm.samples, 3000u);  // 1000 back-to-back runs per round
    EXPECT_GT(w->warm.p50_us, 0.0);
  }
  EXPECT_GT(r->stalls.span_s, 0.0);
  EXPECT_LE(r->stalls.cpu_charged, r->stalls.count);
  EXPECT_LE(r->stalls.max_ns, r->stalls.stalled_ns);
}

// --hub-threads 2: the hub with HubCore on a logic thread is measured beside the 1-thread hub; it
// forwards, pulses, and its latency path is sampled like the others.
TEST(BenchHub, TwoThreadHubIsMeasuredBesideTheOneThreadHub) {
  BenchHubConfig c = short_config();
  c.hub_threads = 2;
  auto r = run_bench_hub(c);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->hub_threads, 2u);
  for (const Rate* n : {&r->hub, &r->hub_mt}) {
    EXPECT_GT(n->events, 0u);
    EXPECT_LE(n->events, n->sent);
    EXPECT_GT(n->pulses, 0u);
    EXPECT_GT(n->cpu_s, 0.0);
  }
  EXPECT_GT(r->hub_mt_lat.samples, 300u);
  EXPECT_LE(r->hub_mt_lat.samples, r->hub_mt_lat.sent);
  EXPECT_LE(r->hub_mt_lat.p50_us, r->hub_mt_lat.p99_us);
  EXPECT_EQ(r->auth_failures, 0u);
  EXPECT_EQ(r->device_errors, 0u);
  EXPECT_NE(threads_json(*r).find("\"hub_threads\""), std::string::npos);
}

TEST(BenchHub, RefusesBadSettings) {
  const std::pair<void (*)(BenchHubConfig&), const char*> cases[] = {
      {[](BenchHubConfig& c) { c.rate_hz = 0; }, "--rate"},
      {[](BenchHubConfig& c) { c.core_ns = 0; }, "--core-seconds"},
      {[](BenchHubConfig& c) { c.throughput_ns = 61 * kSecond; }, "--seconds"},
      {[](BenchHubConfig& c) { c.latency_ns = -1; }, "--latency-seconds"},
      {[](BenchHubConfig& c) { c.burst_events = 0; }, "--burst"},
      {[](BenchHubConfig& c) { c.synapses = 1; }, "--synapses"},
      {[](BenchHubConfig& c) { c.synapses = kMaxBenchSynapses + 1; }, "--synapses"},
      {[](BenchHubConfig& c) { c.hub_threads = 3; }, "--hub-threads"},
  };
  for (const auto& [mutate, option] : cases) {
    BenchHubConfig c = short_config();
    mutate(c);
    auto r = run_bench_hub(c);
    ASSERT_FALSE(r.is_ok()) << option;
    EXPECT_NE(r.status().message().find(option), std::string::npos) << r.status().message();
  }
}
