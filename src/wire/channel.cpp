// SPDX-License-Identifier: Apache-2.0
#include "wire/channel.hpp"

#include <cassert>
#include <utility>

namespace ion::wire {

Channel::Channel(ChannelConfig cfg) : cfg_(std::move(cfg)), floor_(cfg_.peer_epoch_floor) {
  assert(cfg_.self_epoch != 0);
  assert(cfg_.psk.has_value() || cfg_.insecure_allowed);
  [[maybe_unused]] const bool ok = crypto_init();
  assert(ok);
}

const LinkKey& Channel::key(CachedKey& c, SiteId sender, SiteId receiver, uint64_t sender_epoch,
                            uint64_t receiver_epoch, const KeyUse& use) {
  if (!c.valid || c.sender_epoch != sender_epoch || c.receiver_epoch != receiver_epoch || !(c.use == use)) {
    c.key = derive_link_key(*cfg_.psk, sender, receiver, sender_epoch, receiver_epoch, use);
    c.sender_epoch = sender_epoch;
    c.receiver_epoch = receiver_epoch;
    c.use = use;
    c.valid = true;
  }
  return c.key;
}

// ---------------- send ----------------

const Header& Channel::begin_to(DatagramBuilder& b, MsgType type, uint64_t receiver_epoch, Time send_time_ns) {
  Header h;
  h.type = type;
  h.flags = secure() ? 0 : kFlagInsecure;
  h.sender = cfg_.self;
  h.receiver = cfg_.peer;
  h.sender_epoch = cfg_.self_epoch;
  h.receiver_epoch = receiver_epoch;
  h.seq = send_seq_++;
  h.send_time_ns = send_time_ns;
  b.begin(h);
  return b.header();
}

const Header& Channel::begin(DatagramBuilder& b, MsgType type, Time send_time_ns) {
  return begin_to(b, type, peer_epoch_, send_time_ns);
}

// Hellos, and anything sent before a peer epoch is adopted (which the peer refuses as unbound),
// use the hello key; everything else the suite of the adopted epoch.
std::span<const uint8_t> Channel::finish(DatagramBuilder& b) {
  const Header& h = b.header();
  if (h.insecure()) return b.finish_plain();
  const std::optional<Aead> suite = aead();
  const KeyUse use = h.type == MsgType::hello || !suite || h.receiver_epoch != peer_epoch_
                         ? hello_key_use(h.seq)
                         : data_key_use(*suite, cfg_.aead_offer, peer_offer_, h.seq);
  return seal(b, key(tx_key_, cfg_.self, cfg_.peer, cfg_.self_epoch, h.receiver_epoch, use), key_suite(use));
}

std::span<const uint8_t> Channel::encode_control(DatagramBuilder& b, const Control& c, Time send_time_ns) {
  begin(b, control_type(c), send_time_ns);
  if (const Hello* hello = std::get_if<Hello>(&c)) {
    Hello ours = *hello;
    ours.aead_offered = cfg_.aead_offer;
    b.set_control(ours);
  } else {
    b.set_control(c);
  }
  return finish(b);
}

std::span<const uint8_t> Channel::encode_reply(DatagramBuilder& b, uint64_t peer_epoch, Time send_time_ns) {
  begin_to(b, MsgType::hello, peer_epoch, send_time_ns);
  b.set_control(Hello{true, kMaxDatagramBytes, cfg_.aead_offer});
  return finish(b);
}

// ---------------- receive ----------------

// Site and flag rules that need no key.
WireResult<bool> Channel::check_policy(const Header& h) const {
  if (h.sender != cfg_.peer || h.receiver != cfg_.self) return WireError::wrong_site;
  if (h.insecure() && !cfg_.insecure_allowed) return WireError::insecure_refused;
  if (!h.insecure() && !secure()) return WireError::auth_failed;  // no key to verify with
  if (h.sender_epoch == 0) return WireError::stale_epoch;
  if (h.receiver_epoch != 0 && h.receiver_epoch != cfg_.self_epoch) return WireError::stale_epoch;
  if (h.receiver_epoch == 0 && h.type != MsgType::hello) return WireError::unbound;
  return true;
}

WireResult<bool> Channel::authenticate(std::span<const uint8_t> d, const Header& h, uint8_t peer_offer, Datagram& out) {
  if (h.insecure()) return decode_payload(h, d.subspan(kHeaderBytes), out);
  const std::optional<Aead> suite = choose_aead(cfg_.aead_offer, peer_offer);
  if (h.type != MsgType::hello && !suite) return WireError::auth_failed;  // no key to verify with
  const KeyUse use = h.type == MsgType::hello ? hello_key_use(h.seq)
                                              : data_key_use(*suite, peer_offer, cfg_.aead_offer, h.seq);
  CachedKey& c = h.receiver_epoch == 0 ? rx_hello_key_ : rx_key_;
  return wire::open(d, key(c, cfg_.peer, cfg_.self, h.sender_epoch, h.receiver_epoch, use), key_suite(use), out);
}

// An authentic hello must offer a suite we accept (insecure hellos carry an offer too, unused).
WireResult<bool> Channel::check_offer(const Datagram& hello) const {
  if (hello.header.insecure()) return true;
  const auto& m = std::get<Hello>(hello.control);
  if (!choose_aead(cfg_.aead_offer, m.aead_offered)) return WireError::aead_mismatch;
  return true;
}

WireResult<bool> Channel::open_adopted_unwindowed(std::span<const uint8_t> d, Datagram& out) {
  auto hr = peek_header(d);
  if (!hr) return hr.error();
  if (auto p = check_policy(*hr); !p) return p.error();
  if (hr->sender_epoch != peer_epoch_ || hr->receiver_epoch != cfg_.self_epoch) return WireError::stale_epoch;
  return authenticate(d, *hr, peer_offer_, out);
}

bool Channel::raise_floor(uint64_t epoch) {
  if (epoch <= floor_) return false;
  floor_ = epoch;
  return true;
}

// From now on the unbound hellos of `epoch` are the ones accepted (each seq once).
void Channel::follow_hellos(uint64_t epoch, uint8_t offer) {
  hello_offer_ = offer;
  if (hello_epoch_ == epoch) return;
  hello_epoch_ = epoch;
  hello_window_.reset(0);
}

void Channel::adopt(uint64_t epoch, uint64_t first_seq, uint8_t offer) {
  if (peer_epoch_ != 0) {
    prev_epoch_ = peer_epoch_;
    prev_window_ = window_;
    prev_offer_ = peer_offer_;
  }
  peer_epoch_ = epoch;
  peer_offer_ = offer;
  window_.reset(first_seq);
  follow_hellos(epoch, offer);
}

WireResult<Received> Channel::open(std::span<const uint8_t> d, Datagram& out) {
  auto hr = peek_header(d);
  if (!hr) return hr.error();
  const Header& h = *hr;
  if (auto p = check_policy(h); !p) return p.error();
  return h.receiver_epoch == 0 ? open_hello(d, h, out) : open_bound(d, h, out);
}

// An unbound hello: from the epoch we already follow (each seq once), or from a newer epoch than
// any known, which then becomes the one we follow. Anything else is a replay of an older epoch.
WireResult<Received> Channel::open_hello(std::span<const uint8_t> d, const Header& h, Datagram& out) {
  const bool followed = h.sender_epoch == hello_epoch_;
  if (!followed && h.sender_epoch <= floor_) return WireError::old_epoch;
  if (followed) {
    const auto v = hello_window_.check(h.seq);
    if (v == ReplayWindow::Verdict::duplicate) return WireError::duplicate;
    if (v == ReplayWindow::Verdict::too_old) return WireError::too_old;
  } else if (h.seq == UINT64_MAX) {
    return WireError::too_old;
  }
  if (auto a = authenticate(d, h, 0, out); !a) return a.error();
  if (auto o = check_offer(out); !o) return o.error();
  Received r;
  r.floor_raised = raise_floor(h.sender_epoch);
  follow_hellos(h.sender_epoch, std::get<Hello>(out.control).aead_offered);
  (void)hello_window_.accept(h.seq);  // window state only; a hello's gaps are not loss here
  r.needs_reply = h.sender_epoch != peer_epoch_;
  return r;
}

WireResult<Received> Channel::open_in(ReplayWindow& w, uint8_t offer, std::span<const uint8_t> d, const Header& h,
                                      Datagram& out) {
  const auto v = w.check(h.seq);
  if (v == ReplayWindow::Verdict::duplicate) return WireError::duplicate;
  if (v == ReplayWindow::Verdict::too_old) return WireError::too_old;
  if (auto a = authenticate(d, h, offer, out); !a) return a.error();
  Received r;
  r.window = w.accept(h.seq);
  return r;
}

WireResult<Received> Channel::open_bound(std::span<const uint8_t> d, const Header& h, Datagram& out) {
  const uint64_t e = h.sender_epoch;
  if (e == peer_epoch_) {
    auto r = open_in(window_, peer_offer_, d, h, out);
    if (r) r->bound = true;
    return r;
  }
  if (e == prev_epoch_) {
    auto r = open_in(prev_window_, prev_offer_, d, h, out);
    if (r) r->previous = true;
    return r;
  }
  if (e < floor_) return WireError::old_epoch;
  if (h.seq == UINT64_MAX) return WireError::too_old;
  return adopt_new(d, h, out);
}

// A bound datagram of a new epoch: a hello (a reply) carries the epoch's AEAD offer; anything
// else is verified with the offer of that epoch's hellos, which we must have authenticated.
WireResult<Received> Channel::adopt_new(std::span<const uint8_t> d, const Header& h, Datagram& out) {
  const uint64_t e = h.sender_epoch;
  const uint8_t known = e == hello_epoch_ ? hello_offer_ : 0;
  if (auto a = authenticate(d, h, known, out); !a) return a.error();
  uint8_t offer = known;
  if (h.type == MsgType::hello) {
    if (auto o = check_offer(out); !o) return o.error();
    offer = std::get<Hello>(out.control).aead_offered;
  }
  Received r;
  r.floor_raised = raise_floor(e);
  adopt(e, h.seq, offer);
  r.peer_epoch_changed = true;
  r.bound = true;
  r.window = window_.accept(h.seq);
  return r;
}

}  // namespace ion::wire
