// SPDX-License-Identifier: Apache-2.0
#include "link/link.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "wire/crypto.hpp"
#include "wire/epoch_state.hpp"

namespace ion::link {

namespace {
bool is_power_of_ten(uint64_t n) {
  while (n >= 10 && n % 10 == 0) n /= 10;
  return n == 1;
}

std::string peer_name(size_t i, const PeerSpec& p) {
  return "peer " + std::to_string(i) + " (site " + std::to_string(p.site) + ")";
}

Status validate_peer(const LinkConfig& cfg, const std::vector<PeerSpec>& peers, size_t i) {
  const PeerSpec& p = peers[i];
  const std::string who = peer_name(i, p);
  if (p.site == kNoSite) return error(Errc::invalid_argument, who + ": site id missing (expected 0..65534)");
  if (p.site == cfg.self) return error(Errc::invalid_argument, who + ": is this node's own site id");
  for (size_t j = 0; j < i; ++j) {
    if (peers[j].site == p.site) return error(Errc::already_exists, who + ": site listed twice");
  }
  if (!p.addr.valid()) return error(Errc::invalid_argument, who + ": address missing");
  if (p.psk && p.insecure) {
    return error(Errc::invalid_argument, who + ": has a key and insecure=true (expected one of them)");
  }
  if (!p.psk && !p.insecure) {
    return error(Errc::invalid_argument, who + ": no pre-shared key (expected a key, or insecure=true on loopback)");
  }
  if (p.insecure && !(p.addr.is_loopback() && cfg.bind.is_loopback())) {
    return error(Errc::invalid_argument, who + ": insecure links are allowed only between loopback addresses, got " +
                                             cfg.bind.to_string() + " -> " + p.addr.to_string());
  }
  if (p.time_master && cfg.time_master) {
    return error(Errc::invalid_argument, who + ": marked time master, but this node is the time master");
  }
  return Status::ok();
}

Status validate(const LinkConfig& cfg, const std::vector<PeerSpec>& peers) {
  if (cfg.self == kNoSite) return error(Errc::invalid_argument, "link: self site id missing (expected 0..65534)");
  if (!cfg.bind.valid()) return error(Errc::invalid_argument, "link: bind address missing");
  if (cfg.hello_interval_ns <= 0 || cfg.liveness.heartbeat_interval_ns <= 0 || cfg.liveness.down_after_ns <= 0) {
    return error(Errc::invalid_argument, "link: hello, heartbeat and down-after intervals must be > 0");
  }
  if (cfg.late_after_ns < 0) return error(Errc::invalid_argument, "link: late_after must be >= 0 (0 = no deadline)");
  size_t masters = 0;
  for (size_t i = 0; i < peers.size(); ++i) {
    ION_TRY(validate_peer(cfg, peers, i));
    masters += peers[i].time_master ? 1 : 0;
  }
  if (masters > 1)
    return error(Errc::invalid_argument, "link: more than one peer marked time master (expected at most one)");
  return Status::ok();
}
}  // namespace

Link::Link(Env& env, LinkConfig cfg, LinkHandlers handlers)
    : env_(env), cfg_(std::move(cfg)), handlers_(std::move(handlers)), token_(std::make_shared<Link*>(this)) {}

Link::~Link() {
  token_.reset();
  if (timer_ != 0) (void)env_.cancel(timer_);
  if (open_) env_.close_socket(sock_);
}

Result<std::unique_ptr<Link>> Link::create(Env& env, LinkConfig cfg, std::vector<PeerSpec> peers,
                                           LinkHandlers handlers) {
  ION_TRY(validate(cfg, peers));
  if (!wire::crypto_init()) return error(Errc::internal, "link: libsodium failed to initialise");
  std::unique_ptr<Link> link(new Link(env, std::move(cfg), std::move(handlers)));
  ION_TRY(link->init(std::move(peers)));
  return link;
}

Status Link::init(std::vector<PeerSpec> peers) {
  epoch_ = cfg_.epoch != 0 ? cfg_.epoch : wire::clock_epoch();
  std::weak_ptr<Link*> weak = token_;
  auto sock = env_.open_socket(cfg_.bind, [weak](const Datagram& d) {
    if (auto t = weak.lock()) (*t)->on_datagram(d);
  });
  if (!sock) return sock.status().prefixed("link: cannot open socket at " + cfg_.bind.to_string() + ": ");
  sock_ = *sock;
  open_ = true;
  local_ = env_.local_address(sock_).value_or(cfg_.bind);
  for (size_t i = 0; i < peers.size(); ++i) {
    peers_.push_back(std::make_unique<Peer>(peers[i], cfg_, epoch_, context_for(i)));
    if (by_site_.size() <= peers[i].site) by_site_.resize(peers[i].site + size_t{1}, kNoPeer);
    // Sites are unique and below kNoSite (validate_peer), so i < 65535 = kNoPeer fits.
    by_site_[peers[i].site] = static_cast<uint16_t>(i);
    by_addr_.emplace(peers[i].addr, i);  // keeps the first of peers sharing an address
    if (peers[i].time_master) master_ = peers_.back().get();
  }
  flush_armed_.assign(peers_.size(), false);
  rearm();
  return Status::ok();
}

PeerContext Link::context_for(size_t index) {
  PeerContext c;
  c.local_now = [this] { return env_.now(); };
  c.to_experiment = [this](Time local) { return to_experiment(local); };
  c.synced = [this] { return synced(); };
  c.hold_full_datagrams = env_.prefers_held_sends();
  c.send = [this, index](std::span<const uint8_t> bytes) {
    return open_ && env_.send_to(sock_, peers_[index]->addr(), bytes).is_ok();
  };
  c.send_many = [this, index](std::span<const std::span<const uint8_t>> datagrams) -> size_t {
    if (!open_) return 0;
    out_.clear();  // reused: no allocation per flush once it has grown
    for (const auto& d : datagrams) out_.push_back({peers_[index]->addr(), d});
    auto r = env_.send_batch(sock_, out_);
    return r ? *r : 0;
  };
  c.deliver = handlers_.on_events;  // the owner's handler itself: one indirect call per datagram
  c.copies = [this](SiteId from, std::span<const uint8_t> copies) {
    if (handlers_.on_copies) handlers_.on_copies(from, copies);
  };
  c.refused = [this, index](wire::WireError e, uint64_t count) {
    if (handlers_.on_refused && is_power_of_ten(count)) handlers_.on_refused(peers_[index]->site(), e, count);
  };
  c.floor_raised = [this, index](uint64_t epoch) {
    if (handlers_.on_peer_epoch) handlers_.on_peer_epoch(peers_[index]->site(), epoch);
  };
  return c;
}

// ---------------------------------------------------------------- outbound

Status Link::send(SiteId to, const Event& e) {
  const size_t i = site_index(to);
  if (i == kNoPeer) return error(Errc::not_found, "link: no peer with site id " + std::to_string(to));
  if (!open_) return error(Errc::unavailable, "link: closed");
  if (peers_[i]->push_lazy(e, [this] { return env_.now(); })) arm_flush(i);
  return Status::ok();
}

bool Link::send_copies(SiteId to, std::span<const wire::CopyView> copies, uint64_t* oversize) {
  Peer* p = find_site(to);
  return open_ && p && p->send_copies(copies, oversize);
}

void Link::arm_flush(size_t index) {
  if (flush_armed_[index]) return;
  flush_armed_[index] = true;
  std::weak_ptr<Link*> weak = token_;
  auto fn = [weak, index] {
    if (auto t = weak.lock()) (*t)->run_flush(index);
  };
  if (cfg_.batch.linger_ns <= 0) {
    env_.defer(std::move(fn));
  } else {
    (void)env_.schedule_at(peers_[index]->flush_due(), std::move(fn));
  }
}

void Link::run_flush(size_t index) {
  flush_armed_[index] = false;
  if (peers_[index]->flush(env_.now(), false)) arm_flush(index);
}

void Link::flush_all() {
  for (auto& p : peers_) (void)p->flush(env_.now(), true);
}

void Link::close() {
  if (!open_) return;
  flush_all();
  for (auto& p : peers_) p->goodbye();
  env_.close_socket(sock_);
  open_ = false;
  if (timer_ != 0) (void)env_.cancel(timer_);
  timer_ = 0;
  timer_at_ns_ = kTimeNever;
}

// ---------------------------------------------------------------- inbound

Peer* Link::find_site(SiteId s) const {
  const size_t i = site_index(s);
  return i == kNoPeer ? nullptr : peers_[i].get();
}

Peer* Link::find_addr(const SockAddr& a) const {
  const auto it = by_addr_.find(a);
  return it == by_addr_.end() ? nullptr : peers_[it->second].get();
}

void Link::on_datagram(const Datagram& d) {
  if (handlers_.on_raw) handlers_.on_raw(d);
  auto h = wire::peek_header(d.data);
  Peer* p = nullptr;
  if (!h) {
    p = find_addr(d.from);
    if (p) {
      p->count_error(h.error());
    } else {
      ++counters_.unattributed[static_cast<size_t>(h.error())];
    }
    return;
  }
  p = find_site(h->sender);
  if (!p) {
    ++counters_.unknown_peer;
    return;
  }
  after_transition(*p, p->on_datagram(d.data, d.rx_time_ns));
  rearm_for(*p);
}

void Link::after_transition(Peer& p, PeerTransition t) {
  if (t == PeerTransition::none) return;
  if (handlers_.on_peer) handlers_.on_peer(p.site(), t);
  if (handlers_.on_stats) handlers_.on_stats(p.stats(experiment_now()));
}

// ---------------------------------------------------------------- time

void Link::service() {
  timer_ = 0;
  timer_at_ns_ = kTimeNever;
  const Time now = env_.now();
  for (auto& p : peers_) {
    const uint64_t hb_before = p->liveness().stats().heartbeats_sent;
    after_transition(*p, p->service(now));
    const bool heartbeat_sent = p->liveness().stats().heartbeats_sent != hb_before;
    if (heartbeat_sent && handlers_.on_stats) handlers_.on_stats(p->stats(to_experiment(now)));
  }
  rearm();
}

// Keeps one timer at the earliest peer deadline; moves it only when something became earlier.
void Link::rearm() {
  Time next = kTimeNever;
  for (auto& p : peers_) next = std::min(next, p->next_deadline());
  arm_timer(next);
}

// After a datagram of one peer, only that peer's deadlines can have moved (the others' move only
// in service(), which rearms over all): the timer already sits at or before every other peer's
// deadline, so this decides exactly as rearm() would, without a pass over every peer.
void Link::rearm_for(const Peer& p) { arm_timer(p.next_deadline()); }

void Link::arm_timer(Time next) {
  if (!open_) return;
  if (next == kTimeNever || (timer_ != 0 && timer_at_ns_ <= next)) return;
  if (timer_ != 0) (void)env_.cancel(timer_);
  std::weak_ptr<Link*> weak = token_;
  timer_at_ns_ = next;
  timer_ = env_.schedule_at(next, [weak] {
    if (auto t = weak.lock()) (*t)->service();
  });
}

Time Link::to_experiment(Time local_ns) const {
  if (cfg_.time_master || !master_ || !master_->clock()) return local_ns;
  return master_->clock()->to_master(local_ns);
}

bool Link::synced() const {
  if (cfg_.time_master) return true;
  return master_ && master_->clock() && master_->clock()->estimator().estimate().valid;
}

Duration Link::clock_uncertainty_ns() const {
  if (cfg_.time_master) return 0;
  if (!synced()) return kTimeNever;
  return master_->clock()->estimator().uncertainty_at(env_.now());
}

const ClockSync* Link::clock() const { return master_ ? master_->clock() : nullptr; }

Result<LinkStats> Link::stats(SiteId site) const {
  if (const Peer* p = find_site(site)) return p->stats(experiment_now());
  return error(Errc::not_found, "link: no peer with site id " + std::to_string(site));
}

std::vector<LinkStats> Link::all_stats() const {
  std::vector<LinkStats> out;
  for (const auto& p : peers_) out.push_back(p->stats(experiment_now()));
  return out;
}

const Peer* Link::peer(SiteId site) const { return find_site(site); }

}  // namespace ion::link
