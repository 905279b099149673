// SPDX-License-Identifier: Apache-2.0
// `ion bench scale`, table `loopback`: one hub Link with P authenticated peers over real UDP on
// loopback. Two RealEnvs on two threads of this process: the hub (the calling thread's partner)
// and every peer Link on one peer thread, which share CLOCK_MONOTONIC, so one-way latency = the
// hub's now() at delivery - the spike time the peer stamped at Link::send. The peers offer a fixed
// total rate (split evenly), so the rows differ only in how many peers carry it.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <thread>

#include "bench/link/bench_udp.hpp"
#include "bench/scale/scale_internal.hpp"
#include "device/sim_crossbar.hpp"
#include "env/real_env.hpp"
#include "link/link.hpp"
#include "site/hub/hub_core.hpp"
#include "wire/crypto.hpp"

namespace ion::scale::bench::detail {
namespace {

using link::Link;
using link::LinkConfig;
using link::PeerSpec;
using wire::Event;

constexpr SiteId kHubSite = 0;
constexpr Duration kHandshakeBound = 5 * kSecond;
constexpr Duration kTick = kMillisecond;  // the peers send once per tick
constexpr size_t kMaxSamples = 2'000'000;
constexpr uint64_t kWarmupEvents = 100;  // first events at the hub are not sampled

SockAddr addr_of(const std::string& host, uint16_t port) {
  return SockAddr::parse(host + ":" + std::to_string(port)).value();
}

struct Shared {
  std::string host;
  uint16_t hub_port = 0;
  std::vector<uint16_t> peer_ports;
  std::vector<wire::Psk> psks;
  std::atomic<bool> hub_ready{false}, failed{false}, peers_done{false};
  std::atomic<uint64_t> sent{0};  // spikes the peers queued (final once peers_done)
};

struct HubOutcome {
  Status status;
  uint64_t events = 0, auth_failures = 0;
  double cpu_s = 0, span_s = 0;
  std::vector<int64_t> lat_ns;
};

bool all_up(const Link& l, uint32_t peers) {
  for (SiteId s = 1; s <= peers; ++s) {
    auto st = l.stats(s);
    if (!st.is_ok() || !st->peer_up) return false;
  }
  return true;
}

Status run_hub_side(Shared& sh, uint32_t peers, Duration span, RealEnv& env, HubOutcome& out) {
  device::CrossbarConfig xc;
  ION_TRY_ASSIGN(auto xb, device::SimulatedCrossbar::create(xc));
  hub::HubCore core(loopback_synapses(peers), *xb, 0);
  std::vector<SynapticInput> fwd;
  std::vector<WeightUpdate> upd;
  out.lat_ns.reserve(kMaxSamples);
  Time first = 0, last = 0, cpu_first = 0;
  link::LinkHandlers h;
  h.on_events = link::each_event([&](SiteId, const Event& e) {
    if (!std::holds_alternative<Spike>(e)) return;
    const Time now = env.now();
    const Spike& s = std::get<Spike>(e);
    if (out.events++ == kWarmupEvents) first = now, cpu_first = thread_cpu_now();
    last = now;
    core.on_spike(s, fwd);
    core.advance(s.t, upd);
    fwd.clear();
    upd.clear();
    if (out.events > kWarmupEvents && out.lat_ns.size() < kMaxSamples) out.lat_ns.push_back(now - s.t);
  });
  LinkConfig lc;
  lc.self = kHubSite;
  lc.bind = addr_of(sh.host, sh.hub_port);
  std::vector<PeerSpec> specs;
  for (uint32_t i = 0; i < peers; ++i)
    specs.push_back(PeerSpec{static_cast<SiteId>(i + 1), addr_of(sh.host, sh.peer_ports[i]), sh.psks[i], false, false});
  ION_TRY_ASSIGN(auto link, Link::create(env, lc, specs, h));
  const Time hs_end = env.now() + kHandshakeBound;
  while (!all_up(*link, peers)) {
    if (env.now() >= hs_end || sh.failed)
      return error(Errc::timeout, "bench scale: loopback: the hub saw no handshake from every peer within 5 s");
    ION_TRY(env.run_once(env.now() + 5 * kMillisecond));
  }
  sh.hub_ready = true;
  const Time bound = env.now() + span + 5 * kSecond;
  // Until the peers are done and every spike they queued has arrived (a shared machine can leave
  // a backlog in the socket), or the bound; what never arrives is reported as lost.
  while (!sh.failed && env.now() < bound && !(sh.peers_done && out.events >= sh.sent))
    ION_TRY(env.run_once(env.now() + 5 * kMillisecond));
  if (out.events > kWarmupEvents) {  // else too few spikes to measure: rates stay 0
    out.span_s = static_cast<double>(last - first) / 1e9;
    out.cpu_s = static_cast<double>(thread_cpu_now() - cpu_first) / 1e9;
  }
  for (SiteId s = 1; s <= peers; ++s)
    if (auto st = link->stats(s); st.is_ok()) out.auth_failures += st->rejected + st->malformed;
  link->close();
  return Status::ok();
}

// Every peer Link on one thread; each tick, each peer sends its share of rate_hz * tick.
Status run_peers_side(Shared& sh, uint32_t peers, Duration span, double rate_hz, RealEnv& env) {
  std::vector<std::unique_ptr<Link>> links;
  for (uint32_t i = 0; i < peers; ++i) {
    LinkConfig lc;
    lc.self = static_cast<SiteId>(i + 1);
    lc.bind = addr_of(sh.host, sh.peer_ports[i]);
    PeerSpec hub{kHubSite, addr_of(sh.host, sh.hub_port), sh.psks[i], false, false};
    ION_TRY_ASSIGN(auto l, Link::create(env, lc, {hub}, {}));
    links.push_back(std::move(l));
  }
  // Both directions up (the hub saw every peer, every peer knows the hub's epoch), or spikes
  // would wait in the peers' queues and their latency would be the handshake's.
  const auto addressed = [&links] {
    for (const auto& l : links)
      if (l->peer(kHubSite)->channel().addressed_epoch() == 0) return false;
    return true;
  };
  const Time hs_end = env.now() + kHandshakeBound + kSecond;
  while (!(sh.hub_ready && addressed()) && !sh.failed && env.now() < hs_end)
    ION_TRY(env.run_once(env.now() + kMillisecond));
  if (!sh.hub_ready || !addressed()) return error(Errc::timeout, "bench scale: loopback: no handshake with the hub");
  ION_TRY(env.run_for(20 * kMillisecond));
  const double per_tick = rate_hz * static_cast<double>(kTick) / 1e9 / peers;
  double owed = 0;
  uint64_t k = 0;
  const Time end = env.now() + span;
  for (Time next = env.now(); env.now() < end;) {
    owed += per_tick;
    for (; owed >= 1; owed -= 1, ++k)
      for (uint32_t i = 0; i < peers; ++i)
        (void)links[i]->send(kHubSite,
                             Spike{NeuronAddr{static_cast<SiteId>(i + 1), static_cast<uint32_t>(k % 64)}, env.now(),
                                   SpikeKind::spike});  // a refused send never arrives: counted in `lost`
    sh.sent = k * peers;
    next += kTick;
    while (env.now() < next) ION_TRY(env.run_once(next));
  }
  for (auto& l : links) l->flush_all();
  ION_TRY(env.run_for(10 * kMillisecond));
  for (auto& l : links) l->close();
  return Status::ok();
}

}  // namespace

// 64 neurons per peer site, a ring over all of them (neuron k of site s -> neuron k+1, the last
// of a site -> the first of the next site), on a 32 x 32 crossbar's cells modulo 1024.
std::vector<hub::HubSynapse> loopback_synapses(uint32_t peers) {
  std::vector<hub::HubSynapse> out;
  const uint32_t n = peers * 64;
  for (uint32_t j = 0; j < n; ++j) {
    hub::HubSynapse s;
    const uint32_t k = (j + 1) % n;
    s.id = j + 1;
    s.pre = NeuronAddr{static_cast<SiteId>(j / 64 + 1), j % 64};
    s.post = NeuronAddr{static_cast<SiteId>(k / 64 + 1), k % 64};
    s.word = (j % 1024) / 32;
    s.bit = j % 32;
    s.rule.kind = hub::RuleKind::srdp;
    s.rule.window_ns = 10 * kMillisecond;
    s.rule.ltp_above = 0;
    s.rule.ltd_below = 1;
    s.ltp = {4.0, 100 * kMicrosecond};
    s.ltd = {-4.0, 100 * kMicrosecond};
    out.push_back(s);
  }
  return out;
}

Result<Point> loopback_point(uint32_t peers, const std::string& host, Duration span, double rate_hz) {
  Shared sh;
  sh.host = host;
  ION_TRY_ASSIGN(sh.hub_port, link::bench::udp::free_port(host, "bench scale"));
  for (uint32_t i = 0; i < peers; ++i) {
    ION_TRY_ASSIGN(uint16_t p, link::bench::udp::free_port(host, "bench scale"));
    sh.peer_ports.push_back(p);
    sh.psks.push_back(wire::random_psk());
  }
  RealEnv env_hub(RealEnvOptions{"scale-hub", 1, ""}), env_peers(RealEnvOptions{"scale-peers", 2, ""});
  HubOutcome hub;
  std::thread t([&] {
    hub.status = run_hub_side(sh, peers, span, env_hub, hub);
    if (!hub.status) sh.failed = true;
  });
  const Status ps = run_peers_side(sh, peers, span, rate_hz, env_peers);
  if (!ps) sh.failed = true;
  sh.peers_done = true;
  t.join();
  ION_TRY(ps);
  ION_TRY(hub.status);
  Point p;
  p.size = peers;
  p.spikes = hub.events;
  p.plastic = hub.events;  // spikes delivered, each through HubCore (on_spike + advance)
  p.span_s = hub.span_s;
  p.cpu_s = hub.cpu_s;
  p.p50_ns = percentile_ns(hub.lat_ns, 0.5);
  p.p99_ns = percentile_ns(hub.lat_ns, 0.99);
  p.auth_failures = hub.auth_failures;
  p.lost = sh.sent > hub.events ? sh.sent - hub.events : 0;
  return p;
}

}  // namespace ion::scale::bench::detail
