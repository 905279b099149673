// SPDX-License-Identifier: Apache-2.0
// Link on RealEnv over loopback UDP: handshake, a burst delivered exactly and in order, clock
// sync between two endpoints that share one real clock (so the true offset is 0).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "env/real_env.hpp"
#include "link/link.hpp"
#include "link_test_util.hpp"
#include "wire/crypto.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::literals;

namespace {
using test::test_psk;
// Distinct loopback addresses (127.31.pid.host) and a pid-derived port keep parallel test runs apart.
SockAddr loop(int host) { return test::loopback("127.31." + std::to_string(getpid() % 200) + ".", host); }
}  // namespace

TEST(LinkRealtime, LoopbackBurstAndClockSync) {
  RealEnv env(RealEnvOptions{"both", 1, ""});
  std::vector<uint32_t> got;
  LinkConfig hc;
  hc.self = 0;
  hc.bind = loop(1);
  hc.time_master = true;
  LinkConfig nc;
  nc.self = 1;
  nc.bind = loop(2);
  LinkHandlers hh;
  hh.on_events = link::each_event([&](SiteId from, const Event& e) {
    EXPECT_EQ(from, 1);
    got.push_back(std::get<Spike>(e).source.index);
  });
  auto hub = Link::create(env, hc, {PeerSpec{1, loop(2), test_psk(), false, false}}, hh);
  ASSERT_TRUE(hub.is_ok()) << hub.status().to_string();
  auto node = Link::create(env, nc, {PeerSpec{0, loop(1), test_psk(), false, true}}, {});
  ASSERT_TRUE(node.is_ok()) << node.status().to_string();
  ASSERT_TRUE(env.run_for(700_ms).is_ok());
  ASSERT_TRUE((*hub)->stats(1)->peer_up);
  ASSERT_TRUE((*node)->stats(0)->peer_up);
  ASSERT_TRUE((*node)->synced());
  for (uint32_t i = 0; i < 1000; ++i)
    ASSERT_TRUE((*node)->send(0, Spike{NeuronAddr{1, i}, 0, SpikeKind::spike}).is_ok());
  ASSERT_TRUE(env.run_for(300_ms).is_ok());
  ASSERT_EQ(got.size(), 1000u);
  for (uint32_t i = 0; i < 1000; ++i) EXPECT_EQ(got[i], i);
  const LinkStats s = *(*hub)->stats(1);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(s.rejected + s.malformed, 0u);
  EXPECT_EQ(s.events_received, 1000u);
  // Same clock on both ends: the estimated offset is the loopback path asymmetry only.
  EXPECT_LT(std::abs((*node)->experiment_now() - env.now()), 200_us);
  EXPECT_LT((*node)->stats(0)->rtt_ns, 10_ms);
}
