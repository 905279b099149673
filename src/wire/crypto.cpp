// SPDX-License-Identifier: Apache-2.0
#include "wire/crypto.hpp"

#include <sodium.h>

#include <cassert>
#include <cstring>

#include "core/bytes.hpp"

namespace ion::wire {

static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kKeyBytes == crypto_aead_aes256gcm_KEYBYTES);
static_assert(kGcmNonceBytes == crypto_aead_aes256gcm_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_aes256gcm_ABYTES);
static_assert(sizeof(LinkKey::GcmState) == sizeof(crypto_aead_aes256gcm_state));
static_assert(alignof(LinkKey::GcmState) >= alignof(crypto_aead_aes256gcm_state));
static_assert(kKeyBytes >= crypto_generichash_KEYBYTES_MIN && kKeyBytes <= crypto_generichash_KEYBYTES_MAX);

namespace {
// Domain separation for key derivation (16 bytes, NUL padded).
constexpr char kKdfContext[16] = {'i', 'o', 'n', '/', '4', ' ', 'l', 'i', 'n', 'k', ' ', 'k', 'e', 'y', 0, 0};
constexpr size_t kKdfInputBytes = 16 + 2 + 2 + 8 + 8 + 3 + 8;

}  // namespace

const char* aead_name(Aead a) { return a == Aead::aes256gcm ? "aes256gcm" : "xchacha20poly1305"; }

std::optional<AeadPolicy> parse_aead_policy(std::string_view text) {
  if (text == "auto") return AeadPolicy::automatic;
  if (text == "xchacha20poly1305") return AeadPolicy::xchacha20poly1305;
  if (text == "aes256gcm") return AeadPolicy::aes256gcm;
  return std::nullopt;
}

bool aes256gcm_available() {
  static const bool kAvailable = crypto_init() && crypto_aead_aes256gcm_is_available() == 1;
  return kAvailable;
}

std::optional<uint8_t> aead_offer(AeadPolicy policy, bool aes_ni) {
  switch (policy) {
    case AeadPolicy::xchacha20poly1305:
      return offer_bit(Aead::xchacha20poly1305);
    case AeadPolicy::aes256gcm:
      if (!aes_ni) return std::nullopt;
      return offer_bit(Aead::aes256gcm);
    case AeadPolicy::automatic:
      break;
  }
  return static_cast<uint8_t>(offer_bit(Aead::xchacha20poly1305) | (aes_ni ? offer_bit(Aead::aes256gcm) : 0));
}

std::optional<Aead> choose_aead(uint8_t a, uint8_t b) {
  const uint8_t both = a & b;
  if ((both & offer_bit(Aead::aes256gcm)) != 0) return Aead::aes256gcm;
  if ((both & offer_bit(Aead::xchacha20poly1305)) != 0) return Aead::xchacha20poly1305;
  return std::nullopt;
}

KeyUse data_key_use(Aead suite, uint8_t sender_offer, uint8_t receiver_offer, uint64_t seq) {
  return {static_cast<uint8_t>(suite), sender_offer, receiver_offer, seq >> kKeyBlockBits};
}

KeyUse hello_key_use(uint64_t seq) { return {0, 0, 0, seq >> kKeyBlockBits}; }

SecretKey::~SecretKey() { sodium_memzero(bytes.data(), bytes.size()); }
LinkKey::~LinkKey() { sodium_memzero(gcm.bytes.data(), gcm.bytes.size()); }

namespace {
const crypto_aead_aes256gcm_state* gcm_state(const LinkKey& k) {
  return reinterpret_cast<const crypto_aead_aes256gcm_state*>(k.gcm.bytes.data());
}
}  // namespace

bool SecretKey::equals(const SecretKey& o) const {
  return sodium_memcmp(bytes.data(), o.bytes.data(), bytes.size()) == 0;
}

bool crypto_init() {
  static const bool kOk = sodium_init() >= 0;
  return kOk;
}

uint64_t random_epoch() {
  [[maybe_unused]] const bool ok = crypto_init();
  assert(ok);
  uint64_t e = 0;
  while (e == 0) {
    uint8_t b[8];
    randombytes_buf(b, sizeof b);
    e = bytes::get_u64(b);
  }
  return e;
}

Psk random_psk() {
  [[maybe_unused]] const bool ok = crypto_init();
  assert(ok);
  Psk k;
  randombytes_buf(k.bytes.data(), k.bytes.size());
  return k;
}

LinkKey derive_link_key(const Psk& psk, SiteId sender, SiteId receiver, uint64_t sender_epoch, uint64_t receiver_epoch,
                        const KeyUse& use) {
  uint8_t in[kKdfInputBytes];
  std::memcpy(in, kKdfContext, 16);
  bytes::put_u16(in + 16, sender);
  bytes::put_u16(in + 18, receiver);
  bytes::put_u64(in + 20, sender_epoch);
  bytes::put_u64(in + 28, receiver_epoch);
  in[36] = use.suite;
  in[37] = use.sender_offer;
  in[38] = use.receiver_offer;
  bytes::put_u64(in + 39, use.block);
  LinkKey k;
  crypto_generichash(k.bytes.data(), k.bytes.size(), in, sizeof in, psk.bytes.data(), psk.bytes.size());
  if (key_suite(use) == Aead::aes256gcm && aes256gcm_available()) {
    crypto_aead_aes256gcm_beforenm(reinterpret_cast<crypto_aead_aes256gcm_state*>(k.gcm.bytes.data()), k.bytes.data());
    k.gcm_ready = true;
  }
  return k;
}

std::array<uint8_t, kNonceBytes> make_nonce(const Header& h) {
  std::array<uint8_t, kNonceBytes> n{};
  bytes::put_u16(n.data(), h.sender);
  bytes::put_u16(n.data() + 2, h.receiver);
  bytes::put_u64(n.data() + 4, h.sender_epoch);
  bytes::put_u64(n.data() + 12, h.seq);
  return n;  // bytes 20..23 stay 0
}

std::array<uint8_t, kGcmNonceBytes> make_gcm_nonce(const Header& h) {
  std::array<uint8_t, kGcmNonceBytes> n{};
  bytes::put_u16(n.data(), h.sender);
  bytes::put_u16(n.data() + 2, h.receiver);
  bytes::put_u64(n.data() + 4, h.seq);
  return n;
}

size_t aead_encrypt(Aead suite, const SecretKey& key, std::span<const uint8_t> nonce, std::span<const uint8_t> ad,
                    std::span<const uint8_t> m, uint8_t* c) {
  unsigned long long c_len = 0;
  if (suite == Aead::aes256gcm) {
    if (!aes256gcm_available() || nonce.size() != kGcmNonceBytes) return 0;
    crypto_aead_aes256gcm_encrypt(c, &c_len, m.data(), m.size(), ad.data(), ad.size(), nullptr, nonce.data(),
                                  key.bytes.data());
  } else {
    if (nonce.size() != kNonceBytes) return 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(c, &c_len, m.data(), m.size(), ad.data(), ad.size(), nullptr,
                                               nonce.data(), key.bytes.data());
  }
  return static_cast<size_t>(c_len);
}

std::optional<size_t> aead_decrypt(Aead suite, const SecretKey& key, std::span<const uint8_t> nonce,
                                   std::span<const uint8_t> ad, std::span<const uint8_t> c, uint8_t* m) {
  unsigned long long m_len = 0;
  int rc = -1;
  if (suite == Aead::aes256gcm) {
    // Without AES-NI libsodium must not be asked: nothing can be verified.
    if (aes256gcm_available() && nonce.size() == kGcmNonceBytes)
      rc = crypto_aead_aes256gcm_decrypt(m, &m_len, nullptr, c.data(), c.size(), ad.data(), ad.size(), nonce.data(),
                                         key.bytes.data());
  } else if (nonce.size() == kNonceBytes) {
    rc = crypto_aead_xchacha20poly1305_ietf_decrypt(m, &m_len, nullptr, c.data(), c.size(), ad.data(), ad.size(),
                                                    nonce.data(), key.bytes.data());
  }
  if (rc != 0) return std::nullopt;
  return static_cast<size_t>(m_len);
}

namespace {
// AES-256-GCM with the key schedule derive_link_key expanded (REQUIRES key.gcm_ready); the same
// bytes as aead_encrypt/aead_decrypt with key.bytes (tests/wire/aead_test.cpp).
size_t seal_gcm(const LinkKey& key, const Header& h, std::span<const uint8_t> ad, std::span<const uint8_t> m,
                uint8_t* c) {
  const auto nonce = make_gcm_nonce(h);
  unsigned long long c_len = 0;
  crypto_aead_aes256gcm_encrypt_afternm(c, &c_len, m.data(), m.size(), ad.data(), ad.size(), nullptr, nonce.data(),
                                        gcm_state(key));
  return static_cast<size_t>(c_len);
}
std::optional<size_t> open_gcm(const LinkKey& key, const Header& h, std::span<const uint8_t> ad,
                               std::span<const uint8_t> c, uint8_t* m) {
  const auto nonce = make_gcm_nonce(h);
  unsigned long long m_len = 0;
  if (crypto_aead_aes256gcm_decrypt_afternm(m, &m_len, nullptr, c.data(), c.size(), ad.data(), ad.size(), nonce.data(),
                                            gcm_state(key)) != 0)
    return std::nullopt;
  return static_cast<size_t>(m_len);
}
}  // namespace

std::span<const uint8_t> seal(DatagramBuilder& b, const LinkKey& key, Aead suite) {
  assert(!b.header().insecure());
  const std::span<uint8_t> plain = b.finish_plain();  // writes header incl. count
  const size_t payload_bytes = plain.size() - kHeaderBytes;
  assert(plain.size() + kTagBytes <= kMaxDatagramBytes);
  uint8_t* base = b.buffer().data();
  assert(suite != Aead::aes256gcm || aes256gcm_available());
  const std::span<const uint8_t> ad{base, kHeaderBytes};
  const std::span<const uint8_t> m{base + kHeaderBytes, payload_bytes};
  // In-place encryption (c == m) is supported by libsodium's combined mode (both suites).
  size_t out_len = 0;
  if (suite == Aead::aes256gcm && key.gcm_ready) out_len = seal_gcm(key, b.header(), ad, m, base + kHeaderBytes);
  else if (suite == Aead::aes256gcm)
    out_len = aead_encrypt(suite, key, make_gcm_nonce(b.header()), ad, m, base + kHeaderBytes);
  else out_len = aead_encrypt(suite, key, make_nonce(b.header()), ad, m, base + kHeaderBytes);
  assert(out_len == payload_bytes + kTagBytes);
  return {base, kHeaderBytes + out_len};
}

WireResult<bool> open(std::span<const uint8_t> d, const LinkKey& key, Aead suite, Datagram& out) {
  auto h = peek_header(d);
  if (!h) return h.error();
  assert(!h->insecure());
  uint8_t plain[kMaxDatagramBytes];
  const std::span<const uint8_t> ad = d.first(kHeaderBytes), c = d.subspan(kHeaderBytes);
  std::optional<size_t> n;
  if (suite == Aead::aes256gcm && key.gcm_ready) n = open_gcm(key, *h, ad, c, plain);
  else if (suite == Aead::aes256gcm) n = aead_decrypt(suite, key, make_gcm_nonce(*h), ad, c, plain);
  else n = aead_decrypt(suite, key, make_nonce(*h), ad, c, plain);
  if (!n) return WireError::auth_failed;
  return decode_payload(*h, {plain, *n}, out);
}

}  // namespace ion::wire
