// SPDX-License-Identifier: Apache-2.0
#include "wire/channel.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace ion::wire {

Channel::Channel(ChannelConfig cfg) : cfg_(std::move(cfg)) {
  assert(cfg_.self_epoch != 0);
  assert(cfg_.psk.has_value() || cfg_.insecure_allowed);
  [[maybe_unused]] const bool ok = crypto_init();
  assert(ok);
}

// ---------------- send ----------------

const Header& Channel::begin(DatagramBuilder& b, MsgType type, Time send_time_ns) {
  Header h;
  h.type = type;
  h.flags = secure() ? 0 : kFlagInsecure;
  h.sender = cfg_.self;
  h.receiver = cfg_.peer;
  h.sender_epoch = cfg_.self_epoch;
  h.receiver_epoch = tx_peer_epoch_;
  h.seq = send_seq_++;
  h.send_time_ns = send_time_ns;
  b.begin(h);
  return b.header();
}

const LinkKey& Channel::tx_key(uint64_t receiver_epoch) {
  if (!tx_key_valid_ || tx_key_peer_epoch_ != receiver_epoch) {
    tx_key_ = derive_link_key(*cfg_.psk, cfg_.self, cfg_.peer, cfg_.self_epoch, receiver_epoch);
    tx_key_peer_epoch_ = receiver_epoch;
    tx_key_valid_ = true;
  }
  return tx_key_;
}

std::span<const uint8_t> Channel::finish(DatagramBuilder& b) {
  if (b.header().insecure()) return b.finish_plain();
  return seal(b, tx_key(b.header().receiver_epoch));
}

std::span<const uint8_t> Channel::encode_control(DatagramBuilder& b, const Control& c,
                                                 Time send_time_ns) {
  begin(b, control_type(c), send_time_ns);
  b.set_control(c);
  return finish(b);
}

// ---------------- receive ----------------

bool Channel::retired(uint64_t epoch) const {
  return std::find(retired_.begin(), retired_.end(), epoch) != retired_.end();
}

void Channel::adopt(uint64_t epoch, uint64_t first_seq) {
  if (peer_epoch_ != 0) {
    if (retired_.size() == kMaxRetiredEpochs) retired_.erase(retired_.begin());
    retired_.push_back(peer_epoch_);
  }
  peer_epoch_ = epoch;
  tx_peer_epoch_ = epoch;
  window_.reset(first_seq);
}

const LinkKey& Channel::rx_key(uint64_t sender_epoch) {
  if (!rx_key_valid_ || rx_key_sender_epoch_ != sender_epoch) {
    rx_key_ = derive_link_key(*cfg_.psk, cfg_.peer, cfg_.self, sender_epoch, cfg_.self_epoch);
    rx_key_sender_epoch_ = sender_epoch;
    rx_key_valid_ = true;
  }
  return rx_key_;
}

// Site, flag and epoch rules that need no key.
WireResult<bool> Channel::check_policy(const Header& h) const {
  if (h.sender != cfg_.peer || h.receiver != cfg_.self) return WireError::wrong_site;
  if (h.insecure() && !cfg_.insecure_allowed) return WireError::insecure_refused;
  if (!h.insecure() && !secure()) return WireError::auth_failed;  // no key to verify with
  if (h.sender_epoch == 0 || retired(h.sender_epoch)) return WireError::stale_epoch;
  if (h.receiver_epoch == 0) {
    if (h.type != MsgType::hello) return WireError::unbound;
  } else if (h.receiver_epoch != cfg_.self_epoch) {
    return WireError::stale_epoch;
  }
  return true;
}

WireResult<bool> Channel::authenticate(std::span<const uint8_t> d, const Header& h, Datagram& out) {
  if (h.insecure()) return decode_payload(h, d.subspan(kHeaderBytes), out);
  if (h.receiver_epoch != 0) return wire::open(d, rx_key(h.sender_epoch), out);
  if (!rx_unbound_valid_ || rx_unbound_sender_epoch_ != h.sender_epoch) {
    rx_unbound_key_ = derive_link_key(*cfg_.psk, cfg_.peer, cfg_.self, h.sender_epoch, 0);
    rx_unbound_sender_epoch_ = h.sender_epoch;
    rx_unbound_valid_ = true;
  }
  return wire::open(d, rx_unbound_key_, out);
}

WireResult<Received> Channel::open(std::span<const uint8_t> d, Datagram& out) {
  auto hr = peek_header(d);
  if (!hr) return hr.error();
  const Header& h = *hr;
  if (auto p = check_policy(h); !p) return p.error();
  Received r;
  if (h.receiver_epoch == 0) {  // unbound hello: deliver, address its sender, adopt nothing
    if (auto a = authenticate(d, h, out); !a) return a.error();
    r.addressed_changed = h.sender_epoch != tx_peer_epoch_;
    tx_peer_epoch_ = h.sender_epoch;
    return r;
  }
  const bool same_epoch = h.sender_epoch == peer_epoch_;
  if (same_epoch) {
    const auto v = window_.check(h.seq);
    if (v == ReplayWindow::Verdict::duplicate) return WireError::duplicate;
    if (v == ReplayWindow::Verdict::too_old) return WireError::too_old;
  } else if (h.seq == UINT64_MAX) {
    return WireError::too_old;
  }
  if (auto a = authenticate(d, h, out); !a) return a.error();
  if (!same_epoch) {
    adopt(h.sender_epoch, h.seq);
    r.peer_epoch_changed = true;
  }
  // A bound datagram proves the adopted epoch is alive now; an unbound hello (possibly replayed)
  // must not keep us addressing some other epoch.
  r.addressed_changed = tx_peer_epoch_ != peer_epoch_;
  tx_peer_epoch_ = peer_epoch_;
  r.bound = true;
  r.window = window_.accept(h.seq);
  return r;
}

}  // namespace ion::wire
