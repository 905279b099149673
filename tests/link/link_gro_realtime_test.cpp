// SPDX-License-Identifier: Apache-2.0
// Link on RealEnv over loopback (addresses 127.0.200.x only) with padded full datagrams
// (docs/protocol.md §3.1): a burst of mixed-size events leaves mostly in UDP_SEGMENT messages,
// arrives through UDP_GRO buffers split back into datagrams, and is delivered exactly (count,
// order, content); a receiver without GRO gets the same. No speed assertions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "env/real_env.hpp"
#include "link/link.hpp"
#include "link_test_util.hpp"

using namespace ion;
using namespace ion::link;
using namespace ion::literals;

namespace {
using test::test_psk;
// 127.0.200.host with a pid-derived port.
SockAddr loop(int host) { return test::loopback("127.0.200.", host); }

// Spike i of the burst: indices and time offsets of different varint lengths, so records and
// therefore unpadded datagrams differ in size.
Spike spike(uint32_t i, Time now) {
  const uint32_t base[] = {1, 200, 40'000, 9'000'000, 3'000'000'000u};
  return Spike{NeuronAddr{1, base[i % 5] + i}, now - static_cast<Time>((i * 7919) % 200'000),
               static_cast<SpikeKind>(i % 4)};
}

struct BurstRun {
  std::vector<Spike> sent, got;
  LinkStats hub_view;
  RealEnvStats env_stats;
};

// Node (site 1) at .host+1 sends `n` spikes in one loop iteration to the hub (site 0) at .host.
BurstRun burst(bool gro, int host, uint32_t n) {
  BurstRun r;
  RealEnv env(RealEnvOptions{"both", 1, "", gro});
  LinkConfig hc;
  hc.self = 0;
  hc.bind = loop(host);
  hc.time_master = true;
  LinkConfig nc;
  nc.self = 1;
  nc.bind = loop(host + 1);
  LinkHandlers hh;
  hh.on_events = link::each_event([&r](SiteId, const Event& e) { r.got.push_back(std::get<Spike>(e)); });
  auto hub = Link::create(env, hc, {PeerSpec{1, loop(host + 1), test_psk(), false, false}}, hh);
  auto node = Link::create(env, nc, {PeerSpec{0, loop(host), test_psk(), false, true}}, {});
  EXPECT_TRUE(hub.is_ok() && node.is_ok());
  if (!hub.is_ok() || !node.is_ok()) return r;
  EXPECT_TRUE(env.run_for(700_ms).is_ok());
  EXPECT_TRUE((*node)->stats(0)->peer_up);
  const RealEnvStats before = env.stats();
  for (uint32_t i = 0; i < n; ++i) {
    r.sent.push_back(spike(i, env.now()));
    EXPECT_TRUE((*node)->send(0, r.sent.back()).is_ok());
  }
  EXPECT_TRUE(env.run_for(300_ms).is_ok());
  r.hub_view = *(*hub)->stats(1);
  r.env_stats = env.stats();
  r.env_stats.gso_datagrams -= before.gso_datagrams;
  r.env_stats.gro_datagrams -= before.gro_datagrams;
  r.env_stats.gro_buffers -= before.gro_buffers;
  return r;
}

void expect_exact(const BurstRun& r) {
  ASSERT_EQ(r.got.size(), r.sent.size());
  for (size_t i = 0; i < r.sent.size(); ++i) {
    EXPECT_EQ(r.got[i].source, r.sent[i].source) << i;
    EXPECT_EQ(r.got[i].t, r.sent[i].t) << i;
    EXPECT_EQ(r.got[i].kind, r.sent[i].kind) << i;
  }
  EXPECT_EQ(r.hub_view.lost + r.hub_view.rejected + r.hub_view.malformed, 0u);
}
}  // namespace

TEST(LinkGro, MixedSizeBurstLeavesInGsoMessagesAndArrivesExactlyThroughGro) {
  const BurstRun r = burst(true, 1, 20000);
  expect_exact(r);
  // ≈ 130 events per datagram: ≈ 150 datagrams, all but the flush's last one full and padded.
  const uint64_t datagrams = r.hub_view.received;
  EXPECT_GT(r.env_stats.gso_datagrams, datagrams / 2) << "full datagrams should leave as UDP_SEGMENT runs";
  EXPECT_EQ(r.env_stats.gro_refused, 0u);
  EXPECT_GT(r.env_stats.gro_buffers, 0u) << "the kernel should have kept segmented runs coalesced";
  EXPECT_GT(r.env_stats.gro_datagrams, datagrams / 2);
}

TEST(LinkGro, ReceiverWithoutGroGetsEverythingOneDatagramPerBuffer) {
  const BurstRun r = burst(false, 3, 20000);
  expect_exact(r);
  EXPECT_GT(r.env_stats.gso_datagrams, r.hub_view.received / 2);
  EXPECT_EQ(r.env_stats.gro_buffers, 0u);
  EXPECT_EQ(r.env_stats.gro_datagrams, 0u);
}
