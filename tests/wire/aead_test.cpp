// SPDX-License-Identifier: Apache-2.0
// AEAD suites and their negotiation (docs/protocol.md §4.2): known-answer vectors for both
// ciphers, the negotiation matrix (incl. a peer without AES-NI and pinned suites), downgrade and
// tampering, the key binding and the GCM nonce.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "wire/channel.hpp"
#include "wire/crypto.hpp"

namespace ion::wire {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes hex(const std::string& s) {
  Bytes out;
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}
SecretKey key_of(const Bytes& b) {
  SecretKey k;
  std::copy(b.begin(), b.end(), k.bytes.begin());
  return k;
}
Bytes copy(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

struct Vector {
  Aead suite;
  const char *key, *nonce, *ad, *plain, *cipher_and_tag;
};

// XChaCha20-Poly1305: draft-irtf-cfrg-xchacha-03 §A.3.1 (also libsodium's
// test/default/aead_xchacha20poly1305.c key and message). AES-256-GCM: McGrew & Viega, "The
// Galois/Counter Mode of Operation (GCM)", test cases 15 and 16 (256-bit key, 96-bit IV), the
// vectors NIST SP 800-38D cites.
const Vector kVectors[] = {
    {Aead::xchacha20poly1305, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
     "404142434445464748494a4b4c4d4e4f5051525354555657", "50515253c0c1c2c3c4c5c6c7",
     "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a204966204920636f756c64206f66"
     "66657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73637265656e20776f756c64206265"
     "2069742e",
     "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c21"
     "6cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b"
     "13b52ec0875924c1c7987947deafd8780acf49"},
    {Aead::aes256gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de65"
     "7ba637b391aafd255",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0"
     "abcc9f662898015adb094dac5d93471bdec1a502270e3cc6c"},
    {Aead::aes256gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de65"
     "7ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0"
     "abcc9f66276fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(WireAead, KnownAnswerVectorsOfBothSuites) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(aead_name(v.suite));
    if (v.suite == Aead::aes256gcm && !aes256gcm_available()) {
      // Without AES-NI the suite must refuse to run rather than produce anything.
      Bytes c(hex(v.plain).size() + kTagBytes);
      EXPECT_EQ(aead_encrypt(v.suite, key_of(hex(v.key)), hex(v.nonce), hex(v.ad), hex(v.plain), c.data()), 0u);
      continue;
    }
    const Bytes plain = hex(v.plain), expected = hex(v.cipher_and_tag);
    Bytes c(plain.size() + kTagBytes);
    ASSERT_EQ(aead_encrypt(v.suite, key_of(hex(v.key)), hex(v.nonce), hex(v.ad), plain, c.data()), c.size());
    EXPECT_EQ(c, expected);
    Bytes back(plain.size());
    auto n = aead_decrypt(v.suite, key_of(hex(v.key)), hex(v.nonce), hex(v.ad), expected, back.data());
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, plain.size());
    EXPECT_EQ(back, plain);
    Bytes bad = expected;
    bad.back() ^= 1;
    EXPECT_FALSE(aead_decrypt(v.suite, key_of(hex(v.key)), hex(v.nonce), hex(v.ad), bad, back.data()).has_value());
    // The other suite's nonce size is refused, never read past.
    const Bytes wrong_nonce(v.suite == Aead::aes256gcm ? kNonceBytes : kGcmNonceBytes, 0);
    EXPECT_EQ(aead_encrypt(v.suite, key_of(hex(v.key)), wrong_nonce, hex(v.ad), plain, c.data()), 0u);
  }
}

// seal/open use libsodium's precomputed AES-256-GCM state (derive_link_key); they must give
// exactly the bytes of the plain call that the known-answer vectors check.
TEST(WireAead, SealedDatagramsEqualTheVectorCheckedCall) {
  Psk psk;
  psk.bytes.fill(5);
  for (Aead suite : {Aead::xchacha20poly1305, Aead::aes256gcm}) {
    if (suite == Aead::aes256gcm && !aes256gcm_available()) continue;  // KnownAnswer… checks the refusal
    const LinkKey k = derive_link_key(psk, 1, 2, 10, 20, data_key_use(suite, 3, 3, 77));
    EXPECT_EQ(k.gcm_ready, suite == Aead::aes256gcm);
    DatagramBuilder b;
    Header h;
    h.sender = 1, h.receiver = 2, h.sender_epoch = 10, h.receiver_epoch = 20, h.seq = 77, h.send_time_ns = 5000;
    b.begin(h);
    for (uint32_t i = 0; i < 40; ++i) ASSERT_EQ(b.add(Spike{{1, i}, 4000 + i, SpikeKind::spike}), Append::added);
    const Bytes plain = copy(b.finish_plain());
    b.begin(h);
    for (uint32_t i = 0; i < 40; ++i) ASSERT_EQ(b.add(Spike{{1, i}, 4000 + i, SpikeKind::spike}), Append::added);
    const Bytes sealed = copy(seal(b, k, suite));
    Bytes expect(plain.size() - kHeaderBytes + kTagBytes);
    const Bytes nonce = suite == Aead::aes256gcm ? copy(make_gcm_nonce(h)) : copy(make_nonce(h));
    const std::span<const uint8_t> all(plain);
    ASSERT_EQ(aead_encrypt(suite, k, nonce, all.first(kHeaderBytes), all.subspan(kHeaderBytes), expect.data()),
              expect.size());
    EXPECT_EQ(Bytes(sealed.begin() + kHeaderBytes, sealed.end()), expect);
    Datagram out;
    ASSERT_TRUE(open(sealed, k, suite, out).is_ok());
    EXPECT_EQ(out.events.size(), 40u);
    Bytes bad = sealed;
    bad[kHeaderBytes + 3] ^= 0x40;
    EXPECT_EQ(open(bad, k, suite, out).error(), WireError::auth_failed);
  }
}

TEST(WireAead, OfferAndChoiceTable) {
  using P = AeadPolicy;
  EXPECT_EQ(aead_offer(P::automatic, true), 0x03);
  EXPECT_EQ(aead_offer(P::automatic, false), 0x01);
  EXPECT_EQ(aead_offer(P::xchacha20poly1305, true), 0x01);
  EXPECT_EQ(aead_offer(P::aes256gcm, true), 0x02);
  EXPECT_EQ(aead_offer(P::aes256gcm, false), std::nullopt);  // pinned GCM without AES-NI: a config error
  EXPECT_EQ(choose_aead(0x03, 0x03), Aead::aes256gcm);
  EXPECT_EQ(choose_aead(0x03, 0x01), Aead::xchacha20poly1305);
  EXPECT_EQ(choose_aead(0x01, 0x03), Aead::xchacha20poly1305);
  EXPECT_EQ(choose_aead(0x02, 0x03), Aead::aes256gcm);
  EXPECT_EQ(choose_aead(0x02, 0x01), std::nullopt);
}

TEST(WireAead, KeysBindSuiteOffersAndBlock) {
  Psk k;
  k.bytes.fill(3);
  const KeyUse base = data_key_use(Aead::aes256gcm, 0x03, 0x03, 5);
  const LinkKey a = derive_link_key(k, 1, 2, 10, 20, base);
  EXPECT_TRUE(a.equals(derive_link_key(k, 1, 2, 10, 20, base)));
  for (const KeyUse& u : {data_key_use(Aead::xchacha20poly1305, 0x03, 0x03, 5),
                          data_key_use(Aead::aes256gcm, 0x02, 0x03, 5), data_key_use(Aead::aes256gcm, 0x03, 0x02, 5),
                          data_key_use(Aead::aes256gcm, 0x03, 0x03, uint64_t{1} << kKeyBlockBits), hello_key_use(5)})
    EXPECT_FALSE(a.equals(derive_link_key(k, 1, 2, 10, 20, u)));
  EXPECT_EQ(data_key_use(Aead::aes256gcm, 3, 3, (uint64_t{1} << kKeyBlockBits) - 1).block, 0u);
}

TEST(WireAead, GcmNonceIsSenderReceiverSeqAndNeverRepeatsInAStream) {
  Header h;
  h.sender = 0x0102;
  h.receiver = 0x0304;
  h.sender_epoch = 0xFFFF;
  h.seq = 0x1122334455667788;
  const auto n = make_gcm_nonce(h);
  EXPECT_EQ(Bytes(n.begin(), n.end()), hex("020104038877665544332211"));
  h.seq += 1;
  EXPECT_NE(make_gcm_nonce(h), n);
}

// ---------------- negotiation through Channel ----------------

ChannelConfig cfg(SiteId self, SiteId peer, uint64_t epoch, uint8_t offer) {
  ChannelConfig c;
  c.self = self;
  c.peer = peer;
  c.self_epoch = epoch;
  c.psk = Psk{};
  c.psk->bytes.fill(9);
  c.aead_offer = offer;
  return c;
}

struct Link {
  Channel a, b;
  DatagramBuilder builder;
  Datagram out;
  Link(uint8_t offer_a, uint8_t offer_b) : a(cfg(1, 2, 0xA1, offer_a)), b(cfg(2, 1, 0xB1, offer_b)) {}
  Bytes hello(Channel& from) { return copy(from.encode_control(builder, Hello{}, 0)); }
  Bytes reply(Channel& from, uint64_t to) { return copy(from.encode_reply(builder, to, 0)); }
  Bytes spike(Channel& from) {
    from.begin(builder, MsgType::events, 1000);
    EXPECT_EQ(builder.add(Spike{{from.self(), 4}, 990, SpikeKind::spike}), Append::added);
    return copy(from.finish(builder));
  }
  // a's hello → b, b's reply → a (a adopts), a's events → b (b adopts). The first refusal, if any.
  std::optional<WireError> handshake() {
    if (auto r = b.open(hello(a), out); !r) return r.error();
    if (auto r = a.open(reply(b, a.self_epoch()), out); !r) return r.error();
    if (auto r = b.open(spike(a), out); !r) return r.error();
    if (auto r = a.open(spike(b), out); !r) return r.error();
    return std::nullopt;
  }
};

TEST(WireAead, NegotiationMatrix) {
  const bool here = aes256gcm_available();
  struct Row {
    AeadPolicy pa;
    bool aes_ni_a;
    AeadPolicy pb;
    bool aes_ni_b;
    std::optional<Aead> expect;  // nullopt: refused as aead_mismatch
  };
  using P = AeadPolicy;
  const Row rows[] = {
      {P::automatic, true, P::automatic, true, Aead::aes256gcm},
      {P::automatic, true, P::automatic, false, Aead::xchacha20poly1305},  // peer without AES-NI
      {P::automatic, false, P::automatic, true, Aead::xchacha20poly1305},
      {P::automatic, true, P::xchacha20poly1305, true, Aead::xchacha20poly1305},
      {P::aes256gcm, true, P::automatic, true, Aead::aes256gcm},
      {P::aes256gcm, true, P::automatic, false, std::nullopt},  // pinned GCM vs a peer without AES-NI
      {P::aes256gcm, true, P::xchacha20poly1305, true, std::nullopt},
      {P::xchacha20poly1305, false, P::xchacha20poly1305, false, Aead::xchacha20poly1305},
  };
  for (const Row& row : rows) {
    const auto oa = aead_offer(row.pa, row.aes_ni_a), ob = aead_offer(row.pb, row.aes_ni_b);
    ASSERT_TRUE(oa && ob);
    SCOPED_TRACE("offers " + std::to_string(*oa) + "/" + std::to_string(*ob));
    if (row.expect == Aead::aes256gcm && !here) continue;  // cannot seal GCM on this machine (table test above)
    Link l(*oa, *ob);
    const auto refused = l.handshake();
    if (!row.expect) {
      EXPECT_EQ(refused, WireError::aead_mismatch);
      EXPECT_EQ(l.b.floor(), 0u);  // the refused hello changed nothing
      continue;
    }
    ASSERT_EQ(refused, std::nullopt) << wire_error_name(*refused);
    EXPECT_EQ(l.a.aead(), row.expect);
    EXPECT_EQ(l.b.aead(), row.expect);
    EXPECT_EQ(l.out.events.size(), 1u);
  }
}

TEST(WireAead, TamperedOfferInAHelloFailsAuthentication) {
  Link l(0x03, 0x03);
  Bytes h = l.hello(l.a);
  for (uint8_t flip : {0x01, 0x02, 0x03}) {
    Bytes t = h;
    t[kHeaderBytes + 1] ^= flip;  // the attacker cannot see the offer, but can flip its ciphertext bits
    EXPECT_EQ(l.b.open(t, l.out).error(), WireError::auth_failed);
  }
  EXPECT_EQ(l.b.floor(), 0u);
  EXPECT_TRUE(l.b.open(h, l.out).is_ok());
  EXPECT_EQ(std::get<Hello>(l.out.control).aead_offered, 0x03);
}

// A receiver that chose another suite than the sender (as a downgraded offer would make it) can
// never open the sender's data: the suite and both offers are in the key.
TEST(WireAead, DisagreeingOnTheSuiteFailsAuthentication) {
  if (!aes256gcm_available()) GTEST_FAIL() << "this machine has no AES-NI; the GCM half cannot run";
  Link l(0x03, 0x03);
  ASSERT_EQ(l.handshake(), std::nullopt);
  ASSERT_EQ(l.a.aead(), Aead::aes256gcm);
  // b2: the same site and epoch as b, but it believes a offered XChaCha20-Poly1305 only.
  Channel b2(cfg(2, 1, 0xB1, 0x01));
  Channel a_lie(cfg(1, 2, 0xA1, 0x01));
  ASSERT_TRUE(b2.open(l.hello(a_lie), l.out).is_ok());
  EXPECT_EQ(b2.open(l.spike(l.a), l.out).error(), WireError::auth_failed);
  EXPECT_EQ(b2.peer_epoch(), 0u);
}

TEST(WireAead, DataFromAnEpochWhoseHelloWasNeverHeardCannotBeVerified) {
  Link l(0x01, 0x01);
  ASSERT_EQ(l.handshake(), std::nullopt);
  Channel fresh_b(cfg(2, 1, 0xB1, 0x01));  // same epoch as b, never heard a's hello
  EXPECT_EQ(fresh_b.open(l.spike(l.a), l.out).error(), WireError::auth_failed);
  EXPECT_EQ(fresh_b.peer_epoch(), 0u);
}

TEST(WireAead, HellosStayXChaChaAndCarryTheOffer) {
  Link l(0x02, 0x02);
  const Bytes h = l.hello(l.a);
  // Opens under the hello key with XChaCha20-Poly1305 whatever the offer.
  Header hd = peek_header(h).value();
  const LinkKey k = derive_link_key(*cfg(1, 2, 0xA1, 0).psk, 1, 2, 0xA1, 0, hello_key_use(hd.seq));
  Datagram out;
  ASSERT_TRUE(open(h, k, Aead::xchacha20poly1305, out).is_ok());
  EXPECT_EQ(std::get<Hello>(out.control).aead_offered, 0x02);
}

TEST(WireAead, PreviousVersionIsRefusedAsBadVersion) {
  Link l(0x03, 0x03);
  Bytes h = l.hello(l.a);
  ASSERT_EQ(h[2], 4);
  h[2] = 3;  // a version-3 node's datagram
  EXPECT_EQ(l.b.open(h, l.out).error(), WireError::bad_version);
}

}  // namespace
}  // namespace ion::wire
