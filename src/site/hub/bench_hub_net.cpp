// SPDX-License-Identifier: Apache-2.0
// `ion bench hub`: the networked phases. Three RealEnvs on three threads of this process:
// bio (site 0, time master, the calling thread) → hub (site 1) → silicon (site 2), each pair on
// its own authenticated (XChaCha20-Poly1305) Link with a fresh random PSK, linger 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "env/real_env.hpp"
#include "link/link.hpp"
#include "site/hub/bench_hub_internal.hpp"
#include "wire/crypto.hpp"

namespace ion::hub::bench::detail {

using link::Link;
using link::LinkConfig;
using link::LinkHandlers;
using link::PeerSpec;
using wire::Event;

namespace {

constexpr uint64_t kWarmup = 100;          // first events of a latency phase are not sampled
constexpr size_t kMaxSamples = 2'000'000;  // memory bound of a latency phase
constexpr Duration kHandshakeBound = 5 * kSecond;

struct Ports {
  uint16_t bio = 0, hub = 0, sil = 0;
};

SockAddr addr(const std::string& host, uint16_t port) {
  return SockAddr::parse(host + ":" + std::to_string(port)).value();
}

Result<Ports> free_ports(const std::string& host) {
  Ports p;
  for (uint16_t* q : {&p.bio, &p.hub, &p.sil}) {
    auto r = link::bench::udp::free_port(host, "bench hub");
    if (!r.is_ok()) return r.status();
    *q = *r;
  }
  return p;
}

uint64_t auth_failures(const Link& l, SiteId peer) {
  auto st = l.stats(peer);
  return st.is_ok() ? st->rejected + st->malformed : 0;
}

// ---- silicon: counts SynapticInputs, samples now − t ----
struct SiliconSink {
  bool latency = false;
  uint64_t events = 0;
  Time first = 0, last = 0;
  std::vector<int64_t> lat_ns;
  uint64_t auth_failures = 0;
  Status status;
};

void silicon_main(const BenchHubConfig& cfg, const Ports& p, const wire::Psk& psk, RealEnv& env, SiliconSink& s) {
  LinkHandlers h;
  h.on_event = [&s, &env](SiteId, const Event& e) {
    if (!std::holds_alternative<SynapticInput>(e)) return;
    const Time now = env.now();
    if (s.events++ == 0) s.first = now;
    s.last = now;
    if (s.latency && s.events > kWarmup && s.lat_ns.size() < kMaxSamples)
      s.lat_ns.push_back(now - std::get<SynapticInput>(e).t);
  };
  LinkConfig lc;
  lc.self = kSilicon;
  lc.bind = addr(cfg.host, p.sil);
  auto link = Link::create(env, lc, {PeerSpec{kHub, addr(cfg.host, p.hub), psk, false, false}}, h);
  if (!link.is_ok()) {
    s.status = link.status();
    return;
  }
  env.schedule_after(cfg.throughput_ns + cfg.latency_ns + 20 * kSecond, [&env] { env.stop(); });  // bound
  s.status = env.run();
  s.auth_failures = auth_failures(**link, kHub);
  (*link)->close();
}

// ---- hub: HubCore (or plain forwarding) between the two links ----
struct HubSide {
  HubMode mode = HubMode::hub;
  std::atomic<bool> ready{false};
  std::atomic<bool> failed{false};  // set after status holds the error (status is read after join)
  double cpu_s = 0;
  uint64_t pulses = 0, device_errors = 0, auth_failures = 0;
  Status status;
};

bool hub_links_up(const Link& l) {
  auto a = l.stats(kBio), b = l.stats(kSilicon);
  return a.is_ok() && b.is_ok() && a->peer_up && b->peer_up && l.peer(kSilicon)->channel().addressed_epoch() != 0;
}

Status hub_handshake(RealEnv& env, const Link& l) {
  const Time end = env.now() + kHandshakeBound;
  while (env.now() < end && !env.stopped()) {
    ION_TRY(env.run_once(env.now() + 5 * kMillisecond));
    if (hub_links_up(l)) return env.run_for(50 * kMillisecond);
  }
  return error(Errc::timeout, "bench hub: the hub saw no handshake from both peers within 5 s");
}

void hub_main(const BenchHubConfig& cfg, const Ports& p, const wire::Psk& psk_bio, const wire::Psk& psk_sil,
              RealEnv& env, HubSide& side) {
  auto xb = bench_crossbar();
  if (!xb.is_ok()) {
    side.status = xb.status();
    side.failed = true;
    return;
  }
  HubCore core(ring_synapses(cfg.synapses), **xb, 0);
  std::vector<SynapticInput> fwd;
  std::vector<WeightUpdate> upd;
  Link* out = nullptr;
  LinkHandlers h;
  h.on_event = [&](SiteId, const Event& e) {
    const Spike* s = std::get_if<Spike>(&e);
    if (!s || !out) return;
    if (side.mode == HubMode::forward) {
      (void)out->send(kSilicon, SynapticInput{s->source, 0, 0.5f, s->t});
      return;
    }
    core.on_spike(*s, fwd);
    core.advance(s->t, upd);  // horizon 0: the rule runs on this spike now
    for (const SynapticInput& in : fwd) (void)out->send(kSilicon, in);
    fwd.clear();
    upd.clear();
  };
  LinkConfig lc;
  lc.self = kHub;
  lc.bind = addr(cfg.host, p.hub);
  auto link = Link::create(env, lc,
                           {PeerSpec{kBio, addr(cfg.host, p.bio), psk_bio, false, false},
                            PeerSpec{kSilicon, addr(cfg.host, p.sil), psk_sil, false, false}},
                           h);
  if (!link.is_ok()) {
    side.status = link.status();
    side.failed = true;
    return;
  }
  out = link->get();
  side.status = hub_handshake(env, **link);
  side.failed = !side.status.is_ok();
  if (side.status.is_ok()) {
    side.ready = true;
    env.schedule_after(cfg.throughput_ns + cfg.latency_ns + 20 * kSecond, [&env] { env.stop(); });  // bound
    const Time c0 = thread_cpu_now();
    side.status = env.run();
    side.cpu_s = static_cast<double>(thread_cpu_now() - c0) / 1e9;
  }
  side.pulses = core.counters().potentiations + core.counters().depressions;
  side.device_errors = core.counters().device_errors;
  side.auth_failures = auth_failures(**link, kBio) + auth_failures(**link, kSilicon);
  (*link)->close();
}

// ---- bio (calling thread): saturating or paced spikes to the hub ----
Status bio_handshake(RealEnv& env, const Link& l, const HubSide& hub) {
  const Time end = env.now() + kHandshakeBound + kSecond;
  while (env.now() < end) {
    ION_TRY(env.run_once(env.now() + 5 * kMillisecond));
    auto st = l.stats(kHub);
    if (st.is_ok() && st->peer_up && l.peer(kHub)->channel().addressed_epoch() != 0 && hub.ready) return env.run_for(100 * kMillisecond);
    if (hub.failed) return error(Errc::unavailable, "bench hub: the hub thread failed to start");
  }
  return error(Errc::timeout, "bench hub: no handshake between bio, hub and silicon within 6 s");
}

Status saturate(const BenchHubConfig& cfg, RealEnv& env, Link& link) {
  const Time end = env.now() + cfg.throughput_ns;
  uint32_t j = 0;
  while (env.now() < end) {
    const Time t = env.now();
    for (size_t k = 0; k < cfg.burst_events; ++k) {
      (void)link.send(kHub, Spike{NeuronAddr{kBio, j}, t, SpikeKind::spike});
      j = j + 1 == cfg.synapses ? 0 : j + 1;
    }
    ION_TRY(env.run_once(t));
  }
  link.flush_all();
  return Status::ok();
}

struct Pacer {
  RealEnv& env;
  Link& link;
  uint32_t synapses;
  Duration period;
  Time next, end;
  uint32_t n = 0;
  void tick() {
    (void)link.send(kHub, Spike{NeuronAddr{kBio, n++ % synapses}, env.now(), SpikeKind::spike});
    next += period;
    if (next < end) env.schedule_at(next, [this] { tick(); });
  }
};

Result<uint64_t> bio_main(const BenchHubConfig& cfg, const Ports& p, const wire::Psk& psk, RealEnv& env,
                          const HubSide& hub, bool latency, uint64_t& auth) {
  LinkConfig lc;
  lc.self = kBio;
  lc.bind = addr(cfg.host, p.bio);
  lc.time_master = true;
  auto link = Link::create(env, lc, {PeerSpec{kHub, addr(cfg.host, p.hub), psk, false, false}}, {});
  if (!link.is_ok()) return link.status();
  ION_TRY(bio_handshake(env, **link, hub));
  if (latency) {
    const Duration period = static_cast<Duration>(1e9 / cfg.rate_hz);
    Pacer pc{env, **link, cfg.synapses, period, env.now(), env.now() + cfg.latency_ns};
    env.schedule_at(pc.next, [&pc] { pc.tick(); });
    ION_TRY(env.run_for(cfg.latency_ns + 20 * kMillisecond));
  } else {
    ION_TRY(saturate(cfg, env, **link));
  }
  ION_TRY(env.run_for(300 * kMillisecond));  // drain through the hub
  auto st = (*link)->stats(kHub);
  auth = auth_failures(**link, kHub);
  (*link)->close();
  return st.is_ok() ? st->events_sent : 0;
}

}  // namespace

Result<NetOutcome> run_net_phase(const BenchHubConfig& cfg, HubMode mode, bool latency) {
  auto ports = free_ports(cfg.host);
  if (!ports.is_ok()) return ports.status();
  const wire::Psk psk_bio = wire::random_psk(), psk_sil = wire::random_psk();
  RealEnv env_bio(RealEnvOptions{"bench-bio", 1, ""}), env_hub(RealEnvOptions{"bench-hub", 2, ""}),
      env_sil(RealEnvOptions{"bench-silicon", 3, ""});
  SiliconSink sink;
  sink.latency = latency;
  HubSide side;
  side.mode = mode;
  std::thread sil([&] { silicon_main(cfg, *ports, psk_sil, env_sil, sink); });
  std::thread hub([&] { hub_main(cfg, *ports, psk_bio, psk_sil, env_hub, side); });
  uint64_t bio_auth = 0;
  auto sent = bio_main(cfg, *ports, psk_bio, env_bio, side, latency, bio_auth);
  env_hub.stop();
  env_sil.stop();
  hub.join();
  sil.join();
  if (!side.status.is_ok()) return side.status;
  if (!sent.is_ok()) return sent.status();
  if (!sink.status.is_ok()) return sink.status;
  NetOutcome o;
  o.rate.events = sink.events;
  o.rate.sent = *sent;
  o.rate.pulses = side.pulses;
  o.rate.span_s = static_cast<double>(sink.last - sink.first) / 1e9;
  o.rate.cpu_s = side.cpu_s;
  o.lat.ns = std::move(sink.lat_ns);
  o.lat.sent = *sent > kWarmup ? *sent - kWarmup : 0;
  o.auth_failures = bio_auth + side.auth_failures + sink.auth_failures;
  o.device_errors = side.device_errors;
  return o;
}

}  // namespace ion::hub::bench::detail
