// SPDX-License-Identifier: Apache-2.0
#include "site/node/legacy_bridge.hpp"

#include <algorithm>
#include <cmath>

namespace ion::site {
namespace lg = wire::legacy;

std::string to_string(const LegacyCounters& c) {
  auto n = [](uint64_t v) { return std::to_string(v); };
  return "legacy bridge: received=" + n(c.received) + " refused_address=" + n(c.refused_address) +
         " malformed=" + n(c.malformed) + " unmapped=" + n(c.unmapped) + " ignored=" + n(c.ignored) +
         " forwarded=" + n(c.forwarded) + " dropped=" + n(c.dropped) + " reanchored=" + n(c.reanchored) +
         " sent=" + n(c.sent) + " send_errors=" + n(c.send_errors);
}

Result<SockAddr> parse_ip(const std::string& ip) {
  const bool v6 = ip.find(':') != std::string::npos;
  auto a = SockAddr::parse(v6 ? "[" + ip + "]:0" : ip + ":0");
  if (!a.is_ok()) return error(Errc::invalid_argument, "legacy bridge: bad peer address '" + ip + "': " + a.status().message());
  return *a;
}

// ---------------------------------------------------------------- LegacyCore

LegacyCore::LegacyCore(LegacyCoreConfig cfg) : cfg_(std::move(cfg)) {
  for (const auto& [id, addr] : cfg_.neurons) ids_[addr.key()] = id;
}

bool LegacyCore::allowed(const SockAddr& from) const {
  return std::any_of(cfg_.allowed.begin(), cfg_.allowed.end(),
                     [&](const SockAddr& a) { return a.family == from.family && a.addr == from.addr; });
}

// 'A': ticks since the partner's previous packet; 'D': the partner's wrapping tick counter.
Time LegacyCore::rebuild_time(const SockAddr& from, const lg::Packet& p, Time arrival_exp) {
  // Bounded state: an allowed host spraying source ports cannot grow it without limit (every
  // partner then re-anchors at its next packet).
  if (partners_.size() >= kMaxPartners && !partners_.contains({from, static_cast<uint8_t>(p.sender)})) partners_.clear();
  auto [it, first] = partners_.try_emplace({from, static_cast<uint8_t>(p.sender)});
  PartnerClock& c = it->second;
  Time t = arrival_exp;
  if (!first) {
    uint32_t delta = p.ticks;
    if (p.sender == lg::Sender::postsynaptic) {
      const bool narrow = c.last_ticks <= lg::kMask20 && p.ticks <= lg::kMask20 && p.ticks < c.last_ticks;
      delta = lg::tick_delta(c.last_ticks, p.ticks, narrow ? 20 : 24);
    }
    const Time candidate = c.last_exp + lg::ticks_to_ns(delta);
    if (candidate < arrival_exp - cfg_.max_lag_ns) ++counters_.reanchored;
    else t = std::min(candidate, arrival_exp);
  }
  c.last_exp = t;
  c.last_ticks = p.ticks;
  return t;
}

std::optional<Spike> LegacyCore::on_datagram(const SockAddr& from, std::span<const uint8_t> bytes, Time arrival_exp) {
  if (!allowed(from)) {
    ++counters_.refused_address;
    return std::nullopt;
  }
  auto p = lg::decode(bytes);
  if (!p) {
    ++counters_.malformed;
    return std::nullopt;
  }
  ++counters_.received;
  if (p->sender == lg::Sender::hub) {
    ++counters_.ignored;
    return std::nullopt;
  }
  auto n = cfg_.neurons.find(p->neuron_id);
  if (n == cfg_.neurons.end()) {
    ++counters_.unmapped;
    return std::nullopt;
  }
  bound_[p->neuron_id] = from;
  if (p->sender == lg::Sender::ready) return std::nullopt;
  static constexpr SpikeKind kKinds[] = {SpikeKind::psp, SpikeKind::evoked, SpikeKind::spontaneous};
  const SpikeKind kind = p->aux < 3 ? kKinds[p->aux] : SpikeKind::spike;
  return Spike{n->second, rebuild_time(from, *p, arrival_exp), kind};
}

std::optional<LegacyCore::Out> LegacyCore::on_input(const SynapticInput& in) {
  auto id = ids_.find(in.post.key());
  if (id == ids_.end()) return std::nullopt;
  auto peer = bound_.find(id->second);
  if (peer == bound_.end()) return std::nullopt;
  const float w = std::isfinite(in.weight) ? std::clamp(in.weight, 0.0f, 1.0f) : 0.0f;
  lg::Packet p;
  p.sender = lg::Sender::hub;
  p.neuron_id = id->second;
  p.aux = static_cast<uint8_t>(std::lround(255.0f * w));
  p.ticks = static_cast<uint32_t>(static_cast<uint64_t>(std::max<Time>(in.t, 0) / lg::kTickNs) & lg::kMask24);
  auto bytes = lg::encode(p);  // cannot fail: id and ticks fit 24 bits
  if (!bytes) return std::nullopt;
  return Out{peer->second, *bytes};
}

// ---------------------------------------------------------------- LegacyBridge

namespace {

Result<LegacyCoreConfig> core_config(const experiment::Experiment& e) {
  LegacyCoreConfig cfg;
  for (const std::string& ip : e.legacy.allowed_peers) {
    auto a = parse_ip(ip);
    if (!a.is_ok()) return a.status();
    cfg.allowed.push_back(*a);
  }
  for (const auto& [id, name] : e.legacy.neurons) {
    const experiment::Neuron* n = e.find_neuron(name);
    if (!n) return error(Errc::not_found, "legacy bridge: neuron '" + name + "' (legacy id " + std::to_string(id) + ") is not in the experiment");
    cfg.neurons[id] = n->addr;
  }
  return cfg;
}

}  // namespace

Result<std::unique_ptr<LegacyBridge>> LegacyBridge::create_for(const experiment::Experiment& e,
                                                               const experiment::Site& site, Env& env,
                                                               LegacyHooks hooks) {
  if (!e.legacy.enabled || e.legacy.hub != site.name) return std::unique_ptr<LegacyBridge>{};
  auto cfg = core_config(e);
  if (!cfg.is_ok()) return cfg.status();
  const std::string host = site.address.v6 ? "[" + site.address.host + "]" : site.address.host;
  auto bind = SockAddr::parse(host + ":" + std::to_string(e.legacy.port));
  if (!bind.is_ok()) return error(Errc::invalid_argument, "legacy bridge on " + site.name + ": " + bind.status().message());
  std::unique_ptr<LegacyBridge> b(new LegacyBridge(env, std::move(*cfg), std::move(hooks)));
  auto sock = env.open_socket(*bind, [p = b.get()](const Datagram& d) { p->on_datagram(d); });
  if (!sock.is_ok())
    return error(sock.status().code(), "legacy bridge on " + site.name + ": " + sock.status().message());
  b->sock_ = *sock;
  b->local_ = env.local_address(*sock).value_or(*bind);
  b->timer_ = env.schedule_after(kSecond, [p = b.get()] { p->report(); });
  if (b->hooks_.note) b->hooks_.note("legacy bridge listening on " + b->local_.to_string());
  return b;
}

LegacyBridge::LegacyBridge(Env& env, LegacyCoreConfig cfg, LegacyHooks hooks)
    : env_(env), core_(std::move(cfg)), hooks_(std::move(hooks)) {}

LegacyBridge::~LegacyBridge() {
  if (timer_) env_.cancel(timer_);
  if (sock_) env_.close_socket(sock_);
}

void LegacyBridge::on_datagram(const Datagram& d) {
  const Time arrival = hooks_.to_experiment ? hooks_.to_experiment(d.rx_time) : d.rx_time;
  std::optional<Spike> s = core_.on_datagram(d.from, d.data, arrival);
  if (!s) return;
  if (hooks_.on_spike && hooks_.on_spike(*s)) ++core_.counters().forwarded;
  else ++core_.counters().dropped;
}

bool LegacyBridge::forward(const SynapticInput& in) {
  std::optional<LegacyCore::Out> out = core_.on_input(in);
  if (!out) return false;
  if (env_.send_to(sock_, out->to, out->bytes).is_ok()) ++core_.counters().sent;
  else ++core_.counters().send_errors;
  return true;
}

// Records the counters once a second when they changed.
void LegacyBridge::report() {
  timer_ = env_.schedule_after(kSecond, [this] { report(); });
  if (core_.counters() == reported_) return;
  reported_ = core_.counters();
  if (hooks_.note) hooks_.note(to_string(reported_));
}

}  // namespace ion::site

namespace ion::site {

void LegacyBridge::report_now() {
  reported_ = core_.counters();
  if (hooks_.note) hooks_.note(to_string(reported_));
}

}  // namespace ion::site
