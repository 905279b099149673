// SPDX-License-Identifier: Apache-2.0
#include "node/legacy_bridge.hpp"

#include <algorithm>

#include "site/hub/hub_role.hpp"

namespace ion::site {
namespace lg = wire::legacy;

std::string to_string(const LegacyCounters& c) {
  auto n = [](uint64_t v) { return std::to_string(v); };
  return "legacy bridge: received=" + n(c.received) + " refused_address=" + n(c.refused_address) +
         " malformed=" + n(c.malformed) + " unmapped=" + n(c.unmapped) + " ignored=" + n(c.ignored) +
         " forwarded=" + n(c.forwarded) + " dropped=" + n(c.dropped) + " clamped=" + n(c.clamped) +
         " reanchored=" + n(c.reanchored) + " no_reference=" + n(c.no_reference) + " sent=" + n(c.sent) +
         " send_errors=" + n(c.send_errors);
}

Result<SockAddr> parse_ip(const std::string& ip) {
  const bool v6 = ip.find(':') != std::string::npos;
  auto a = SockAddr::parse(v6 ? "[" + ip + "]:0" : ip + ":0");
  if (!a.is_ok())
    return error(Errc::invalid_argument, "legacy bridge: bad peer address '" + ip + "': " + a.status().message());
  return *a;
}

// ---------------------------------------------------------------- LegacyCore

namespace {

// The hub clock keeps its tick count below this by whole 2^20 turns (the 20 bits an 'S' carries
// do not change), so that a partner sending large fields for years cannot overflow it. The
// reference subtracted 10^12 past 10^12 for the same reason (UDPmod.py l.205–207).
constexpr uint64_t kClockFold = uint64_t{1} << 40;

// Whole 2^20-tick turns an old sender's 20-bit field may have lost: a field that fits 20 bits
// and leaves the rebuilt time that many turns before the arrival.
uint64_t lost_turns(Time candidate, uint32_t field, Time arrival) {
  if (field > lg::kMask20 || candidate >= arrival) return 0;
  return static_cast<uint64_t>((arrival - candidate) / lg::kPeriod20Ns);
}

}  // namespace

LegacyCore::LegacyCore(LegacyCoreConfig cfg) : cfg_(std::move(cfg)) {
  for (const auto& [id, addr] : cfg_.neurons) {
    ids_[addr.key()] = id;
    tracked_.insert(addr.key());
  }
  for (const hub::HubSynapse& s : cfg_.synapses) {
    pre_of_[s.post.key()].push_back(s.pre.key());
    tracked_.insert(s.pre.key());
    maps_[s.id] = s.map;
  }
}

bool LegacyCore::allowed(const SockAddr& from) const {
  return std::any_of(cfg_.allowed.begin(), cfg_.allowed.end(),
                     [&](const SockAddr& a) { return a.family == from.family && a.addr == from.addr; });
}

std::optional<LegacySpike> LegacyCore::on_datagram(const SockAddr& from, std::span<const uint8_t> bytes,
                                                   Time arrival_exp) {
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
  if (p->sender == lg::Sender::presynaptic) return on_presynaptic(from, *p, arrival_exp);
  if (p->sender == lg::Sender::postsynaptic) return on_postsynaptic(from, *p, arrival_exp);
  ++counters_.ignored;  // 'S' and 'R' travel hub → partner (UDPmod.py l.140–156, l.317–331)
  return std::nullopt;
}

const NeuronAddr* LegacyCore::mapped(uint32_t id) {
  auto n = cfg_.neurons.find(id);
  if (n != cfg_.neurons.end()) return &n->second;
  ++counters_.unmapped;
  return nullptr;
}

// Every 'A' packet is an action potential and advances the hub clock, before its id is even
// looked up (UDPmod.py l.200–211; the whole 'A' branch, l.200–435, never reads aux).
std::optional<LegacySpike> LegacyCore::on_presynaptic(const SockAddr& from, const lg::Packet& p, Time arrival) {
  const Time t = advance_clock(p.ticks, arrival);
  const NeuronAddr* n = mapped(p.neuron_id);
  if (!n) return std::nullopt;
  bound_[p.neuron_id] = from;
  last_spike_[n->key()] = t;
  return LegacySpike{Spike{*n, t, SpikeKind::spike}, lg::Sender::presynaptic};
}

// aux 0/1/2 = PSP / stimulated AP / spontaneous AP (l.181); only APs register (l.481–483).
std::optional<LegacySpike> LegacyCore::on_postsynaptic(const SockAddr& from, const lg::Packet& p, Time arrival) {
  const NeuronAddr* n = mapped(p.neuron_id);
  if (!n) return std::nullopt;
  if (p.aux > 2) {
    ++counters_.ignored;
    return std::nullopt;
  }
  bound_[p.neuron_id] = from;
  const Time t = postsynaptic_time(*n, p.ticks, arrival);
  static constexpr SpikeKind kKinds[] = {SpikeKind::psp, SpikeKind::evoked, SpikeKind::spontaneous};
  if (p.aux != 0) last_spike_[n->key()] = t;
  return LegacySpike{Spike{*n, t, kKinds[p.aux]}, lg::Sender::postsynaptic};
}

// tabs += field (l.204). The first packet anchors tick `field` at its arrival.
Time LegacyCore::advance_clock(uint32_t field, Time arrival) {
  if (!clock_.anchored) {
    clock_ = HubClock{true, field, arrival - lg::ticks_to_ns(field)};
    return arrival;
  }
  clock_.ticks += field;
  const Time candidate = clock_.origin_ns + lg::ticks_to_ns(clock_.ticks);
  const uint64_t lost = lost_turns(candidate, field, arrival);
  clock_.ticks += lost << 20;
  const Time t = settle(candidate + static_cast<Time>(lost) * lg::kPeriod20Ns, arrival);
  if (clock_.ticks >= kClockFold) clock_.ticks -= (clock_.ticks - kClockFold / 2) & ~uint64_t{lg::kMask20};
  clock_.origin_ns = t - lg::ticks_to_ns(clock_.ticks);
  return t;
}

// tabs_in = max(last spike of the presynaptic neurons) + field, or the own last spike + field
// (l.443–473).
Time LegacyCore::postsynaptic_time(const NeuronAddr& n, uint32_t field, Time arrival) {
  const std::optional<Time> ref = reference(n);
  if (!ref) {
    ++counters_.no_reference;
    return arrival;
  }
  const Time candidate = *ref + lg::ticks_to_ns(field);
  const uint64_t lost = lost_turns(candidate, field, arrival);
  return settle(candidate + static_cast<Time>(lost) * lg::kPeriod20Ns, arrival);
}

std::optional<Time> LegacyCore::reference(const NeuronAddr& n) const {
  auto last = [this](uint64_t key) -> std::optional<Time> {
    auto it = last_spike_.find(key);
    return it == last_spike_.end() ? std::nullopt : std::optional<Time>(it->second);
  };
  auto pre = pre_of_.find(n.key());
  if (pre == pre_of_.end()) return last(n.key());
  std::optional<Time> latest;
  for (uint64_t key : pre->second)
    if (auto t = last(key); t && (!latest || *t > *latest)) latest = t;
  return latest;
}

Time LegacyCore::settle(Time candidate, Time arrival) {
  if (candidate > arrival) {
    ++counters_.clamped;
    return arrival;
  }
  if (candidate < arrival - cfg_.max_lag_ns) {
    ++counters_.reanchored;
    return arrival;
  }
  return candidate;
}

void LegacyCore::saw_spike(const Spike& s) {
  if (s.kind != SpikeKind::psp && tracked_.contains(s.source.key())) last_spike_[s.source.key()] = s.t;
}

void LegacyCore::on_weight(const WeightUpdate& w) {
  if (maps_.contains(w.synapse)) resistance_[w.synapse] = w.resistance_ohm;
}

std::optional<LegacyCore::Out> LegacyCore::on_input(const SynapticInput& in, std::optional<lg::Sender> cause) {
  auto id = ids_.find(in.post.key());
  if (id == ids_.end()) return std::nullopt;
  std::optional<SockAddr> to = destination(id->second, cause);
  if (!to) return std::nullopt;
  auto bytes = lg::encode(lg::Packet{lg::Sender::hub, id->second, weight_byte(in), hub_ticks(in.t)});
  if (!bytes) return std::nullopt;  // cannot fail: the id came from the 24-bit table, ticks are masked
  return Out{*to, *bytes};
}

// 'S' for an 'A' spike goes to the postsynaptic partner (l.331), for a 'D' spike to the
// presynaptic partner (l.600).
std::optional<SockAddr> LegacyCore::destination(uint32_t id, std::optional<lg::Sender> cause) const {
  if (cfg_.binding == LegacyBinding::learned) {
    auto b = bound_.find(id);
    return b == bound_.end() ? std::nullopt : std::optional<SockAddr>(b->second);
  }
  if (cause == lg::Sender::presynaptic) return cfg_.post_partner;
  if (cause == lg::Sender::postsynaptic) return cfg_.pre_partner;
  return std::nullopt;
}

// The byte of the latest recorded read-back; before any, of the resistance the forwarded weight
// stands for.
uint8_t LegacyCore::weight_byte(const SynapticInput& in) const {
  auto m = maps_.find(in.synapse);
  const hub::WeightMap map = m == maps_.end() ? hub::WeightMap{} : m->second;
  auto r = resistance_.find(in.synapse);
  return map.legacy_byte(r != resistance_.end() ? r->second : map.resistance_of(in.weight));
}

// Ticks of t on the hub clock (floor), masked to 20 bits as the reference sent them (l.323–326).
uint32_t LegacyCore::hub_ticks(Time t) const {
  const Time d = t - clock_.origin_ns;
  Time q = d / lg::kTickNs;
  if (d % lg::kTickNs < 0) --q;
  return static_cast<uint32_t>(static_cast<uint64_t>(q) & lg::kMask20);
}

// ---------------------------------------------------------------- LegacyBridge

namespace {

Result<std::optional<SockAddr>> partner(const std::string& text, const char* key) {
  if (text.empty()) return std::optional<SockAddr>{};
  auto a = SockAddr::parse(text);
  if (!a.is_ok())
    return error(Errc::invalid_argument,
                 std::string("legacy bridge: bad ") + key + " '" + text + "': " + a.status().message());
  return std::optional<SockAddr>(*a);
}

Result<LegacyCoreConfig> core_config(const experiment::Experiment& e, const experiment::Site& site) {
  LegacyCoreConfig cfg;
  for (const std::string& ip : e.legacy.allowed_peers) {
    ION_TRY_ASSIGN(auto a, parse_ip(ip));
    cfg.allowed.push_back(a);
  }
  for (const auto& [id, name] : e.legacy.neurons) {
    const experiment::Neuron* n = e.find_neuron(name);
    if (!n)
      return error(Errc::not_found, "legacy bridge: neuron '" + name + "' (legacy id " + std::to_string(id) +
                                        ") is not in the experiment");
    cfg.neurons[id] = n->addr;
  }
  cfg.synapses = hub::hub_synapses(e, site);
  ION_TRY_ASSIGN(auto pre, partner(e.legacy.pre_partner, "pre_partner"));
  ION_TRY_ASSIGN(auto post, partner(e.legacy.post_partner, "post_partner"));
  cfg.pre_partner = pre;
  cfg.post_partner = post;
  cfg.binding = e.legacy.learned_binding ? LegacyBinding::learned : LegacyBinding::configured;
  return cfg;
}

}  // namespace

Result<std::unique_ptr<LegacyBridge>> LegacyBridge::create_for(const experiment::Experiment& e,
                                                               const experiment::Site& site, Env& env,
                                                               LegacyHooks hooks) {
  if (!e.legacy.enabled || e.legacy.hub != site.name) return std::unique_ptr<LegacyBridge>{};
  ION_TRY_ASSIGN(auto cfg, core_config(e, site));
  const std::string host = site.address.v6 ? "[" + site.address.host + "]" : site.address.host;
  auto bind = SockAddr::parse(host + ":" + std::to_string(e.legacy.port));
  if (!bind.is_ok())
    return error(Errc::invalid_argument, "legacy bridge on " + site.name + ": " + bind.status().message());
  std::unique_ptr<LegacyBridge> b(new LegacyBridge(env, std::move(cfg), std::move(hooks)));
  auto sock = env.open_socket(*bind, [p = b.get()](const Datagram& d) { p->on_datagram(d); });
  if (!sock.is_ok()) return sock.status().prefixed("legacy bridge on " + site.name + ": ");
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
  const Time arrival = hooks_.to_experiment ? hooks_.to_experiment(d.rx_time_ns) : d.rx_time_ns;
  std::optional<LegacySpike> s = core_.on_datagram(d.from, d.data, arrival);
  if (!s) return;
  cause_ = s->sender;  // the inputs the hub emits while taking this spike were caused by it
  const bool took = hooks_.on_spike && hooks_.on_spike(s->spike);
  cause_.reset();
  ++(took ? core_.counters().forwarded : core_.counters().dropped);
}

bool LegacyBridge::forward(const SynapticInput& in) {
  std::optional<LegacyCore::Out> out = core_.on_input(in, cause_);
  if (!out) return false;
  if (env_.send_to(sock_, out->to, out->bytes).is_ok()) ++core_.counters().sent;
  else ++core_.counters().send_errors;
  return true;
}

// Records the counters once a second when they changed.
void LegacyBridge::report() {
  timer_ = env_.schedule_after(kSecond, [this] { report(); });
  if (core_.counters() == reported_) return;
  report_now();
}

void LegacyBridge::report_now() {
  reported_ = core_.counters();
  if (hooks_.note) hooks_.note(to_string(reported_));
}

}  // namespace ion::site
