// SPDX-License-Identifier: Apache-2.0
// Steady-state heap use of the link's data path: after warm-up, encoding and sending a flush
// (Peer::push + Peer::flush, several datagrams through send_many) and receiving its datagrams
// (Peer::on_datagram, decode, deliver) allocate nothing. This binary replaces the global
// operator new/delete with counting versions (so it is a binary of its own).
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "link/peer.hpp"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// These replacements pair malloc with free by construction; g++ cannot see that once they are
// inlined into a new-expression and would warn.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

using namespace ion;
using namespace ion::link;
using namespace ion::literals;

namespace {

// Outgoing datagrams of one side, in fixed buffers (the harness itself must not allocate).
struct Outbox {
  static constexpr size_t kSlots = 256;
  std::array<std::array<uint8_t, wire::kMaxDatagramBytes>, kSlots> buf{};
  std::array<size_t, kSlots> len{};
  size_t n = 0;
  bool put(std::span<const uint8_t> d) {
    if (n == kSlots || d.size() > wire::kMaxDatagramBytes) return false;
    std::copy(d.begin(), d.end(), buf[n].begin());
    len[n++] = d.size();
    return true;
  }
};

struct Side {
  Time now = 0;
  Outbox out;
  uint64_t delivered = 0;
  std::unique_ptr<Peer> peer;

  PeerContext context() {
    PeerContext c;
    c.local_now = [this] { return now; };
    c.to_experiment = [](Time t) { return t; };
    c.synced = [] { return true; };
    c.send = [this](std::span<const uint8_t> b) { return out.put(b); };
    c.send_many = [this](std::span<const std::span<const uint8_t>> ds) {
      size_t k = 0;
      while (k < ds.size() && out.put(ds[k])) ++k;
      return k;
    };
    c.deliver = [this](SiteId, std::span<const Event> events) { delivered += events.size(); };
    return c;
  }
  // Hands every queued datagram to `to` (at this side's time); returns how many.
  size_t deliver_to(Side& to) {
    const size_t n = out.n;
    for (size_t i = 0; i < n; ++i) (void)to.peer->on_datagram({out.buf[i].data(), out.len[i]}, now);
    out.n = 0;
    return n;
  }
};

struct Pair {
  Side hub, node;
  Pair() {
    wire::Psk k;
    k.bytes.fill(0x5A);
    PeerSpec to_node{1, SockAddr::parse("127.0.0.1:7001").value(), k, false, false};
    PeerSpec to_hub{0, SockAddr::parse("127.0.0.1:7000").value(), k, false, true};
    LinkConfig hc, nc;
    hc.self = 0;
    hc.time_master = true;
    nc.self = 1;
    hub.peer = std::make_unique<Peer>(to_node, hc, 0xAAAA, hub.context());
    node.peer = std::make_unique<Peer>(to_hub, nc, 0xBBBB, node.context());
    for (Time t = 0; t <= 300_ms; t += 1_ms) {  // handshake, clock sync
      hub.now = node.now = t;
      (void)hub.peer->service(t);
      (void)node.peer->service(t);
      while (hub.deliver_to(node) + node.deliver_to(hub) > 0) {
      }
    }
  }
};

struct Counts {
  uint64_t flush = 0, receive = 0, datagrams = 0, events = 0;
};

// One round: `events` spikes pushed and flushed by the node, then received by the hub.
Counts round(Pair& p, size_t events) {
  Counts c;
  p.node.now += 1_ms;
  p.hub.now = p.node.now;
  const uint64_t before = g_allocations.load();
  for (size_t i = 0; i < events; ++i)
    (void)p.node.peer->push(Spike{NeuronAddr{1, static_cast<uint32_t>(i % 64)}, p.node.now - 500_us}, p.node.now);
  (void)p.node.peer->flush(p.node.now, true);
  const uint64_t mid = g_allocations.load();
  const uint64_t delivered_before = p.hub.delivered;
  c.datagrams = p.node.deliver_to(p.hub);
  c.flush = mid - before;
  c.receive = g_allocations.load() - mid;
  c.events = p.hub.delivered - delivered_before;
  return c;
}

TEST(PeerAllocations, NoneInSteadyStateFlushAndReceive) {
  Pair p;
  ASSERT_TRUE(p.node.peer->stats(0).peer_up) << "handshake did not complete";
  constexpr size_t kEvents = 1000;                      // several full datagrams and a remainder per flush
  for (int i = 0; i < 5; ++i) (void)round(p, kEvents);  // warm-up: buffers reach their size
  Counts total;
  for (int i = 0; i < 20; ++i) {
    const Counts c = round(p, kEvents);
    total.flush += c.flush;
    total.receive += c.receive;
    total.datagrams += c.datagrams;
    total.events += c.events;
  }
  EXPECT_EQ(total.events, 20 * kEvents);  // everything arrived (the rounds did real work)
  EXPECT_GE(total.datagrams, 20u * 5);
  EXPECT_EQ(total.flush, 0u) << "allocations in push+flush over " << total.datagrams << " datagrams";
  EXPECT_EQ(total.receive, 0u) << "allocations in on_datagram over " << total.datagrams << " datagrams";
}

}  // namespace
