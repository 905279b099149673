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
static_assert(kKeyBytes >= crypto_generichash_KEYBYTES_MIN && kKeyBytes <= crypto_generichash_KEYBYTES_MAX);

namespace {
// Domain separation for key derivation (16 bytes, NUL padded).
constexpr char kKdfContext[16] = {'i', 'o', 'n', '/', '1', ' ', 'l', 'i', 'n', 'k', ' ', 'k', 'e', 'y', 0, 0};
constexpr size_t kKdfInputBytes = 16 + 2 + 2 + 8 + 8;
}  // namespace

SecretKey::~SecretKey() { sodium_memzero(bytes.data(), bytes.size()); }

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

LinkKey derive_link_key(const Psk& psk, SiteId sender, SiteId receiver, uint64_t sender_epoch,
                        uint64_t receiver_epoch) {
  uint8_t in[kKdfInputBytes];
  std::memcpy(in, kKdfContext, 16);
  bytes::put_u16(in + 16, sender);
  bytes::put_u16(in + 18, receiver);
  bytes::put_u64(in + 20, sender_epoch);
  bytes::put_u64(in + 28, receiver_epoch);
  LinkKey k;
  crypto_generichash(k.bytes.data(), k.bytes.size(), in, sizeof in, psk.bytes.data(), psk.bytes.size());
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

std::span<const uint8_t> seal(DatagramBuilder& b, const LinkKey& key) {
  assert(!b.header().insecure());
  const std::span<uint8_t> plain = b.finish_plain();  // writes header incl. count
  const size_t payload_bytes = plain.size() - kHeaderBytes;
  assert(plain.size() + kTagBytes <= kMaxDatagramBytes);
  uint8_t* base = b.buffer().data();
  const auto nonce = make_nonce(b.header());
  unsigned long long out_len = 0;
  // In-place encryption (c == m) is supported by libsodium's combined mode.
  crypto_aead_xchacha20poly1305_ietf_encrypt(base + kHeaderBytes, &out_len, base + kHeaderBytes, payload_bytes, base,
                                             kHeaderBytes, nullptr, nonce.data(), key.bytes.data());
  return {base, kHeaderBytes + static_cast<size_t>(out_len)};
}

WireResult<bool> open(std::span<const uint8_t> d, const LinkKey& key, Datagram& out) {
  auto h = peek_header(d);
  if (!h) return h.error();
  assert(!h->insecure());
  uint8_t plain[kMaxDatagramBytes];
  unsigned long long plain_len = 0;
  const auto nonce = make_nonce(*h);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plain_len, nullptr, d.data() + kHeaderBytes,
                                                 d.size() - kHeaderBytes, d.data(), kHeaderBytes, nonce.data(),
                                                 key.bytes.data()) != 0)
    return WireError::auth_failed;
  return decode_payload(*h, {plain, static_cast<size_t>(plain_len)}, out);
}

}  // namespace ion::wire
