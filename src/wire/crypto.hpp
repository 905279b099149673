// SPDX-License-Identifier: Apache-2.0
#pragma once
// AEAD for the ion wire protocol, version 4 (docs/protocol.md §4.1–4.2): libsodium's
// XChaCha20-Poly1305-IETF (every hello; the portable default) or AES-256-GCM (negotiated per link
// when both ends have AES-NI). Keys are 32 bytes and never printed: Psk/LinkKey have no stream
// operators and wipe themselves on destruction.
//   link key  = BLAKE2b-256(key = PSK, msg = "ion/4 link key\0\0" || sender site || receiver site
//               || sender epoch || receiver epoch || suite || sender offer || receiver offer
//               || key block)   (all little-endian; KeyUse below)
//   XChaCha nonce(24) = sender site(2) || receiver site(2) || sender epoch(8) || seq(8) || 0(4)
//   GCM nonce(12)     = sender site(2) || receiver site(2) || seq(8)
//   AD        = the 44 header bytes; ciphertext = payload; tag (16) appended.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/ids.hpp"
#include "wire/codec.hpp"

namespace ion::wire {

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kNonceBytes = 24;     // XChaCha20-Poly1305
inline constexpr size_t kGcmNonceBytes = 12;  // AES-256-GCM
// A link key covers the sequence numbers of one block (seq >> kKeyBlockBits): at most 2^24
// datagrams of at most 1200 bytes (20.1 GB) per key, far below libsodium's advice to rekey
// AES-256-GCM before ~350 GB (docs/protocol.md §4.2).
inline constexpr unsigned kKeyBlockBits = 24;

// AEAD suites. The values are the bits of a hello's aead_offered byte (docs/protocol.md §3.2).
enum class Aead : uint8_t { xchacha20poly1305 = 0x01, aes256gcm = 0x02 };
inline constexpr uint8_t kAeadOfferMask = 0x03;  // every suite this version knows
inline constexpr uint8_t offer_bit(Aead a) { return static_cast<uint8_t>(a); }
const char* aead_name(Aead a);
// What the experiment file asks for ([security] aead, docs/experiment.md).
enum class AeadPolicy : uint8_t { automatic, xchacha20poly1305, aes256gcm };
// "auto", "xchacha20poly1305" or "aes256gcm" ([security] aead); nullopt for anything else.
std::optional<AeadPolicy> parse_aead_policy(std::string_view text);
// True when libsodium can run AES-256-GCM here (x86-64 with AES-NI and PCLMUL).
bool aes256gcm_available();
// The offer of a node under `policy` on a machine where AES-256-GCM is (not) available; nullopt:
// aes256gcm pinned on a machine without AES-NI. `aes_ni` is a parameter so that tests can play a
// peer without AES-NI.
std::optional<uint8_t> aead_offer(AeadPolicy policy, bool aes_ni);
// The suite of a link whose ends offered a and b: AES-256-GCM if both offer it, else
// XChaCha20-Poly1305 if both do; nullopt if they share none. Symmetric in a and b.
std::optional<Aead> choose_aead(uint8_t a, uint8_t b);

// What a link key is used for; all of it is bound into the derivation, so a datagram sealed for
// another suite, another pair of offers or another key block fails authentication.
struct KeyUse {
  uint8_t suite = 0;         // 0: hellos (always XChaCha20-Poly1305); else an Aead value
  uint8_t sender_offer = 0;  // both 0 for hellos (the offers travel inside them)
  uint8_t receiver_offer = 0;
  uint64_t block = 0;  // seq >> kKeyBlockBits
  bool operator==(const KeyUse&) const = default;
};
// The key use of data (non-hello) datagrams sealed with `suite` by a sender that offered
// sender_offer to a receiver that offered receiver_offer.
KeyUse data_key_use(Aead suite, uint8_t sender_offer, uint8_t receiver_offer, uint64_t seq);
KeyUse hello_key_use(uint64_t seq);
// The suite a key use seals with.
inline Aead key_suite(const KeyUse& u) { return u.suite == 0 ? Aead::xchacha20poly1305 : static_cast<Aead>(u.suite); }

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
struct Psk : SecretKey {};  // pre-shared key of one site pair (from a key file)
// Derived key for one direction, one pair of epochs, one use (KeyUse below). For AES-256-GCM it
// also holds libsodium's expanded key schedule (crypto_aead_aes256gcm_beforenm), computed once by
// derive_link_key rather than for every datagram; it is wiped like the key.
struct LinkKey : SecretKey {
  struct alignas(16) GcmState {
    std::array<uint8_t, 512> bytes{};
  } gcm;
  bool gcm_ready = false;
  LinkKey() = default;
  LinkKey(const LinkKey&) = default;
  LinkKey& operator=(const LinkKey&) = default;
  ~LinkKey();
};

// Initialises libsodium once (thread-safe; returns false only if libsodium cannot start).
bool crypto_init();
// A fresh random session epoch from the OS CSPRNG (never 0). The one intended non-reproducible
// random value in ion: it must differ on every node start.
uint64_t random_epoch();
// A fresh random pre-shared key (for ion keygen).
Psk random_psk();

// Key for datagrams sender → receiver while the epochs are (sender_epoch, receiver_epoch), for `use`.
LinkKey derive_link_key(const Psk& psk, SiteId sender, SiteId receiver, uint64_t sender_epoch, uint64_t receiver_epoch,
                        const KeyUse& use);
// The XChaCha20-Poly1305 nonce for a header (direction, sender epoch, sequence).
std::array<uint8_t, kNonceBytes> make_nonce(const Header& h);
// The AES-256-GCM nonce for a header (direction, sequence; the epochs are in the key).
std::array<uint8_t, kGcmNonceBytes> make_gcm_nonce(const Header& h);

// The raw AEAD of a suite, combined mode: c = ciphertext || 16-byte tag (room for m.size() + 16
// bytes; c may equal m.data()). nonce: kNonceBytes for XChaCha20-Poly1305, kGcmNonceBytes for
// AES-256-GCM. Returns the bytes written, 0 for a wrong nonce size or AES-256-GCM without AES-NI.
size_t aead_encrypt(Aead suite, const SecretKey& key, std::span<const uint8_t> nonce, std::span<const uint8_t> ad,
                    std::span<const uint8_t> m, uint8_t* c);
// Verifies and decrypts c into m (room for c.size() - 16 bytes). Returns the plaintext length, or
// nullopt if authentication fails (or the suite cannot run here).
std::optional<size_t> aead_decrypt(Aead suite, const SecretKey& key, std::span<const uint8_t> nonce,
                                   std::span<const uint8_t> ad, std::span<const uint8_t> c, uint8_t* m);

// Finalises b's datagram and seals it in place with `suite`: writes the header (insecure flag
// cleared), encrypts the payload and appends the tag. Returns the whole datagram (valid until
// b.begin()). REQUIRES: aes256gcm only where aes256gcm_available().
std::span<const uint8_t> seal(DatagramBuilder& b, const LinkKey& key, Aead suite);

// Verifies and decrypts a sealed datagram into out (header + decoded payload). REQUIRES: the
// header was accepted by peek_header and is not insecure. Decrypts into an internal buffer.
// Errors: auth_failed (also for aes256gcm where it is not available), or a codec error from the
// decrypted payload.
WireResult<bool> open(std::span<const uint8_t> datagram, const LinkKey& key, Aead suite, Datagram& out);

}  // namespace ion::wire
