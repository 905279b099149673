// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test harness: a hub (time master, site 0) and a node (site 1) with ion::link::Link on a SimWorld.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "env/sim_world.hpp"
#include "link/link.hpp"
#include "link_test_util.hpp"

namespace ion::link::test {

inline constexpr SiteId kHub = 0;
inline constexpr SiteId kNode = 1;

struct Endpoint {
  SimEnv* env = nullptr;
  std::unique_ptr<Link> link;
  std::vector<std::pair<SiteId, Event>> events;  // delivered events
  std::vector<Time> event_true_ns;               // world time of each delivery
  std::vector<std::pair<SiteId, PeerTransition>> transitions;
  std::vector<Time> transition_true_ns;
  std::vector<std::vector<uint8_t>> raw;  // captured datagrams (if capture)
  std::vector<Time> raw_rx_local_ns;      // their local receive times
  std::vector<LinkStats> stats;           // on_stats snapshots
  bool capture = false;
};

struct Pair {
  SimWorld world;
  Endpoint hub, node;

  explicit Pair(uint64_t seed, NodeClock hub_clock = {}, NodeClock node_clock = {}) : world(SimWorldOptions{seed, ""}) {
    hub.env = world.add_node("hub", hub_clock).value();
    node.env = world.add_node("node", node_clock).value();
  }

  LinkConfig config(SiteId self, const char* bind, uint64_t epoch) {
    LinkConfig c;
    c.self = self;
    c.bind = addr(bind);
    c.epoch = epoch;
    c.time_master = self == kHub;
    return c;
  }

  LinkHandlers handlers(Endpoint& ep) {
    LinkHandlers h;
    h.on_events = link::each_event([this, &ep](SiteId from, const Event& e) {
      ep.events.emplace_back(from, e);
      ep.event_true_ns.push_back(world.now());
    });
    h.on_peer = [this, &ep](SiteId p, PeerTransition t) {
      ep.transitions.emplace_back(p, t);
      ep.transition_true_ns.push_back(world.now());
    };
    h.on_raw = [&ep](const Datagram& d) {
      if (!ep.capture) return;
      ep.raw.emplace_back(d.data.begin(), d.data.end());
      ep.raw_rx_local_ns.push_back(d.rx_time_ns);
    };
    h.on_stats = [&ep](const LinkStats& s) { ep.stats.push_back(s); };
    return h;
  }

  void start_hub(LinkConfig c) {
    PeerSpec p{kNode, addr("127.0.0.1:7001"), test_psk(), false, false};
    auto l = Link::create(*hub.env, c, {p}, handlers(hub));
    ASSERT_TRUE(l.is_ok()) << l.status().to_string();
    hub.link = std::move(*l);
  }
  void start_node(LinkConfig c) {
    PeerSpec p{kHub, addr("127.0.0.1:7000"), test_psk(), false, true};
    auto l = Link::create(*node.env, c, {p}, handlers(node));
    ASSERT_TRUE(l.is_ok()) << l.status().to_string();
    node.link = std::move(*l);
  }
  void start(LinkConfig hub_cfg, LinkConfig node_cfg) {
    start_hub(hub_cfg);
    start_node(node_cfg);
  }
  void start() { start(config(kHub, "127.0.0.1:7000", 0x1111), config(kNode, "127.0.0.1:7001", 0x2222)); }
};

inline Spike spike_at(uint32_t index, Time t) { return Spike{NeuronAddr{kNode, index}, t, SpikeKind::spike}; }

}  // namespace ion::link::test
