// SPDX-License-Identifier: Apache-2.0
// SimWorld network: ping-pong statistics, determinism, duplication, reordering, partitions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <vector>

#include "env/sim_world.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

SockAddr addr(const char* text) { return SockAddr::parse(text).value(); }

std::vector<uint8_t> encode(uint32_t seq, uint8_t kind) {
  std::vector<uint8_t> b(5);
  std::memcpy(b.data(), &seq, 4);
  b[4] = kind;
  return b;
}
uint32_t seq_of(const Datagram& d) {
  uint32_t seq = 0;
  std::memcpy(&seq, d.data.data(), 4);
  return seq;
}

struct Moments {
  double n = 0, sum = 0, sum2 = 0, min = 1e300, max = -1e300;
  void add(double x) {
    n += 1;
    sum += x;
    sum2 += x * x;
    min = std::min(min, x);
    max = std::max(max, x);
  }
  double mean() const { return sum / n; }
  double sd() const { return std::sqrt((sum2 - sum * sum / n) / (n - 1)); }
};

// A pings B every `period`; B echoes each ping. One-way delays are measured in true time.
struct PingPong {
  static constexpr int kPings = 4000;
  SimWorld world;
  SimEnv& a;
  SimEnv& b;
  SocketId sa = 0, sb = 0;
  std::vector<Time> sent_at = std::vector<Time>(kPings, -1);
  Moments one_way_ms;
  int pings_received = 0, pongs_received = 0;
  uint64_t trace = 0xCBF29CE484222325ULL;

  PingPong(uint64_t seed, const LinkImpairments& imp)
      : world(SimWorldOptions{seed, ""}), a(*world.add_node("a").value()), b(*world.add_node("b").value()) {
    EXPECT_TRUE(world.set_link_both("a", "b", imp).is_ok());
    sa = a.open_socket(addr("10.0.0.1:7000"), [this](const Datagram& d) { on_pong(d); }).value();
    sb = b.open_socket(addr("10.0.0.2:7000"), [this](const Datagram& d) { on_ping(d); }).value();
  }
  void fold(uint64_t v) {
    for (int i = 0; i < 8; ++i) trace = (trace ^ ((v >> (8 * i)) & 0xFF)) * 0x100000001B3ULL;
  }
  void on_ping(const Datagram& d) {
    EXPECT_EQ(d.rx_time_ns, b.now());
    EXPECT_EQ(d.from, addr("10.0.0.1:7000"));
    const uint32_t seq = seq_of(d);
    ++pings_received;
    one_way_ms.add(to_ms(world.now() - sent_at[seq]));
    fold(seq);
    fold(static_cast<uint64_t>(world.now()));
    EXPECT_TRUE(b.send_to(sb, d.from, encode(seq, 2)).is_ok());
  }
  void on_pong(const Datagram& d) {
    ++pongs_received;
    fold(seq_of(d) | (1ULL << 32));
    fold(static_cast<uint64_t>(world.now()));
  }
  void run(Duration period) {
    for (uint32_t i = 0; i < kPings; ++i) {
      world.schedule_at(i * period, [this, i] {
        sent_at[i] = world.now();
        EXPECT_TRUE(a.send_to(sa, addr("10.0.0.2:7000"), encode(i, 1)).is_ok());
      });
    }
    world.run_until(kPings * period + 1_s);
  }
};

LinkImpairments ten_ms(Jitter shape, double loss) {
  LinkImpairments imp;
  imp.latency_ns = 10_ms;
  imp.jitter_ns = 2_ms;
  imp.jitter = shape;
  imp.loss = loss;
  return imp;
}

TEST(SimNet, PingPongUniformJitterMatchesConfiguration) {
  PingPong pp(42, ten_ms(Jitter::uniform, 0.05));
  pp.run(20_ms);
  const double n = PingPong::kPings;
  // Delivered fractions: binomial sd ≈ 0.0034 per direction; bounds are ~6 sd.
  EXPECT_NEAR(pp.pings_received / n, 0.95, 0.02);
  EXPECT_NEAR(pp.pongs_received / n, 0.95 * 0.95, 0.025);
  // Uniform on [8, 12] ms: mean 10, sd 2/sqrt(3); sd of the mean ≈ 0.019 ms.
  EXPECT_NEAR(pp.one_way_ms.mean(), 10.0, 0.1);
  EXPECT_NEAR(pp.one_way_ms.sd(), 2.0 / std::sqrt(3.0), 0.06);
  EXPECT_GE(pp.one_way_ms.min, 8.0);
  EXPECT_LE(pp.one_way_ms.max, 12.0);
  // Truth counters agree with what the nodes saw.
  const LinkTruth& ab = *pp.world.link_truth("a", "b").value();
  EXPECT_EQ(ab.sent, static_cast<uint64_t>(PingPong::kPings));
  EXPECT_EQ(ab.delivered, static_cast<uint64_t>(pp.pings_received));
  EXPECT_EQ(ab.lost + ab.delivered, ab.sent);
  const LinkTruth& ba = *pp.world.link_truth("b", "a").value();
  EXPECT_EQ(ba.sent, static_cast<uint64_t>(pp.pings_received));
  EXPECT_EQ(ba.delivered, static_cast<uint64_t>(pp.pongs_received));
}

TEST(SimNet, PingPongTruncatedNormalJitter) {
  PingPong pp(43, ten_ms(Jitter::normal, 0.05));
  pp.run(20_ms);
  // Normal sd 2 ms truncated at ±3 sd has sd 2 * 0.98658 ms.
  EXPECT_NEAR(pp.one_way_ms.mean(), 10.0, 0.15);
  EXPECT_NEAR(pp.one_way_ms.sd(), 2.0 * 0.98658, 0.1);
  EXPECT_GE(pp.one_way_ms.min, 4.0);
  EXPECT_LE(pp.one_way_ms.max, 16.0);
  EXPECT_LT(pp.one_way_ms.min, 7.0);  // the tails are really there
  EXPECT_GT(pp.one_way_ms.max, 13.0);
}

TEST(SimNet, ExponentialJitterOnlyAddsDelay) {
  PingPong pp(44, ten_ms(Jitter::exponential, 0.0));
  pp.run(20_ms);
  EXPECT_EQ(pp.pings_received, PingPong::kPings);
  EXPECT_NEAR(pp.one_way_ms.mean(), 12.0, 0.15);  // latency + mean jitter
  EXPECT_NEAR(pp.one_way_ms.sd(), 2.0, 0.15);
  EXPECT_GE(pp.one_way_ms.min, 10.0);
}

TEST(SimNet, SameSeedSameTraceOtherSeedOtherTrace) {
  auto run = [](uint64_t seed) {
    PingPong pp(seed, ten_ms(Jitter::uniform, 0.05));
    pp.run(3_ms);  // pings overlap in flight, so jitter also changes the interleaving
    return std::pair{pp.trace, pp.world.digest()};
  };
  const auto first = run(7);
  EXPECT_EQ(first, run(7));
  const auto other = run(8);
  EXPECT_NE(first.first, other.first);
  EXPECT_NE(first.second, other.second);
}

// Guards the simulator's event order and random draws across machines and refactors: if this
// changes on purpose (new draw order, new event kind), update the constants in the same commit.
TEST(SimNet, GoldenDigestOfUniformPingPong) {
  PingPong pp(7, ten_ms(Jitter::uniform, 0.05));
  pp.run(3_ms);
  EXPECT_EQ(pp.world.events_processed(), 11424u);
  EXPECT_EQ(pp.world.digest(), 15210675960083888838u);
  EXPECT_EQ(pp.trace, 2083106880278179062u);
}

// Sends `count` datagrams a→b, one per ms; returns arrival order of sequence numbers.
std::vector<uint32_t> stream_a_to_b(SimWorld& w, int count) {
  SimEnv& a = *w.find_node("a");
  SimEnv& b = *w.find_node("b");
  auto arrivals = std::make_shared<std::vector<uint32_t>>();
  SocketId sa = a.open_socket(addr("10.0.0.1:1"), [](const Datagram&) {}).value();
  (void)b.open_socket(addr("10.0.0.2:1"), [arrivals](const Datagram& d) { arrivals->push_back(seq_of(d)); });
  for (int i = 0; i < count; ++i) {
    a.schedule_at(i * 1_ms, [&a, sa, i] { (void)a.send_to(sa, addr("10.0.0.2:1"), encode(i, 0)); });
  }
  w.run_until(count * 1_ms + 1_s);
  return *arrivals;
}

int count_out_of_order(const std::vector<uint32_t>& arrivals) {
  int late = 0;
  int64_t max_seen = -1;
  for (uint32_t s : arrivals) {
    if (static_cast<int64_t>(s) < max_seen) ++late;
    max_seen = std::max<int64_t>(max_seen, s);
  }
  return late;
}

TEST(SimNet, DuplicationAndReorderingShowInCountersAndArrivals) {
  SimWorld w(SimWorldOptions{5, ""});
  EXPECT_TRUE(w.add_node("a").is_ok());
  EXPECT_TRUE(w.add_node("b").is_ok());
  LinkImpairments imp;
  imp.latency_ns = 1_ms;
  imp.duplicate = 0.1;
  imp.reorder = 0.2;
  imp.reorder_delay_ns = 5_ms;
  EXPECT_TRUE(w.set_link("a", "b", imp).is_ok());
  const int n = 5000;
  std::vector<uint32_t> arrivals = stream_a_to_b(w, n);
  const LinkTruth& t = *w.link_truth("a", "b").value();
  EXPECT_EQ(t.sent, static_cast<uint64_t>(n));
  EXPECT_NEAR(static_cast<double>(t.duplicated) / n, 0.1, 0.015);
  EXPECT_NEAR(static_cast<double>(t.reordered) / (n + t.duplicated), 0.2, 0.02);
  EXPECT_EQ(t.delivered, t.sent + t.duplicated);
  EXPECT_EQ(arrivals.size(), t.delivered);
  std::map<uint32_t, int> copies;
  for (uint32_t s : arrivals) ++copies[s];
  uint64_t extra = 0;
  for (auto& [s, c] : copies) extra += static_cast<uint64_t>(c - 1);
  EXPECT_EQ(extra, t.duplicated);
  EXPECT_GT(count_out_of_order(arrivals), n / 10);
}

TEST(SimNet, CleanLinkKeepsOrderAndCountsExactly) {
  SimWorld w(SimWorldOptions{5, ""});
  EXPECT_TRUE(w.add_node("a").is_ok());
  EXPECT_TRUE(w.add_node("b").is_ok());
  LinkImpairments imp;
  imp.latency_ns = 3_ms;
  EXPECT_TRUE(w.set_link("a", "b", imp).is_ok());
  std::vector<uint32_t> arrivals = stream_a_to_b(w, 500);
  ASSERT_EQ(arrivals.size(), 500u);
  EXPECT_EQ(count_out_of_order(arrivals), 0);
  EXPECT_EQ(w.link_truth("a", "b").value()->dropped(), 0u);
}

TEST(SimNet, PartitionDropsEverythingWhileActive) {
  SimWorld w(SimWorldOptions{9, ""});
  SimEnv& a = *w.add_node("a").value();
  SimEnv& b = *w.add_node("b").value();
  LinkImpairments imp;
  imp.latency_ns = 10_ms;
  EXPECT_TRUE(w.set_default_link(imp).is_ok());
  EXPECT_TRUE(w.partition("a", "b", 1_s, 2_s).is_ok());
  std::vector<std::pair<Time, Time>> got;  // (sent, received) true times
  SocketId sa = a.open_socket(addr("10.0.0.1:1"), [](const Datagram&) {}).value();
  (void)b.open_socket(addr("10.0.0.2:1"), [&](const Datagram& d) { got.emplace_back(seq_of(d) * 1_ms, w.now()); });
  for (int i = 0; i < 3000; ++i) {
    w.schedule_at(i * 1_ms, [&a, sa, i] { (void)a.send_to(sa, addr("10.0.0.2:1"), encode(i, 0)); });
  }
  w.run_until(4_s);
  int before = 0, after = 0;
  for (auto [sent, received] : got) {
    EXPECT_FALSE(received >= 1_s && received < 2_s) << "received at " << format_duration(received);
    EXPECT_FALSE(sent >= 1_s && sent < 2_s) << "sent at " << format_duration(sent);
    (sent < 1_s ? before : after)++;
  }
  EXPECT_EQ(before, 990);  // sent before 990 ms arrive before the cut
  EXPECT_EQ(after, 1000);
  const LinkTruth& t = *w.link_truth("a", "b").value();
  EXPECT_EQ(t.partitioned, 1010u);  // 10 in flight at the cut + 1000 sent during it
  EXPECT_EQ(t.delivered + t.partitioned, t.sent);
  // Immediate switch, one direction only.
  EXPECT_TRUE(w.set_partitioned("a", "b", true).is_ok());
  EXPECT_TRUE(a.send_to(sa, addr("10.0.0.2:1"), encode(1, 0)).is_ok());
  w.run_for(1_s);
  EXPECT_EQ(t.partitioned, 1011u);
}

TEST(SimNet, UnroutableAndClosedSocketsAreCounted) {
  SimWorld w;
  SimEnv& a = *w.add_node("a").value();
  SimEnv& b = *w.add_node("b").value();
  SocketId sa = a.open_socket(addr("10.0.0.1:1"), [](const Datagram&) {}).value();
  SocketId sb = b.open_socket(addr("10.0.0.2:1"), [](const Datagram&) {}).value();
  EXPECT_TRUE(a.send_to(sa, addr("10.0.0.9:1"), encode(0, 0)).is_ok());
  EXPECT_EQ(w.unroutable(), 1u);
  EXPECT_TRUE(w.set_link("a", "b", LinkImpairments{.latency_ns = 1_ms}).is_ok());
  EXPECT_TRUE(a.send_to(sa, addr("10.0.0.2:1"), encode(0, 0)).is_ok());
  b.close_socket(sb);
  w.run_for(5_ms);
  EXPECT_EQ(w.link_truth("a", "b").value()->undeliverable, 1u);
  EXPECT_EQ(w.total_truth().sent, 1u);
}

TEST(SimNet, SocketErrorsAreClear) {
  SimWorld w;
  SimEnv& a = *w.add_node("a").value();
  SimEnv& b = *w.add_node("b").value();
  ASSERT_TRUE(a.open_socket(addr("127.0.0.1:7201"), [](const Datagram&) {}).is_ok());
  auto dup = b.open_socket(addr("127.0.0.1:7201"), [](const Datagram&) {});
  ASSERT_FALSE(dup.is_ok());
  EXPECT_EQ(dup.status().message(), "address 127.0.0.1:7201 already in use");
  EXPECT_EQ(dup.status().code(), Errc::already_exists);
  auto any = b.open_socket(addr("127.0.0.1:0"), [](const Datagram&) {});
  ASSERT_TRUE(any.is_ok());
  EXPECT_NE(b.local_address(*any)->port, 0);
  EXPECT_FALSE(a.local_address(*any).is_ok());  // not a's socket
  Status s = b.send_to(*any, addr("[::1]:5"), encode(0, 0));
  EXPECT_EQ(s.message(), "cannot send to [::1]:5 from " + b.local_address(*any)->to_string());
  std::vector<uint8_t> big(70000);
  EXPECT_EQ(b.send_to(*any, addr("127.0.0.1:7201"), big).code(), Errc::invalid_argument);
  EXPECT_EQ(b.send_to(99, addr("127.0.0.1:7201"), big).code(), Errc::not_found);
}

TEST(SimNet, BadImpairmentsAreRejectedByName) {
  SimWorld w;
  EXPECT_TRUE(w.add_node("a").is_ok());
  EXPECT_TRUE(w.add_node("b").is_ok());
  LinkImpairments imp;
  imp.loss = 1.5;
  const Status bad = w.set_link("a", "b", imp);
  EXPECT_EQ(bad.code(), Errc::out_of_range);
  EXPECT_EQ(bad.message(), "link a->b: link loss is 1.500000, expected a probability in [0, 1]");
  imp = LinkImpairments{};
  imp.jitter_ns = -1_ms;
  EXPECT_EQ(imp.validate().message(), "link jitter is -1ms, expected a duration >= 0");
  EXPECT_EQ(w.set_link("a", "nowhere", LinkImpairments{}).message(), "SimWorld: no node named \"nowhere\"");
  EXPECT_EQ(w.add_node("a").status().message(), "SimWorld::add_node: a node named \"a\" already exists");
  EXPECT_EQ(w.add_node("c", NodeClock{0, -1e6}).status().code(), Errc::invalid_argument);
  EXPECT_EQ(w.add_node("").status().message(), "SimWorld::add_node: empty node name");
  EXPECT_EQ(w.set_default_link(imp).message(), "default link: link jitter is -1ms, expected a duration >= 0");
  EXPECT_EQ(w.node_count(), 2u) << "a refused node was added";
  EXPECT_EQ(*parse_jitter("normal"), Jitter::normal);
  EXPECT_STREQ(jitter_name(Jitter::exponential), "exponential");
  EXPECT_EQ(parse_jitter("gauss").status().message(),
            "unknown jitter shape \"gauss\" (expected none, uniform, normal or exponential)");
}

}  // namespace
