// SPDX-License-Identifier: Apache-2.0
// `ion bench link` harness, short phases: the receiver process is forked and answers, the raw
// baseline uses exactly the datagram sizes the ion phases produced, the authenticated link
// delivers without refusals, and bad settings are refused with a message naming the option.
// No speed assertions (the machine is shared).
#include <gtest/gtest.h>

#include <cmath>

#include "bench/link/bench_link.hpp"

using namespace ion;
using namespace ion::link::bench;

TEST(BenchLink, ShortRunMeasuresBothPathsWithTheSameSizes) {
  BenchLinkConfig cfg;
  cfg.throughput_ns = 200 * kMillisecond;
  cfg.latency_ns = 300 * kMillisecond;
  cfg.rate_hz = 2000;
  cfg.burst_events = 1024;
  auto r = run_bench_link(cfg);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_GT(r->ion.events, 0u);
  EXPECT_LE(r->ion.events, r->ion.sent_events);
  EXPECT_GT(r->ion.datagrams, 0u);
  EXPECT_EQ(r->ion_rejected + r->ion_malformed, 0u);
  EXPECT_GT(r->events_per_datagram, 10.0);  // batched: many spikes per datagram
  EXPECT_GT(r->raw.datagrams, 0u);
  EXPECT_EQ(r->raw.bytes, r->raw.datagrams * static_cast<uint64_t>(std::lround(r->ion.mean_bytes())));
  EXPECT_GT(r->ion.sender_cpu_s, 0.0);
  EXPECT_GT(r->raw.receiver_cpu_s, 0.0);
  for (const Latency* l : {&r->ion_lat, &r->raw_lat}) {
    EXPECT_GT(l->samples, 300u);  // 600 offered, the first 100 are warm-up
    EXPECT_LE(l->samples, l->sent);
    EXPECT_GT(l->p50_us, 0.0);
    EXPECT_LE(l->p50_us, l->p99_us);
    EXPECT_LE(l->p99_us, l->p999_us);
    EXPECT_LE(l->p999_us, l->max_us);
  }
  EXPECT_DOUBLE_EQ(r->raw_lat.mean_bytes, std::round(r->ion_lat.mean_bytes));
  EXPECT_GE(r->ion_lat.queue_p50_us, 0.0);
}

TEST(BenchLink, RefusesBadSettings) {
  BenchLinkConfig cfg;
  cfg.rate_hz = 0;
  auto r = run_bench_link(cfg);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("--rate"), std::string::npos) << r.status().message();
  cfg = BenchLinkConfig{};
  cfg.throughput_ns = 0;
  r = run_bench_link(cfg);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("--latency-seconds"), std::string::npos) << r.status().message();
  cfg = BenchLinkConfig{};
  cfg.burst_events = 0;
  r = run_bench_link(cfg);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("--burst"), std::string::npos) << r.status().message();
}
