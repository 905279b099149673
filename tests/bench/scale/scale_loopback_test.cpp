// SPDX-License-Identifier: Apache-2.0
// bench/scale's loopback table over real UDP: this file binds 127.0.190.1 only (the range
// 127.0.190.0–127.0.199.255 belongs to tests/bench/scale). Tiny sizes, no speed assertions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bench/scale/bench_scale.hpp"

namespace ion::scale::bench {
namespace {

TEST(ScaleBenchLoopback, EveryPeerCountHasItsRowAndEverySpikeArrives) {
  ScaleConfig c;
  c.tables = {"loopback"};
  c.loopback = {2, 5};
  c.loopback_rate_hz = 20'000;
  c.point_ns = 100 * kMillisecond;
  c.host = "127.0.190.1";
  auto r = run_bench_scale(c);
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_EQ(r->loopback.size(), 2u);
  for (const Point& p : r->loopback) {
    EXPECT_GT(p.spikes, 0u) << p.size;
    EXPECT_EQ(p.lost, 0u) << p.size;
    EXPECT_EQ(p.auth_failures, 0u) << p.size;
    EXPECT_GT(p.p99_ns, 0) << p.size;
  }
  EXPECT_EQ(r->loopback[1].size, 5u);
  const std::string t = scale_table(c, *r);
  EXPECT_NE(t.find("hub over loopback vs peers"), std::string::npos) << t;
  EXPECT_NE(t.find("<- baseline"), std::string::npos) << t;
  EXPECT_NE(t.find("datagrams rejected by the hub: 0; spikes lost: 0"), std::string::npos) << t;
  const auto j = nlohmann::json::parse(scale_json(c, *r));
  EXPECT_EQ(j.at("loopback").size(), 2u);
  EXPECT_EQ(j.at("loopback")[0].at("lost"), 0);
}

TEST(ScaleBenchLoopback, AnAddressThatCannotBeBoundIsAnError) {
  ScaleConfig c;
  c.tables = {"loopback"};
  c.loopback = {2};
  c.point_ns = 10 * kMillisecond;
  c.host = "192.0.2.1";  // TEST-NET-1: not an address of this machine
  auto r = run_bench_scale(c);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("bench scale"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace ion::scale::bench
