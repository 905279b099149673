// SPDX-License-Identifier: Apache-2.0
// Peer without any Env: two Peers wired back to back through fake contexts (synchronous, no
// sleeps), and crafted datagrams for the refusal classes.
#include "link/peer.hpp"

#include "link_test_util.hpp"
#include "wire/records.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <vector>

using namespace ion;
using namespace ion::link;
using namespace ion::literals;

namespace {
using test::test_psk;

// One side of a synchronous in-memory link: outgoing datagrams queue in `out`.
struct Side {
  Time now = 0;
  std::deque<std::vector<uint8_t>> out;
  std::vector<std::pair<SiteId, Event>> delivered;
  std::vector<size_t> batches;  // events per deliver call (one call per datagram)
  std::unique_ptr<Peer> peer;
  bool hold = false;               // hold full datagrams and send them with send_many
  std::vector<size_t> many_sizes;  // datagrams per send_many call

  PeerContext context() {
    PeerContext c;
    c.hold_full_datagrams = hold;
    if (hold)
      c.send_many = [this](std::span<const std::span<const uint8_t>> ds) {
        for (const auto& d : ds) out.emplace_back(d.begin(), d.end());
        many_sizes.push_back(ds.size());
        return ds.size();
      };
    c.local_now = [this] { return now; };
    c.to_experiment = [](Time t) { return t; };
    c.synced = [] { return true; };
    c.send = [this](std::span<const uint8_t> b) {
      out.emplace_back(b.begin(), b.end());
      return true;
    };
    c.deliver = [this](SiteId s, std::span<const Event> events) {
      batches.push_back(events.size());
      for (const Event& e : events) delivered.emplace_back(s, e);
    };
    return c;
  }
};

LinkConfig config(SiteId self, bool master) {
  LinkConfig c;
  c.self = self;
  c.time_master = master;
  return c;
}

// Delivers everything queued on both sides (instantly), then services both at `t`.
void pump(Side& a, Side& b, Time t) {
  a.now = b.now = t;
  (void)a.peer->service(t);
  (void)b.peer->service(t);
  while (!a.out.empty() || !b.out.empty()) {
    while (!a.out.empty()) {
      (void)b.peer->on_datagram(a.out.front(), t);
      a.out.pop_front();
    }
    while (!b.out.empty()) {
      (void)a.peer->on_datagram(b.out.front(), t);
      b.out.pop_front();
    }
  }
}

struct Fixture {
  Side hub, node;
  explicit Fixture(bool insecure = false, bool node_holds = false) {
    node.hold = node_holds;
    PeerSpec to_node{1, SockAddr::parse("127.0.0.1:7001").value(), std::nullopt, insecure, false};
    PeerSpec to_hub{0, SockAddr::parse("127.0.0.1:7000").value(), std::nullopt, insecure, true};
    if (!insecure) to_node.psk = to_hub.psk = test_psk();
    hub.peer = std::make_unique<Peer>(to_node, config(0, true), 0xAAAA, hub.context());
    node.peer = std::make_unique<Peer>(to_hub, config(1, false), 0xBBBB, node.context());
  }
  void run_until(Time end, Duration step = 1_ms) {
    for (Time t = hub.now; t <= end; t += step) pump(hub, node, t);
  }
};
}  // namespace

TEST(Peer, HandshakeHeartbeatsAndEventsBackToBack) {
  Fixture f;
  f.run_until(300_ms);
  EXPECT_TRUE(f.hub.peer->liveness().up());
  EXPECT_TRUE(f.node.peer->liveness().up());
  EXPECT_EQ(f.hub.peer->channel().peer_epoch(), 0xBBBBu);
  EXPECT_GT(f.node.peer->liveness().stats().heartbeats_received, 0u);
  ASSERT_NE(f.node.peer->clock(), nullptr);
  EXPECT_EQ(f.hub.peer->clock(), nullptr);  // the master runs no ClockSync
  EXPECT_TRUE(f.node.peer->push(Spike{NeuronAddr{1, 4}, 5_ms, SpikeKind::evoked}, 300_ms));
  EXPECT_FALSE(f.node.peer->push(Spike{NeuronAddr{1, 5}, 6_ms, SpikeKind::spike}, 300_ms));
  EXPECT_FALSE(f.node.peer->flush(300_ms, false));
  pump(f.hub, f.node, 300_ms);
  ASSERT_EQ(f.hub.delivered.size(), 2u);
  EXPECT_EQ(std::get<Spike>(f.hub.delivered[0].second).kind, SpikeKind::evoked);
  EXPECT_EQ(f.hub.peer->stats(0).events_received, 2u);
  EXPECT_EQ(f.node.peer->stats(0).events_sent, 2u);
}

TEST(Peer, EventsBeforeHandshakeWaitAndThenLeave) {
  Fixture f;
  // Nothing has been exchanged: the node does not know the hub's epoch yet.
  (void)f.node.peer->push(Spike{NeuronAddr{1, 1}, 0, SpikeKind::spike}, 0);
  (void)f.node.peer->flush(0, true);
  EXPECT_TRUE(f.node.out.empty());
  f.run_until(50_ms);
  ASSERT_EQ(f.hub.delivered.size(), 1u);
}

TEST(Peer, RefusalsAreCountedByClass) {
  Fixture f;
  f.run_until(100_ms);
  const LinkStats before = f.hub.peer->stats(0);
  std::vector<uint8_t> bad(60, 0);
  bad[0] = 'x';
  (void)f.hub.peer->on_datagram(bad, 100_ms);  // bad magic
  std::vector<uint8_t> tiny(5, 0);
  (void)f.hub.peer->on_datagram(tiny, 100_ms);  // short
  // A well-formed header with garbage where the ciphertext and tag should be.
  wire::Header h;
  h.type = wire::MsgType::events;
  h.sender = 1;
  h.receiver = 0;
  h.count = 1;
  h.sender_epoch = 0xBBBB;
  h.receiver_epoch = 0xAAAA;
  h.seq = 1000;
  std::vector<uint8_t> forged(wire::kHeaderBytes + 30, 0x11);
  wire::write_header(h, forged);
  (void)f.hub.peer->on_datagram(forged, 100_ms);
  h.sender = 7;  // not this peer
  wire::write_header(h, forged);
  (void)f.hub.peer->on_datagram(forged, 100_ms);
  const LinkStats after = f.hub.peer->stats(0);
  EXPECT_EQ(after.malformed, before.malformed + 2);
  EXPECT_EQ(after.rejected, before.rejected + 2);
  const auto& e = f.hub.peer->counters().errors;
  EXPECT_EQ(e[static_cast<size_t>(wire::WireError::bad_magic)], 1u);
  EXPECT_EQ(e[static_cast<size_t>(wire::WireError::short_datagram)], 1u);
  EXPECT_EQ(e[static_cast<size_t>(wire::WireError::auth_failed)], 1u);
  EXPECT_EQ(e[static_cast<size_t>(wire::WireError::wrong_site)], 1u);
  EXPECT_TRUE(f.hub.delivered.empty());
}

namespace {
// The header of the node's next events datagram to the hub on an insecure Fixture whose link is
// up: a datagram built on it is one the hub accepts, unless its payload is malformed.
wire::Header next_insecure_events_header(Fixture& f) {
  wire::Header h;
  h.type = wire::MsgType::events;
  h.flags = wire::kFlagInsecure;
  h.sender = 1;
  h.receiver = 0;
  h.sender_epoch = 0xBBBB;
  h.receiver_epoch = 0xAAAA;
  h.seq = f.node.peer->channel().next_send_seq();
  return h;
}
}  // namespace

TEST(Peer, MalformedPayloadOnInsecureLinkIsMalformedNotDelivered) {
  Fixture f(true);
  f.run_until(100_ms);
  ASSERT_TRUE(f.hub.peer->liveness().up());
  const wire::Header h = next_insecure_events_header(f);
  wire::DatagramBuilder b;
  b.begin(h);
  ASSERT_EQ(b.add(Spike{NeuronAddr{1, 2}, 0, SpikeKind::spike}), wire::Append::added);
  std::vector<uint8_t> d(b.finish_plain().begin(), b.finish_plain().end());
  d[wire::kHeaderBytes] = 0xEE;  // the record's tag byte
  (void)f.hub.peer->on_datagram(d, 100_ms);
  EXPECT_EQ(f.hub.peer->stats(0).malformed, 1u);
  EXPECT_EQ(f.hub.peer->counters().errors[static_cast<size_t>(wire::WireError::bad_tag)], 1u);
  EXPECT_TRUE(f.hub.delivered.empty());
}

TEST(Peer, ClockSyncConvergesOverAnInstantPath) {
  Fixture f;
  f.run_until(3_s, 2_ms);
  ASSERT_TRUE(f.node.peer->clock()->estimator().estimate().valid);
  // Same clock, zero delay both ways: the offset is exactly 0.
  EXPECT_EQ(f.node.peer->clock()->to_master(3_s), 3_s);
  EXPECT_GT(f.hub.peer->counters().probes_answered, 32u);
}

TEST(Peer, InvalidEventIsCountedAndLeavesNoSequenceGap) {
  Fixture f;
  f.run_until(100_ms);
  (void)f.node.peer->push(Spike{NeuronAddr{kNoSite, 1}, 0, SpikeKind::spike}, 100_ms);  // invalid site
  (void)f.node.peer->flush(100_ms, true);
  f.run_until(500_ms);
  EXPECT_EQ(f.node.peer->counters().events_invalid, 1u);
  EXPECT_TRUE(f.hub.delivered.empty());
  EXPECT_EQ(f.hub.peer->stats(0).lost, 0u);
  EXPECT_EQ(f.hub.peer->stats(0).malformed, 0u);
  EXPECT_EQ(f.hub.peer->stats(0).received, f.node.peer->datagrams_sent());
}

// An event's wire fields, as its record against base 0 (the event structs have no operator==).
std::vector<uint8_t> record_of(const Event& e) {
  uint8_t buf[wire::records::kMaxRecordBytes];
  const size_t n = std::visit([&buf](const auto& v) { return wire::records::encode(v, 0, buf); }, e);
  return {buf, buf + n};
}

// Events datagrams among the queued outgoing datagrams.
size_t events_datagrams(const std::deque<std::vector<uint8_t>>& out) {
  return static_cast<size_t>(std::count_if(out.begin(), out.end(), [](const auto& d) {
    auto h = wire::peek_header(d);
    return h && h->type == wire::MsgType::events && h->count > 0;
  }));
}

// The receive contract (link.hpp, LinkHandlers::on_events): one deliver call per events datagram,
// its events in the order they were pushed, every event once; counters as before.
TEST(Peer, DeliversEachDatagramsEventsInOneCallInOrder) {
  Fixture f;
  f.run_until(100_ms);
  ASSERT_TRUE(f.hub.peer->liveness().up());
  const size_t n = 700;  // several full datagrams, of every record type
  std::vector<Event> sent;
  for (uint32_t i = 0; i < n; ++i) {
    const Time t = 90_ms + i;
    switch (i % 4) {
      case 0:
        sent.emplace_back(Spike{NeuronAddr{1, i}, t, SpikeKind::spike});
        break;
      case 1:
        sent.emplace_back(SynapticInput{NeuronAddr{0, i}, i, 0.25f, t});
        break;
      case 2:
        sent.emplace_back(Stimulus{static_cast<ElectrodeId>(i % 60), t, 1.5f, 2e-4f, 3e-7f, i});
        break;
      default:
        sent.emplace_back(WeightUpdate{i, t, 1e4f, 0.5f, PlasticityAction::potentiate});
        break;
    }
  }
  for (const Event& e : sent) (void)f.node.peer->push(e, 100_ms);
  (void)f.node.peer->flush(100_ms, true);
  const size_t datagrams = events_datagrams(f.node.out);
  ASSERT_GT(datagrams, 3u);
  const uint64_t before = f.hub.peer->stats(0).events_received;
  pump(f.hub, f.node, 100_ms);
  ASSERT_EQ(f.hub.delivered.size(), n);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(f.hub.delivered[i].first, 1u);
    EXPECT_EQ(record_of(f.hub.delivered[i].second), record_of(sent[i])) << "event " << i;
  }
  EXPECT_EQ(f.hub.batches.size(), datagrams);  // one call per datagram, none empty
  EXPECT_EQ(std::count(f.hub.batches.begin(), f.hub.batches.end(), 0u), 0);
  EXPECT_EQ(f.hub.peer->stats(0).events_received, before + n);
  EXPECT_EQ(f.hub.peer->stats(0).events_received, f.node.peer->stats(0).events_sent);
}

// A datagram whose middle record is malformed is refused whole, as a bad_tag: nothing of it is
// delivered or counted as received (the records before the bad one included), and the stream
// goes on with the next datagram. An events datagram with no events is accepted without a call.
TEST(Peer, DatagramWithBadRecordInTheMiddleDeliversNothing) {
  Fixture f(true);
  f.run_until(100_ms);
  ASSERT_TRUE(f.hub.peer->liveness().up());
  wire::Header h = next_insecure_events_header(f);
  auto datagram = [&h](size_t spikes) {
    wire::DatagramBuilder b;
    b.begin(h);
    for (uint32_t i = 0; i < spikes; ++i)
      EXPECT_EQ(b.add(Spike{NeuronAddr{1, i}, 0, SpikeKind::spike}), wire::Append::added);
    const auto bytes = b.finish_plain();
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
  };
  std::vector<uint8_t> bad = datagram(3);
  const size_t first = wire::records::size(Spike{NeuronAddr{1, 0}, 0, SpikeKind::spike}, 0);
  bad[wire::kHeaderBytes + first] = 0xEE;  // the second record's tag byte
  const LinkStats before = f.hub.peer->stats(0);
  (void)f.hub.peer->on_datagram(bad, 100_ms);
  EXPECT_EQ(f.hub.peer->counters().errors[static_cast<size_t>(wire::WireError::bad_tag)], 1u);
  EXPECT_EQ(f.hub.peer->stats(0).malformed, before.malformed + 1);
  EXPECT_EQ(f.hub.peer->stats(0).events_received, before.events_received);
  EXPECT_TRUE(f.hub.delivered.empty());
  EXPECT_TRUE(f.hub.batches.empty());
  ++h.seq;
  (void)f.hub.peer->on_datagram(datagram(0), 100_ms);  // accepted, nothing to hand over
  EXPECT_EQ(f.hub.peer->stats(0).received, before.received + 1);
  EXPECT_TRUE(f.hub.batches.empty());
  ++h.seq;
  (void)f.hub.peer->on_datagram(datagram(2), 100_ms);
  ASSERT_EQ(f.hub.batches, std::vector<size_t>{2});
  EXPECT_EQ(std::get<Spike>(f.hub.delivered[1].second).source.index, 1u);
  EXPECT_EQ(f.hub.peer->stats(0).events_received, before.events_received + 2);
}

namespace {
// A burst of spikes whose records differ in size (index varints of 1–5 bytes, time offsets of 1–3
// bytes), pushed in one loop iteration by the node, then flushed.
std::vector<Spike> mixed_burst(Time now, size_t n) {
  std::vector<Spike> v;
  const uint32_t indices[] = {3, 300, 70'000, 20'000'000, 4'000'000'000u};
  for (size_t i = 0; i < n; ++i)
    v.push_back(Spike{NeuronAddr{1, indices[i % 5] + static_cast<uint32_t>(i)},
                      now - static_cast<Time>((i * 37) % 9000), static_cast<SpikeKind>(i % 4)});
  return v;
}

void expect_burst_padded_and_delivered(bool hold) {
  Fixture f(false, hold);
  f.run_until(300_ms);
  ASSERT_TRUE(f.node.peer->liveness().up());
  const auto burst = mixed_burst(300_ms, 6000);
  for (const Spike& s : burst) (void)f.node.peer->push(s, 300_ms);
  const size_t sent_before_flush = f.node.out.size();
  (void)f.node.peer->flush(300_ms, false);
  // Every datagram closed full is exactly 1200 bytes; the flush's last one is not padded.
  ASSERT_GE(f.node.out.size(), 10u);
  for (size_t i = 0; i + 1 < f.node.out.size(); ++i) EXPECT_EQ(f.node.out[i].size(), wire::kMaxDatagramBytes) << i;
  EXPECT_LT(f.node.out.back().size(), wire::kMaxDatagramBytes);
  if (hold) {
    EXPECT_EQ(sent_before_flush, (f.node.out.size() - 1) / kMaxHeldDatagrams * kMaxHeldDatagrams);
    ASSERT_FALSE(f.node.many_sizes.empty());
    EXPECT_EQ(f.node.many_sizes[0], kMaxHeldDatagrams);
  } else {
    EXPECT_EQ(sent_before_flush, f.node.out.size() - 1);  // each full datagram left at once
  }
  pump(f.hub, f.node, 300_ms);
  ASSERT_EQ(f.hub.delivered.size(), burst.size());
  for (size_t i = 0; i < burst.size(); ++i) {
    const auto& got = std::get<Spike>(f.hub.delivered[i].second);
    EXPECT_EQ(got.source, burst[i].source) << i;
    EXPECT_EQ(got.t, burst[i].t) << i;
    EXPECT_EQ(got.kind, burst[i].kind) << i;
  }
  EXPECT_EQ(f.hub.peer->stats(0).malformed, 0u);
}
}  // namespace

// docs/protocol.md §3.1 and "Batching": full datagrams are padded to exactly 1200 bytes.
TEST(Peer, FullDatagramsArePaddedToTheLimitAndTheLastIsNot) { expect_burst_padded_and_delivered(false); }

// With hold_full_datagrams (RealEnv), full datagrams leave kMaxHeldDatagrams at a time and the
// rest with the flush; nothing is lost or reordered.
TEST(Peer, HeldFullDatagramsLeaveTogetherWithTheFlush) { expect_burst_padded_and_delivered(true); }
