// SPDX-License-Identifier: Apache-2.0
// SimWorld's network: sockets bound to SockAddrs, directed links with impairments, delivery.
#include <algorithm>
#include <cmath>

#include "env/sim_world.hpp"

namespace ion {
namespace {

constexpr size_t kMaxDatagramBytes = 65507;  // the IPv4 UDP payload limit
constexpr int kNormalRedraws = 16;

uint64_t pair_key(uint32_t from, uint32_t to) { return (static_cast<uint64_t>(from) << 32) | to; }

Status bad_field(const char* field, const std::string& found, const char* expected) {
  return error(Errc::out_of_range, std::string("link ") + field + " is " + found + ", expected " + expected);
}

// Jitter in ns (may be negative for the symmetric shapes).
double draw_jitter(Rng& rng, Jitter shape, double jitter_ns) {
  switch (shape) {
    case Jitter::none:
      return 0;
    case Jitter::uniform:
      return rng.uniform(-jitter_ns, jitter_ns);
    case Jitter::exponential:
      return jitter_ns > 0 ? rng.exponential(1.0 / jitter_ns) : 0;
    case Jitter::normal:
      for (int i = 0; i < kNormalRedraws; ++i) {
        double z = rng.normal();
        if (std::fabs(z) <= 3.0) return z * jitter_ns;
      }
      return 0;
  }
  return 0;
}

}  // namespace

const char* jitter_name(Jitter j) {
  switch (j) {
    case Jitter::none:
      return "none";
    case Jitter::uniform:
      return "uniform";
    case Jitter::normal:
      return "normal";
    case Jitter::exponential:
      return "exponential";
  }
  return "?";
}

Result<Jitter> parse_jitter(std::string_view text) {
  for (Jitter j : {Jitter::none, Jitter::uniform, Jitter::normal, Jitter::exponential}) {
    if (text == jitter_name(j)) return j;
  }
  return error(Errc::invalid_argument,
               "unknown jitter shape \"" + std::string(text) + "\" (expected none, uniform, normal or exponential)");
}

Status LinkImpairments::validate() const {
  for (auto [name, p] : {std::pair{"loss", loss}, {"duplicate", duplicate}, {"reorder", reorder}}) {
    if (!(p >= 0.0 && p <= 1.0)) return bad_field(name, std::to_string(p), "a probability in [0, 1]");
  }
  for (auto [name, d] : {std::pair{"latency", latency_ns},
                         {"jitter", jitter_ns},
                         {"min_latency", min_latency_ns},
                         {"reorder_delay", reorder_delay_ns}}) {
    if (d < 0) return bad_field(name, format_duration(d), "a duration >= 0");
  }
  return {};
}

// ---- links ----

SimWorld::Link& SimWorld::link(uint32_t from, uint32_t to) { return *links_[link_index(from, to)]; }

uint32_t SimWorld::link_index(uint32_t from, uint32_t to) {
  auto [it, inserted] = link_of_pair_.try_emplace(pair_key(from, to), static_cast<uint32_t>(links_.size()));
  if (inserted) {
    auto l = std::make_unique<Link>();
    l->name = nodes_[from]->name() + "->" + nodes_[to]->name();
    l->imp = default_link_;
    l->rng = Rng::stream(options_.seed, "sim.link." + l->name);
    links_.push_back(std::move(l));
  }
  return it->second;
}

Status SimWorld::set_link(std::string_view from, std::string_view to, const LinkImpairments& imp) {
  ION_TRY(imp.validate().prefixed("link " + std::string(from) + "->" + std::string(to) + ": "));
  ION_TRY_ASSIGN(const uint32_t f, node_index(from));
  ION_TRY_ASSIGN(const uint32_t t, node_index(to));
  link(f, t).imp = imp;
  return Status::ok();
}

Status SimWorld::set_link_both(std::string_view a, std::string_view b, const LinkImpairments& imp) {
  ION_TRY(set_link(a, b, imp));
  return set_link(b, a, imp);
}

Status SimWorld::set_default_link(const LinkImpairments& imp) {
  ION_TRY(imp.validate().prefixed("default link: "));
  default_link_ = imp;
  return Status::ok();
}

Status SimWorld::set_partitioned(std::string_view from, std::string_view to, bool on) {
  ION_TRY_ASSIGN(const uint32_t f, node_index(from));
  ION_TRY_ASSIGN(const uint32_t t, node_index(to));
  link(f, t).partitioned = on;
  return Status::ok();
}

Status SimWorld::partition(std::string_view a, std::string_view b, Time start, Time end, bool both) {
  ION_TRY_ASSIGN(const uint32_t ia, node_index(a));
  ION_TRY_ASSIGN(const uint32_t ib, node_index(b));
  auto set = [this, ia, ib, both](bool on) {
    link(ia, ib).partitioned = on;
    if (both) link(ib, ia).partitioned = on;
  };
  schedule_at(start, [set] { set(true); });
  schedule_at(end, [set] { set(false); });
  return Status::ok();
}

Result<const LinkTruth*> SimWorld::link_truth(std::string_view from, std::string_view to) {
  ION_TRY_ASSIGN(const uint32_t f, node_index(from));
  ION_TRY_ASSIGN(const uint32_t t, node_index(to));
  return &link(f, t).truth;
}

// ---- sockets ----

Result<SocketId> SimWorld::bind(uint32_t node, const SockAddr& local, DatagramHandler on_receive) {
  if (!local.valid()) return error(Errc::invalid_argument, "open_socket: the local address is not set");
  SockAddr addr = local;
  if (addr.port == 0) {
    for (int tries = 0; tries < 16384 && (addr.port == 0 || bound_.count(addr)); ++tries) {
      addr.port = next_ephemeral_port_;
      next_ephemeral_port_ = next_ephemeral_port_ == 65535 ? 49152 : next_ephemeral_port_ + 1;
    }
    if (bound_.count(addr)) return error(Errc::unavailable, "no free port left on " + local.to_string());
  }
  if (bound_.count(addr)) return error(Errc::already_exists, "address " + addr.to_string() + " already in use");
  sockets_.push_back(Socket{addr, node, true, std::make_shared<DatagramHandler>(std::move(on_receive))});
  const auto id = static_cast<SocketId>(sockets_.size());
  bound_.emplace(addr, id);
  return id;
}

Result<SockAddr> SimWorld::bound_address(uint32_t node, SocketId s) const {
  if (s == 0 || s > sockets_.size() || !sockets_[s - 1].open || sockets_[s - 1].node != node) {
    return error(Errc::not_found, "socket " + std::to_string(s) + " is not open on this node");
  }
  return sockets_[s - 1].local;
}

void SimWorld::unbind(uint32_t node, SocketId s) {
  if (s == 0 || s > sockets_.size()) return;
  Socket& sock = sockets_[s - 1];
  if (!sock.open || sock.node != node) return;
  bound_.erase(sock.local);
  sock.open = false;
  sock.handler.reset();  // a running handler stays alive through its shared_ptr copy
}

// ---- sending and delivery ----

Status SimWorld::send(uint32_t node, SocketId s, const SockAddr& to, std::span<const uint8_t> bytes) {
  ION_TRY_ASSIGN(SockAddr from, bound_address(node, s));
  if (to.family != from.family) {
    return error(Errc::invalid_argument, "cannot send to " + to.to_string() + " from " + from.to_string());
  }
  if (bytes.size() > kMaxDatagramBytes) {
    return error(Errc::invalid_argument,
                 "datagram of " + std::to_string(bytes.size()) + " bytes exceeds " + std::to_string(kMaxDatagramBytes));
  }
  auto dest = bound_.find(to);
  if (dest == bound_.end()) {
    ++unroutable_;
    return {};
  }
  const uint32_t to_node = sockets_[dest->second - 1].node;
  const uint32_t index = link_index(node, to_node);
  Link& l = *links_[index];
  ++l.truth.sent;
  if (l.partitioned) {
    ++l.truth.partitioned;
    return {};
  }
  if (l.imp.loss > 0 && l.rng.bernoulli(l.imp.loss)) {
    ++l.truth.lost;
    return {};
  }
  const bool twice = l.imp.duplicate > 0 && l.rng.bernoulli(l.imp.duplicate);
  launch_copy(l, index, from, to, bytes);
  if (twice) {
    ++l.truth.duplicated;
    launch_copy(l, index, from, to, bytes);
  }
  return {};
}

void SimWorld::launch_copy(Link& l, uint32_t link_index, const SockAddr& from, const SockAddr& to,
                           std::span<const uint8_t> bytes) {
  const LinkImpairments& imp = l.imp;
  Duration delay = imp.latency_ns + std::llround(draw_jitter(l.rng, imp.jitter, static_cast<double>(imp.jitter_ns)));
  if (imp.reorder > 0 && l.rng.bernoulli(imp.reorder)) {
    delay += imp.reorder_delay_ns;
    ++l.truth.reordered;
  }
  delay = std::max({delay, imp.min_latency_ns, Duration{0}});
  uint32_t slot;
  if (free_packets_.empty()) {
    slot = static_cast<uint32_t>(packets_.size());
    packets_.emplace_back();
  } else {
    slot = free_packets_.back();
    free_packets_.pop_back();
  }
  PacketSlot& p = packets_[slot];
  p.from = from;
  p.to = to;
  p.link = link_index;
  p.bytes.assign(bytes.begin(), bytes.end());
  push(now_ns_ + delay, slot, 0, Kind::packet);
}

void SimWorld::deliver(const Event& e) {
  PacketSlot& p = packets_[e.slot];
  Link& l = *links_[p.link];
  ++events_processed_;
  mix(static_cast<uint64_t>(e.t));
  mix(p.link | (1ULL << 40));
  mix_bytes(p.bytes);
  auto dest = l.partitioned ? bound_.end() : bound_.find(p.to);
  if (dest == bound_.end()) {
    ++(l.partitioned ? l.truth.partitioned : l.truth.undeliverable);
    free_packets_.push_back(e.slot);
    return;
  }
  ++l.truth.delivered;
  const Socket& sock = sockets_[dest->second - 1];
  std::shared_ptr<DatagramHandler> handler = sock.handler;
  Datagram d{p.from, p.bytes, nodes_[sock.node]->local_of(now_ns_)};
  (*handler)(d);
  free_packets_.push_back(e.slot);  // only now: the handler read p.bytes
}

}  // namespace ion
