// SPDX-License-Identifier: Apache-2.0
// RealEnv::send_batch with UDP GSO over loopback (addresses 127.0.180.x only): a mixed-size
// burst to two peers arrives exactly — count, order within each peer, bytes — with equal-size
// runs sent as UDP_SEGMENT messages; and a socket on which the kernel refuses UDP_SEGMENT
// (SO_NO_CHECK: net/ipv4/udp.c udp_send_skb returns EINVAL) falls back to plain datagrams, counted.
// No speed assertions: the 10 s bound only ends a broken run.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "core/prng.hpp"
#include "env/real_env.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

SockAddr at(const char* a) { return SockAddr::parse(a).value(); }

// Datagram `seq` of a burst: its number, then bytes derived from it (so any change shows).
std::vector<uint8_t> body(uint32_t seq, size_t size) {
  std::vector<uint8_t> b(size);
  for (size_t i = 0; i < size; ++i) b[i] = static_cast<uint8_t>(seq * 31 + i * 7);
  if (size >= 4) std::memcpy(b.data(), &seq, 4);
  return b;
}

struct Received {
  std::map<int, std::vector<std::vector<uint8_t>>> by_peer;  // by receiver number
  size_t total = 0;
};

// Receiver number `peer` bound at `addr` (port 0: any); appends what it gets to `r`. Returns
// its bound address.
SockAddr receiver(RealEnv& env, const SockAddr& addr, int peer, Received& r) {
  auto s = env.open_socket(addr, [&r, peer](const Datagram& d) {
    r.by_peer[peer].emplace_back(d.data.begin(), d.data.end());
    ++r.total;
  });
  EXPECT_TRUE(s.is_ok()) << s.status().to_string();
  return s.is_ok() ? env.local_address(*s).value() : SockAddr{};
}

void run_until(RealEnv& env, const std::function<bool()>& done) {
  const Time give_up = env.now() + 10_s;
  while (!done() && env.now() < give_up) ASSERT_TRUE(env.run_once(std::min(give_up, env.now() + 50_ms)).is_ok());
}

// A burst of runs: each run goes to one of `peers`, has 1–70 datagrams of one size (some end in
// a shorter one), sizes 1..1400 bytes. Deterministic for a seed.
struct Burst {
  std::vector<std::vector<uint8_t>> bodies;
  std::vector<SockAddr> to;
  std::vector<int> peer;  // receiver number of each datagram
};
Burst make_burst(uint64_t seed, const std::vector<SockAddr>& peers, size_t datagrams) {
  Rng rng(seed);
  Burst b;
  uint32_t seq = 0;
  while (b.bodies.size() < datagrams) {
    const int peer = static_cast<int>(rng.next_u64() % peers.size());
    const size_t size = 1 + rng.next_u64() % 1400;
    const size_t run = 1 + rng.next_u64() % 70;
    for (size_t i = 0; i < run && b.bodies.size() < datagrams; ++i) {
      const bool short_last = i + 1 == run && rng.next_u64() % 2 == 0;
      b.bodies.push_back(body(seq++, short_last ? 1 + size / 2 : size));
      b.to.push_back(peers[static_cast<size_t>(peer)]);
      b.peer.push_back(peer);
    }
  }
  return b;
}

// Sends the burst in batches of `per_call` and waits until everything sent has arrived.
void send_and_receive(RealEnv& env, SocketId tx, const Burst& b, size_t per_call, Received& r) {
  for (size_t from = 0; from < b.bodies.size(); from += per_call) {
    std::vector<OutDatagram> batch;
    for (size_t i = from; i < std::min(b.bodies.size(), from + per_call); ++i) batch.push_back({b.to[i], b.bodies[i]});
    auto n = env.send_batch(tx, batch);
    ASSERT_TRUE(n.is_ok()) << n.status().to_string();
    ASSERT_EQ(*n, batch.size());
    const size_t want = from + batch.size();
    run_until(env, [&] { return r.total >= want; });
  }
}

// What each peer should have received: the burst's datagrams to it, in order.
void expect_exact(const Burst& b, const Received& r) {
  std::map<int, std::vector<std::vector<uint8_t>>> want;
  for (size_t i = 0; i < b.bodies.size(); ++i) want[b.peer[i]].push_back(b.bodies[i]);
  EXPECT_EQ(r.total, b.bodies.size());
  for (const auto& [peer, list] : want) {
    auto it = r.by_peer.find(peer);
    ASSERT_NE(it, r.by_peer.end()) << "receiver " << peer;
    ASSERT_EQ(it->second.size(), list.size()) << "receiver " << peer;
    for (size_t i = 0; i < list.size(); ++i) ASSERT_EQ(it->second[i], list[i]) << "receiver " << peer << " #" << i;
  }
}

TEST(UdpGso, MixedSizeBurstToTwoPeersArrivesExactly) {
  RealEnv env;
  Received r;
  const SockAddr a0 = receiver(env, at("127.0.180.2:0"), 0, r);
  const SockAddr a1 = receiver(env, at("127.0.180.3:0"), 1, r);
  auto tx = env.open_socket(at("127.0.180.1:0"), [](const Datagram&) {});
  ASSERT_TRUE(tx.is_ok()) << tx.status().to_string();
  const Burst b = make_burst(180, {a0, a1}, 2000);
  send_and_receive(env, *tx, b, 150, r);
  expect_exact(b, r);
  EXPECT_GT(env.stats().gso_messages, 10u) << "equal-size runs should have left as UDP_SEGMENT messages";
  EXPECT_GT(env.stats().gso_datagrams, b.bodies.size() / 2);
  EXPECT_EQ(env.stats().gso_refused, 0u);
  EXPECT_EQ(env.stats().send_errors, 0u);
}

// A bound UDP socket on which the kernel refuses UDP_SEGMENT (SO_NO_CHECK set).
int no_check_socket(const char* ip) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  const int one = 1;
  EXPECT_EQ(::setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof one), 0) << std::strerror(errno);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = ::inet_addr(ip);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
  return fd;
}

TEST(UdpGso, RefusedSegmentationFallsBackToPlainDatagramsAndIsCounted) {
  RealEnv env;
  Received r;
  const SockAddr to = receiver(env, at("127.0.180.5:0"), 0, r);
  const int fd = no_check_socket("127.0.180.4");
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len), 0);
  ASSERT_TRUE(env.adopt_socket(fd).is_ok());
  auto tx = env.open_socket(at(("127.0.180.4:" + std::to_string(ntohs(bound.sin_port))).c_str()),
                            [](const Datagram&) {});
  ASSERT_TRUE(tx.is_ok()) << tx.status().to_string();
  Burst b;
  for (uint32_t i = 0; i < 120; ++i) {  // equal sizes: every run would be segmented
    b.bodies.push_back(body(i, 900));
    b.to.push_back(to);
    b.peer.push_back(0);
  }
  send_and_receive(env, *tx, b, 60, r);
  expect_exact(b, r);
  EXPECT_EQ(env.stats().gso_refused, 1u) << "the kernel accepted UDP_SEGMENT with SO_NO_CHECK: premise broken";
  EXPECT_EQ(env.stats().gso_messages, 0u);
  EXPECT_EQ(env.stats().send_errors, 0u);
}

}  // namespace
