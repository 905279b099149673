// SPDX-License-Identifier: Apache-2.0
#pragma once
// AEAD for ion/1 (libsodium XChaCha20-Poly1305-IETF). Keys are 32 bytes and never printed:
// Psk/LinkKey have no stream operators and wipe themselves on destruction.
//   link key  = BLAKE2b-256(key = PSK, msg = "ion/1 link key\0\0" || sender site || receiver site
//                           || sender epoch || receiver epoch)   (all little-endian)
//   nonce(24) = sender site(2) || receiver site(2) || sender epoch(8) || seq(8) || 0(4)
//   AD        = the 44 header bytes; ciphertext = payload; tag (16) appended.
#include <array>
#include <cstdint>
#include <span>

#include "core/ids.hpp"
#include "wire/codec.hpp"

namespace ion::wire {

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kNonceBytes = 24;

// Key material with no printing and wipe-on-destroy.
struct SecretKey {
  std::array<uint8_t, kKeyBytes> bytes{};
  SecretKey() = default;
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();
  // Constant-time comparison.
  bool equals(const SecretKey& o) const;
};
struct Psk : SecretKey {};      // pre-shared key of one site pair (from a key file)
struct LinkKey : SecretKey {};  // derived key for one direction and one pair of epochs

// Initialises libsodium once (thread-safe; returns false only if libsodium cannot start).
bool crypto_init();
// A fresh random session epoch from the OS CSPRNG (never 0). The one intended non-reproducible
// random value in ion: it must differ on every node start.
uint64_t random_epoch();
// A fresh random pre-shared key (for ion keygen).
Psk random_psk();

// Key for datagrams sender → receiver while the epochs are (sender_epoch, receiver_epoch).
LinkKey derive_link_key(const Psk& psk, SiteId sender, SiteId receiver, uint64_t sender_epoch, uint64_t receiver_epoch);
// The nonce for a header (direction, sender epoch, sequence).
std::array<uint8_t, kNonceBytes> make_nonce(const Header& h);

// Finalises b's datagram and seals it in place: writes the header (insecure flag cleared),
// encrypts the payload and appends the tag. Returns the whole datagram (valid until b.begin()).
std::span<const uint8_t> seal(DatagramBuilder& b, const LinkKey& key);

// Verifies and decrypts a sealed datagram into out (header + decoded payload). REQUIRES: the
// header was accepted by peek_header and is not insecure. Decrypts into an internal buffer.
// Errors: auth_failed, or a codec error from the decrypted payload.
WireResult<bool> open(std::span<const uint8_t> datagram, const LinkKey& key, Datagram& out);

}  // namespace ion::wire
