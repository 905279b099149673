// SPDX-License-Identifier: Apache-2.0
#pragma once
// Channel: the per-peer security state of one link, as a pure state machine (no I/O, no clock).
// Owns: our epoch, the peer's adopted epoch, the newest peer epoch known (the "floor"), the send
// sequence, cached link keys, the replay windows. link/ owns one Channel per peer.
//
// Epoch rules (docs/protocol.md §4.3). Session epochs only move forward (wire/epoch_state.hpp),
// so a peer's live epoch is the newest one it ever had, and anything older is a replay.
//  - Our send sequence is one counter per (our epoch, peer), starting at 0, never reset: every
//    datagram to this peer (any type, any receiver epoch) takes the next number, so a nonce is
//    never reused under any key.
//  - An unbound hello (receiver_epoch 0) proves nothing about freshness. It is accepted only from
//    an epoch newer than every epoch known for the peer (which raises the floor), or again from
//    the epoch whose hellos we already accept (then deduplicated by seq). It adopts nothing and
//    changes nothing we address; the caller answers it with encode_reply() (a datagram bound to
//    that epoch, which only the live holder of it can use).
//  - A bound datagram (receiver_epoch == our epoch) was created during our lifetime. From the
//    adopted epoch it passes the replay window; from the epoch adopted before (stragglers of a
//    restart) it passes that epoch's window; from an epoch >= the floor it adopts it.
//  - AEAD (docs/protocol.md §4.2): hellos are always sealed with XChaCha20-Poly1305 and carry the
//    sender's offer (ChannelConfig::aead_offer). Every other datagram of a pair of epochs is sealed
//    with the suite choose_aead() picks from our offer and the offer of the peer's epoch (learned
//    from its authenticated hellos), under a key bound to that suite and both offers. An authentic
//    hello whose offer shares no suite with ours is refused as aead_mismatch; a non-hello from an
//    epoch whose offer we never learned cannot be verified (auth_failed).
//  - Refused, changing nothing: receiver_epoch != 0 and != ours or sender epoch 0 → stale_epoch;
//    a sender epoch older than the floor (or equal to a floor learned before this process heard
//    its hellos) → old_epoch; receiver_epoch 0 on a non-hello → unbound.
#include <cstdint>
#include <optional>
#include <span>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "wire/codec.hpp"
#include "wire/crypto.hpp"
#include "wire/replay.hpp"

namespace ion::wire {

struct ChannelConfig {
  SiteId self = kNoSite;
  SiteId peer = kNoSite;
  uint64_t self_epoch = 0;  // from next_epoch() (tests may pass fixed values); never 0
  std::optional<Psk> psk;   // absent ⇒ the link is insecure (then insecure_allowed must be true)
  // Caller's decision: link configured insecure AND both socket addresses are loopback.
  bool insecure_allowed = false;
  // The newest epoch of this peer authenticated under this key before this process started
  // (persisted, wire/epoch_state.hpp); 0 = none known.
  uint64_t peer_epoch_floor = 0;
  // The AEAD suites this end accepts: bits of wire::Aead, from aead_offer() (never 0).
  uint8_t aead_offer = offer_bit(Aead::xchacha20poly1305);
};

// What open() tells the link layer besides the datagram itself.
struct Received {
  bool peer_epoch_changed = false;  // adopted a new peer epoch (peer restarted / first contact)
  bool floor_raised = false;        // floor() moved up: persist it (wire/epoch_state.hpp)
  bool bound = false;               // receiver_epoch == ours, adopted epoch (replay window)
  bool previous = false;            // bound, from the epoch adopted before the current one
  bool needs_reply = false;         // unbound hello from an epoch not adopted: encode_reply()
  ReplayWindow::Accepted window;    // reordered / gap / lost for bound datagrams
};

class Channel {
 public:
  // REQUIRES: cfg.self_epoch != 0; cfg.psk or cfg.insecure_allowed.
  explicit Channel(ChannelConfig cfg);

  // ---- send side ----
  // Starts a datagram to the peer in b with the next sequence number, addressed to the adopted
  // peer epoch (0 before one is adopted: only a hello may be sent then). Returns its header.
  const Header& begin(DatagramBuilder& b, MsgType type, Time send_time_ns);
  // Seals (or, on an insecure link without a PSK, finishes plain) b's datagram. Valid until b.begin().
  std::span<const uint8_t> finish(DatagramBuilder& b);
  // begin + set_control + finish for a control message.
  std::span<const uint8_t> encode_control(DatagramBuilder& b, const Control& c, Time send_time_ns);
  // Hello{reply=1} addressed to `peer_epoch` (the sender epoch of an unbound hello that open()
  // marked needs_reply), without changing what the other datagrams address.
  std::span<const uint8_t> encode_reply(DatagramBuilder& b, uint64_t peer_epoch, Time send_time_ns);

  // ---- receive side ----
  // Full check of one datagram from this peer: header, policy, epochs, replay window, AEAD,
  // payload. On success out holds the message and the epoch/window state is updated.
  // On any error no state changes and out is unspecified.
  WireResult<Received> open(std::span<const uint8_t> datagram, Datagram& out);
  // Only authenticates and decodes a datagram of the adopted epoch addressed to our epoch, with
  // no replay window and no state change (the link's too_old recovery checks the stream itself).
  WireResult<bool> open_adopted_unwindowed(std::span<const uint8_t> datagram, Datagram& out);

  SiteId self() const { return cfg_.self; }
  SiteId peer() const { return cfg_.peer; }
  uint64_t self_epoch() const { return cfg_.self_epoch; }
  uint64_t peer_epoch() const { return peer_epoch_; }  // adopted; 0 = none yet
  // The peer epoch our datagrams carry as receiver_epoch (the adopted one; 0 before).
  uint64_t addressed_epoch() const { return peer_epoch_; }
  // The newest peer epoch authenticated so far (here or, via the config, in an earlier run).
  uint64_t floor() const { return floor_; }
  uint64_t previous_epoch() const { return prev_epoch_; }
  uint64_t next_send_seq() const { return send_seq_; }
  const ReplayWindow& window() const { return window_; }
  bool secure() const { return cfg_.psk.has_value(); }
  // The suite of datagrams to and from the adopted peer epoch (nullopt before one is adopted).
  std::optional<Aead> aead() const { return peer_offer_ ? choose_aead(cfg_.aead_offer, peer_offer_) : std::nullopt; }

 private:
  const Header& begin_to(DatagramBuilder& b, MsgType type, uint64_t receiver_epoch, Time send_time_ns);
  WireResult<bool> check_policy(const Header& h) const;
  // peer_offer: the offer of h's sender epoch (0 = unknown; only hellos can then be verified).
  WireResult<bool> authenticate(std::span<const uint8_t> datagram, const Header& h, uint8_t peer_offer, Datagram& out);
  WireResult<bool> check_offer(const Datagram& hello) const;
  WireResult<Received> open_hello(std::span<const uint8_t> d, const Header& h, Datagram& out);
  WireResult<Received> open_bound(std::span<const uint8_t> d, const Header& h, Datagram& out);
  WireResult<Received> open_in(ReplayWindow& w, uint8_t offer, std::span<const uint8_t> d, const Header& h,
                               Datagram& out);
  WireResult<Received> adopt_new(std::span<const uint8_t> d, const Header& h, Datagram& out);
  struct CachedKey {
    LinkKey key;
    uint64_t sender_epoch = 0, receiver_epoch = 0;
    KeyUse use;
    bool valid = false;
  };
  const LinkKey& key(CachedKey& c, SiteId sender, SiteId receiver, uint64_t sender_epoch, uint64_t receiver_epoch,
                     const KeyUse& use);
  bool raise_floor(uint64_t epoch);
  void follow_hellos(uint64_t epoch, uint8_t offer);
  void adopt(uint64_t epoch, uint64_t first_seq, uint8_t offer);

  ChannelConfig cfg_;
  uint64_t peer_epoch_ = 0;  // adopted
  uint8_t peer_offer_ = 0;   // its AEAD offer (0 = none adopted)
  uint64_t floor_ = 0;       // newest known; peer_epoch_ <= floor_
  uint64_t send_seq_ = 0;
  ReplayWindow window_;      // adopted epoch
  uint64_t prev_epoch_ = 0;  // adopted before peer_epoch_ (its stragglers are still accepted)
  ReplayWindow prev_window_;
  uint8_t prev_offer_ = 0;
  uint64_t hello_epoch_ = 0;   // the epoch whose unbound hellos we accept (newest heard, or adopted)
  ReplayWindow hello_window_;  // its hellos' sequence numbers (a replayed hello is a duplicate)
  uint8_t hello_offer_ = 0;    // the AEAD offer its hellos carry
  // Derived keys, each cached for its last epoch pair: sending, receiving bound, receiving hellos.
  CachedKey tx_key_, rx_key_, rx_hello_key_;
};

}  // namespace ion::wire
