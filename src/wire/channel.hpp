// SPDX-License-Identifier: Apache-2.0
#pragma once
// Channel: the per-peer security state of one link, as a pure state machine (no I/O, no clock).
// Owns: our epoch, the peer's adopted epoch, the send sequence, cached link keys, the replay
// window, and a list of retired peer epochs. link/ owns one Channel per peer.
//
// Epoch rules (docs/protocol.md §4):
//  - Our send sequence is one counter per (our epoch, peer), starting at 0, never reset: every
//    datagram to this peer (any type, any receiver epoch) takes the next number, so a nonce is
//    never reused under any key.
//  - A datagram with receiver_epoch == 0 is accepted only if it is a hello (unbound otherwise);
//    it does not pass the replay window (it proves nothing fresh) and adopts nothing, but we
//    start addressing its sender epoch (addressed_epoch) so our reply proves our freshness.
//  - A datagram with receiver_epoch == our epoch and an authentic, non-retired sender epoch
//    different from the adopted one adopts it: the old one is retired, the window restarts at
//    that datagram's sequence (earlier numbers of the new stream are too old).
//  - receiver_epoch != 0 and != ours → stale_epoch (meant for a previous incarnation of us).
//  - Any accepted bound datagram sets the addressed epoch back to the adopted one (a replayed
//    unbound hello of a dead incarnation can divert our sends only until the peer is heard).
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "wire/codec.hpp"
#include "wire/crypto.hpp"
#include "wire/replay.hpp"

namespace ion::wire {

struct ChannelConfig {
  SiteId self = kNoSite;
  SiteId peer = kNoSite;
  uint64_t self_epoch = 0;  // from random_epoch() (tests may pass fixed values); never 0
  std::optional<Psk> psk;   // absent ⇒ the link is insecure (then insecure_allowed must be true)
  // Caller's decision: link configured insecure AND both socket addresses are loopback.
  bool insecure_allowed = false;
};

// What open() tells the link layer besides the datagram itself.
struct Received {
  bool peer_epoch_changed = false;  // adopted a new peer epoch (peer restarted / first contact)
  bool addressed_changed = false;   // the epoch we address (addressed_epoch()) changed
  bool bound = false;               // receiver_epoch == ours (went through the replay window)
  ReplayWindow::Accepted window;    // reordered / gap / lost for bound datagrams
};

class Channel {
 public:
  // REQUIRES: cfg.self_epoch != 0; cfg.psk or cfg.insecure_allowed.
  explicit Channel(ChannelConfig cfg);

  // ---- send side ----
  // Starts a datagram to the peer in b with the next sequence number. Returns its header.
  const Header& begin(DatagramBuilder& b, MsgType type, Time send_time_ns);
  // Seals (or, on an insecure link without a PSK, finishes plain) b's datagram. Valid until b.begin().
  std::span<const uint8_t> finish(DatagramBuilder& b);
  // begin + set_control + finish for a control message.
  std::span<const uint8_t> encode_control(DatagramBuilder& b, const Control& c, Time send_time_ns);

  // ---- receive side ----
  // Full check of one datagram from this peer: header, policy, epochs, replay window, AEAD,
  // payload. On success out holds the message and the window/epoch state is updated.
  // On any error no state changes (except nothing) and out is unspecified.
  WireResult<Received> open(std::span<const uint8_t> datagram, Datagram& out);

  SiteId self() const { return cfg_.self; }
  SiteId peer() const { return cfg_.peer; }
  uint64_t self_epoch() const { return cfg_.self_epoch; }
  uint64_t peer_epoch() const { return peer_epoch_; }  // 0 = none adopted yet
  // The peer epoch our datagrams carry as receiver_epoch (adopted, or claimed by a hello).
  uint64_t addressed_epoch() const { return tx_peer_epoch_; }
  uint64_t next_send_seq() const { return send_seq_; }
  const ReplayWindow& window() const { return window_; }
  bool secure() const { return cfg_.psk.has_value(); }

  static constexpr size_t kMaxRetiredEpochs = 64;

 private:
  WireResult<bool> check_policy(const Header& h) const;
  WireResult<bool> authenticate(std::span<const uint8_t> datagram, const Header& h, Datagram& out);
  const LinkKey& rx_key(uint64_t sender_epoch);
  const LinkKey& tx_key(uint64_t receiver_epoch);
  bool retired(uint64_t epoch) const;
  void adopt(uint64_t epoch, uint64_t first_seq);

  ChannelConfig cfg_;
  uint64_t peer_epoch_ = 0;
  uint64_t tx_peer_epoch_ = 0;
  uint64_t send_seq_ = 0;
  ReplayWindow window_;
  std::vector<uint64_t> retired_;
  // Cached derived keys: tx for (self, peer_epoch_), rx for the last sender epoch seen.
  LinkKey tx_key_;
  uint64_t tx_key_peer_epoch_ = 0;
  bool tx_key_valid_ = false;
  LinkKey rx_key_;
  uint64_t rx_key_sender_epoch_ = 0;
  bool rx_key_valid_ = false;
  LinkKey rx_unbound_key_;  // for hellos with receiver_epoch 0
  uint64_t rx_unbound_sender_epoch_ = 0;
  bool rx_unbound_valid_ = false;
};

}  // namespace ion::wire
