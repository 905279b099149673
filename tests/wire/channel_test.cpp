// SPDX-License-Identifier: Apache-2.0
// Security: AEAD, epochs, replay — through the Channel state machine that link/ uses.
#include "wire/channel.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "wire_test_util.hpp"

namespace ion::wire {
namespace {

using Bytes = std::vector<uint8_t>;

Psk fixed_psk(uint8_t fill) {
  Psk k;
  k.bytes.fill(fill);
  return k;
}

ChannelConfig cfg(SiteId self, SiteId peer, uint64_t epoch, uint8_t psk_fill = 7, uint64_t floor = 0) {
  ChannelConfig c;
  c.self = self;
  c.peer = peer;
  c.self_epoch = epoch;
  c.psk = fixed_psk(psk_fill);
  c.peer_epoch_floor = floor;
  return c;
}

Bytes copy(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

// Two channels (A = site 1, B = site 2) with a completed handshake.
struct Pair {
  Channel a;
  Channel b;
  DatagramBuilder builder;
  Datagram out;
  Pair(uint64_t ea = 0xA1, uint64_t eb = 0xB1, uint8_t fa = 7, uint8_t fb = 7)
      : a(cfg(1, 2, ea, fa)), b(cfg(2, 1, eb, fb)) {}

  Bytes hello(Channel& from, bool reply) { return copy(from.encode_control(builder, Hello{reply, 1200}, 0)); }
  // from's answer to an unbound hello of `to_epoch`.
  Bytes reply(Channel& from, uint64_t to_epoch) { return copy(from.encode_reply(builder, to_epoch, 0)); }
  Bytes spikes(Channel& from, int n, Time t = 1000) {
    from.begin(builder, MsgType::events, t);
    for (int i = 0; i < n; ++i)
      EXPECT_EQ(builder.add(Spike{{from.self(), uint32_t(i)}, t - i, SpikeKind::spike}), Append::added);
    return copy(from.finish(builder));
  }
  // a → b hello (unbound), b → a hello reply (bound to a), a → b anything bound.
  void handshake() {
    auto r0 = b.open(hello(a, false), out);
    ASSERT_TRUE(r0.is_ok());
    EXPECT_TRUE(r0->needs_reply);
    EXPECT_EQ(b.addressed_epoch(), 0u);  // a hello binds nothing on its own
    auto r = a.open(reply(b, a.self_epoch()), out);
    ASSERT_TRUE(r.is_ok());
    EXPECT_TRUE(r->peer_epoch_changed);
    auto r2 = b.open(hello(a, true), out);
    ASSERT_TRUE(r2.is_ok());
    EXPECT_TRUE(r2->peer_epoch_changed);
    ASSERT_EQ(a.peer_epoch(), b.self_epoch());
    ASSERT_EQ(b.peer_epoch(), a.self_epoch());
  }
};

WireError err(WireResult<Received> r) { return r.is_ok() ? WireError::count_ : r.error(); }

TEST(WireChannel, HandshakeThenEventsAreDelivered) {
  Pair p;
  p.handshake();
  auto d = p.spikes(p.a, 50);
  auto r = p.b.open(d, p.out);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->bound);
  EXPECT_EQ(p.out.events.size(), 50u);
  EXPECT_EQ(std::get<Spike>(p.out.events[3]).t, 997);
  EXPECT_EQ(d.size(), p.builder.size_bytes() + kTagBytes);
}

TEST(WireChannel, PayloadIsEncrypted) {
  Pair p;
  p.handshake();
  p.a.begin(p.builder, MsgType::events, 0);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(p.builder.add(Spike{{1, 0}, 0, SpikeKind::spike}), Append::added);
  Bytes plain = copy(p.builder.finish_plain());
  p.a.begin(p.builder, MsgType::events, 0);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(p.builder.add(Spike{{1, 0}, 0, SpikeKind::spike}), Append::added);
  Bytes sealed = copy(p.a.finish(p.builder));
  EXPECT_FALSE(std::equal(plain.begin() + kHeaderBytes, plain.end(), sealed.begin() + kHeaderBytes));
}

TEST(WireChannel, EveryFlippedBitIsRejected) {
  Pair p;
  p.handshake();
  const Bytes d = p.spikes(p.a, 10);
  size_t rejected = 0;
  for (size_t bit = 0; bit < d.size() * 8; ++bit) {
    Bytes x = d;
    x[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto r = p.b.open(x, p.out);
    ASSERT_FALSE(r.is_ok()) << "bit " << bit << " accepted";
    ++rejected;
  }
  EXPECT_EQ(rejected, d.size() * 8);
  // Nothing was consumed by the forgeries: the genuine datagram still gets through, once.
  EXPECT_TRUE(p.b.open(d, p.out).is_ok());
  EXPECT_EQ(err(p.b.open(d, p.out)), WireError::duplicate);
}

TEST(WireChannel, FlippedPayloadOrTagBitIsAnAuthFailure) {
  Pair p;
  p.handshake();
  const Bytes d = p.spikes(p.a, 10);
  for (size_t byte = kHeaderBytes; byte < d.size(); ++byte) {
    Bytes x = d;
    x[byte] ^= 0x10;
    EXPECT_EQ(err(p.b.open(x, p.out)), WireError::auth_failed) << "byte " << byte;
  }
  Bytes x = d;
  x[40] ^= 1;  // send time: authenticated header
  EXPECT_EQ(err(p.b.open(x, p.out)), WireError::auth_failed);
}

TEST(WireChannel, WrongKeyIsRejected) {
  Pair p(0xA1, 0xB1, 7, 8);  // different PSKs
  EXPECT_EQ(err(p.b.open(p.hello(p.a, false), p.out)), WireError::auth_failed);
  EXPECT_EQ(p.b.addressed_epoch(), 0u);
  EXPECT_EQ(err(p.a.open(p.hello(p.b, false), p.out)), WireError::auth_failed);
}

TEST(WireChannel, ReplayedDatagramIsRejected) {
  Pair p;
  p.handshake();
  const Bytes d1 = p.spikes(p.a, 3);
  const Bytes d2 = p.spikes(p.a, 3);
  ASSERT_TRUE(p.b.open(d2, p.out).is_ok());
  auto r = p.b.open(d1, p.out);  // reordered: accepted once
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->window.reordered);
  EXPECT_EQ(err(p.b.open(d1, p.out)), WireError::duplicate);
  EXPECT_EQ(err(p.b.open(d2, p.out)), WireError::duplicate);
}

TEST(WireChannel, PeerRestartIsAdoptedAndItsOldIncarnationCannotComeBack) {
  Pair p;
  const Bytes old_hello = p.hello(p.a, false);  // A's first incarnation (0xA1)
  p.handshake();
  const Bytes old_data = p.spikes(p.a, 3);
  const Bytes straggler = p.spikes(p.a, 2);  // sent before the crash, still in flight
  ASSERT_TRUE(p.b.open(old_data, p.out).is_ok());
  // A restarts with a newer epoch; same PSK.
  Channel a2(cfg(1, 2, 0xA2));
  DatagramBuilder bb;
  auto h = p.b.open(copy(a2.encode_control(bb, Hello{}, 0)), p.out);  // unbound hello
  ASSERT_TRUE(h.is_ok());
  EXPECT_TRUE(h->needs_reply);
  EXPECT_TRUE(h->floor_raised);
  EXPECT_EQ(p.b.floor(), 0xA2u);
  EXPECT_EQ(p.b.peer_epoch(), 0xA1u);       // an unbound hello adopts nothing
  EXPECT_EQ(p.b.addressed_epoch(), 0xA1u);  // and changes nothing we address
  ASSERT_TRUE(a2.open(p.reply(p.b, 0xA2), p.out).is_ok());
  a2.begin(bb, MsgType::events, 0);
  ASSERT_EQ(bb.add(Spike{{1, 1}, 0, SpikeKind::spike}), Append::added);
  auto r = p.b.open(copy(a2.finish(bb)), p.out);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->peer_epoch_changed);
  EXPECT_EQ(p.b.peer_epoch(), 0xA2u);
  EXPECT_EQ(p.b.previous_epoch(), 0xA1u);
  // A straggler of the dead incarnation, addressed to us, fills its stream once.
  auto s = p.b.open(straggler, p.out);
  ASSERT_TRUE(s.is_ok());
  EXPECT_TRUE(s->previous);
  EXPECT_FALSE(s->bound);
  EXPECT_EQ(err(p.b.open(straggler, p.out)), WireError::duplicate);
  // Replays of the first incarnation's datagrams are refused and change nothing.
  EXPECT_EQ(err(p.b.open(old_data, p.out)), WireError::duplicate);
  EXPECT_EQ(err(p.b.open(old_hello, p.out)), WireError::old_epoch);
  EXPECT_EQ(p.b.peer_epoch(), 0xA2u);
}

TEST(WireChannel, DatagramForOurPreviousIncarnationIsRejected) {
  Pair p;
  p.handshake();
  const Bytes d = p.spikes(p.a, 3);  // bound to B's epoch 0xB1
  Channel b2(cfg(2, 1, 0xB2));       // B restarted
  Datagram out;
  EXPECT_EQ(err(b2.open(d, out)), WireError::stale_epoch);
}

TEST(WireChannel, UnboundNonHelloIsRejected) {
  Pair p;
  const Bytes d = p.spikes(p.a, 2);  // A does not know B's epoch yet
  EXPECT_EQ(err(p.b.open(d, p.out)), WireError::unbound);
}

TEST(WireChannel, SequenceNumbersAreNeverReusedAcrossKeys) {
  Pair p;
  std::vector<uint64_t> seqs;
  seqs.push_back(p.a.next_send_seq());
  (void)p.hello(p.a, false);
  p.handshake();
  for (int i = 0; i < 5; ++i) {
    seqs.push_back(p.a.next_send_seq());
    (void)p.spikes(p.a, 1);
  }
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_GT(seqs[i], seqs[i - 1]);
}

TEST(WireChannel, NonceReuseIsRejected) {
  // A forged datagram reusing an accepted (epoch, seq) with other content fails: same seq →
  // duplicate before AEAD; and a re-encryption under the same nonce with a changed payload
  // cannot be produced without the key, so a splice of header+other ciphertext fails auth.
  Pair p;
  p.handshake();
  const Bytes d1 = p.spikes(p.a, 4);
  const Bytes d2 = p.spikes(p.a, 5);
  Bytes splice = d1;
  splice.resize(kHeaderBytes);
  splice.insert(splice.end(), d2.begin() + kHeaderBytes, d2.end());
  splice[10] = d2[10];  // matching count
  EXPECT_EQ(err(p.b.open(splice, p.out)), WireError::auth_failed);
  ASSERT_TRUE(p.b.open(d1, p.out).is_ok());
  EXPECT_EQ(err(p.b.open(d1, p.out)), WireError::duplicate);
}

TEST(WireChannel, WrongSitesAreRejected) {
  Pair p;
  Channel c(cfg(3, 2, 0xC1));  // site 3 talking to B, but B's channel is for peer 1
  DatagramBuilder bb;
  EXPECT_EQ(err(p.b.open(copy(c.encode_control(bb, Hello{}, 0)), p.out)), WireError::wrong_site);
}

TEST(WireChannel, InsecureOnlyWhenAllowed) {
  ChannelConfig ia = cfg(1, 2, 0xA1);
  ia.psk.reset();
  ia.insecure_allowed = true;
  Channel a(ia);
  DatagramBuilder bb;
  const Bytes hello = copy(a.encode_control(bb, Hello{}, 0));
  EXPECT_EQ(hello.size(), kHeaderBytes + 4);  // no tag
  Datagram out;
  Channel secure_b(cfg(2, 1, 0xB1));
  EXPECT_EQ(err(secure_b.open(hello, out)), WireError::insecure_refused);
  ChannelConfig ib = cfg(2, 1, 0xB1);
  ib.insecure_allowed = true;
  Channel insecure_b(ib);
  EXPECT_TRUE(insecure_b.open(hello, out).is_ok());
  // A sealed datagram flipped to "insecure" is refused by a secure-only receiver.
  Pair p;
  p.handshake();
  Bytes d = p.spikes(p.a, 2);
  d[4] |= kFlagInsecure;
  EXPECT_EQ(err(p.b.open(d, p.out)), WireError::insecure_refused);
}

TEST(WireChannel, TooOldAfterWindowMoves) {
  Pair p;
  p.handshake();
  const Bytes old = p.spikes(p.a, 1);
  for (uint64_t i = 0; i < ReplayWindow::kWindow + 1; ++i) ASSERT_TRUE(p.b.open(p.spikes(p.a, 1), p.out).is_ok());
  EXPECT_EQ(err(p.b.open(old, p.out)), WireError::too_old);
}

TEST(WireCrypto, DerivedKeysDependOnEveryInput) {
  const Psk k = fixed_psk(1);
  const KeyUse u = hello_key_use(0);
  const LinkKey base = derive_link_key(k, 1, 2, 10, 20, u);
  EXPECT_TRUE(base.equals(derive_link_key(k, 1, 2, 10, 20, u)));
  EXPECT_FALSE(base.equals(derive_link_key(k, 2, 1, 10, 20, u)));
  EXPECT_FALSE(base.equals(derive_link_key(k, 1, 2, 11, 20, u)));
  EXPECT_FALSE(base.equals(derive_link_key(k, 1, 2, 10, 21, u)));
  EXPECT_FALSE(base.equals(derive_link_key(fixed_psk(2), 1, 2, 10, 20, u)));
}

TEST(WireCrypto, RandomEpochsDiffer) {
  const uint64_t a = random_epoch();
  const uint64_t b = random_epoch();
  EXPECT_NE(a, 0u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace ion::wire

namespace ion::wire {
namespace {

// Everything B's channel shows: any change after a refused datagram is a bug.
struct Snapshot {
  uint64_t peer_epoch, addressed, floor, previous, next_seq, window_next;
  explicit Snapshot(const Channel& c)
      : peer_epoch(c.peer_epoch()),
        addressed(c.addressed_epoch()),
        floor(c.floor()),
        previous(c.previous_epoch()),
        next_seq(c.next_send_seq()),
        window_next(c.window().next()) {}
  bool operator==(const Snapshot&) const = default;
};

// An earlier run of A (epoch 0xA0, same key) said hello and sent data to B's earlier incarnation.
struct EarlierRun {
  Bytes hello, reply_to_it, data;
  EarlierRun() {
    Pair old(0xA0, 0xB0);
    hello = old.hello(old.a, false);
    reply_to_it = old.reply(old.b, 0xA0);
    old.handshake();
    data = old.spikes(old.a, 4);
  }
};

TEST(WireChannel, ReplayedOldUnboundHelloIsRefusedAndChangesNothing) {
  const EarlierRun earlier;
  Pair p;  // the live run: A 0xA1, B 0xB1
  p.handshake();
  const Snapshot before(p.b);
  EXPECT_EQ(err(p.b.open(earlier.hello, p.out)), WireError::old_epoch);
  EXPECT_EQ(Snapshot(p.b), before);
  // The live peer is unaffected: its traffic flows both ways.
  EXPECT_TRUE(p.b.open(p.spikes(p.a, 1), p.out).is_ok());
  EXPECT_TRUE(p.a.open(p.spikes(p.b, 1), p.out).is_ok());
}

TEST(WireChannel, EveryDatagramOfAnEarlierRunIsRefused) {
  const EarlierRun earlier;
  Pair p;
  p.handshake();
  const Snapshot before(p.b);
  EXPECT_EQ(err(p.b.open(earlier.hello, p.out)), WireError::old_epoch);
  EXPECT_EQ(err(p.b.open(earlier.data, p.out)), WireError::stale_epoch);         // addressed to B's 0xB0
  EXPECT_EQ(err(p.a.open(earlier.reply_to_it, p.out)), WireError::stale_epoch);  // to A's 0xA0
  EXPECT_EQ(Snapshot(p.b), before);
}

TEST(WireChannel, PersistedFloorRefusesOldHellosBeforeTheLivePeerIsHeard) {
  const EarlierRun earlier;
  // B restarted; its epoch state says A's newest epoch was 0xA0 (the earlier run's).
  Channel b(cfg(2, 1, 0xB1, 7, /*floor=*/0xA0));
  Datagram out;
  EXPECT_EQ(err(b.open(earlier.hello, out)), WireError::old_epoch);  // equal to the floor: a replay
  EXPECT_EQ(b.floor(), 0xA0u);
  // A's live, newer incarnation is answered.
  Pair p(0xA1, 0xB1);
  auto r = b.open(p.hello(p.a, false), out);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->needs_reply && r->floor_raised);
}

TEST(WireChannel, WithoutAFloorAnOldHelloIsAnsweredButCannotBindAndIsRefusedOnceANewerOneIsHeard) {
  const EarlierRun earlier;
  Pair p;  // fresh key state: nothing known about A
  auto r = p.b.open(earlier.hello, p.out);
  ASSERT_TRUE(r.is_ok());  // indistinguishable from a live first hello
  EXPECT_TRUE(r->needs_reply);
  const Bytes answer = p.reply(p.b, 0xA0);  // addressed to the dead epoch: the live A refuses it
  EXPECT_EQ(err(p.a.open(answer, p.out)), WireError::stale_epoch);
  EXPECT_EQ(p.b.addressed_epoch(), 0u);
  p.handshake();  // the live, newer A is answered and adopted
  EXPECT_EQ(p.b.peer_epoch(), 0xA1u);
  EXPECT_EQ(err(p.b.open(earlier.hello, p.out)), WireError::old_epoch);
}

TEST(WireChannel, ReplayedHelloOfTheFollowedEpochIsADuplicate) {
  Pair p;
  const Bytes h0 = p.hello(p.a, false);
  const Bytes h1 = p.hello(p.a, false);
  ASSERT_TRUE(p.b.open(h1, p.out).is_ok());  // reordered hellos: each accepted once
  ASSERT_TRUE(p.b.open(h0, p.out).is_ok());
  EXPECT_EQ(err(p.b.open(h0, p.out)), WireError::duplicate);
  EXPECT_EQ(err(p.b.open(h1, p.out)), WireError::duplicate);
}

TEST(WireChannel, ForgedNewerHelloRaisesNothing) {
  Pair p;
  p.handshake();
  Channel a9(cfg(1, 2, 0xA9, /*psk_fill=*/8));  // a newer epoch under a wrong key
  DatagramBuilder bb;
  const Snapshot before(p.b);
  EXPECT_EQ(err(p.b.open(copy(a9.encode_control(bb, Hello{}, 0)), p.out)), WireError::auth_failed);
  EXPECT_EQ(Snapshot(p.b), before);
}

TEST(WireChannel, OurRestartIsJoinedByTheLivePeerAtTheFloor) {
  Pair p;
  p.handshake();
  // B restarts (0xB2); its state says A's newest epoch is 0xA1, which is still alive.
  Channel b2(cfg(2, 1, 0xB2, 7, /*floor=*/0xA1));
  Datagram out;
  EXPECT_EQ(err(b2.open(p.spikes(p.a, 1), out)), WireError::stale_epoch);  // to B's old incarnation
  auto h = p.a.open(p.hello(b2, false), out);
  ASSERT_TRUE(h.is_ok());
  EXPECT_TRUE(h->needs_reply);
  auto r = b2.open(p.reply(p.a, 0xB2), out);  // A's answer, bound to 0xB2
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->peer_epoch_changed);
  EXPECT_FALSE(r->floor_raised);
  EXPECT_EQ(b2.peer_epoch(), 0xA1u);
}

TEST(WireChannel, ReplyDoesNotChangeWhatWeAddress) {
  Pair p;
  p.handshake();
  const Bytes r = p.reply(p.b, 0xA7);
  EXPECT_EQ(peek_header(r)->receiver_epoch, 0xA7u);
  EXPECT_EQ(p.b.addressed_epoch(), 0xA1u);
  EXPECT_EQ(peek_header(p.spikes(p.b, 1))->receiver_epoch, 0xA1u);
}

}  // namespace
}  // namespace ion::wire
