// SPDX-License-Identifier: Apache-2.0
// `ion bench hub`: the networked phases. Three RealEnvs on three threads of this process:
// bio (site 0, time master, the calling thread) → hub (site 1) → silicon (site 2), each pair on
// its own authenticated (XChaCha20-Poly1305) Link with a fresh random PSK, linger 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <span>
#include <thread>

#include "bench/hub/bench_hub_internal.hpp"
#include "bench/hub/bench_hub_mt.hpp"
#include "bench/link/bench_saturate.hpp"
#include "env/real_env.hpp"
#include "link/link.hpp"
#include "node/monitor_feed.hpp"
#include "wire/codec.hpp"
#include "wire/crypto.hpp"

namespace ion::hub::bench::detail {

using link::Link;
using link::LinkConfig;
using link::LinkHandlers;
using link::PeerSpec;
using wire::Event;

SockAddr addr(const std::string& host, uint16_t port) {
  return SockAddr::parse(host + ":" + std::to_string(port)).value();
}

uint64_t auth_failures(const Link& l, SiteId peer) {
  auto st = l.stats(peer);
  return st.is_ok() ? st->rejected + st->malformed : 0;
}

namespace {

constexpr uint64_t kWarmup = 100;          // first events of a latency phase are not sampled
constexpr size_t kMaxSamples = 2'000'000;  // memory bound of a latency phase
constexpr Duration kHandshakeBound = 5 * kSecond;

struct Ports {
  uint16_t bio = 0, hub = 0, sil = 0, mon = 0, hub_tx = 0;  // hub_tx: hub_mt's silicon-facing socket
};

Result<Ports> free_ports(const std::string& host) {
  Ports p;
  for (uint16_t* q : {&p.bio, &p.hub, &p.sil, &p.mon, &p.hub_tx}) {
    ION_TRY_ASSIGN(auto r, link::bench::udp::free_port(host, "bench hub"));
    *q = r;
  }
  return p;
}

// ---- per-spike traces of the latency phases (bench_hub_trace.hpp) ----
// Capacity is reserved before the phase, so recording never allocates on the path; records past
// it are dropped. Every callback runs on its own site's loop thread.
size_t trace_capacity(const BenchHubConfig& cfg) {
  const double n = cfg.rate_hz * static_cast<double>(cfg.latency_ns) / 1e9 + 2.0 * kWarmup;
  return std::min(kMaxSamples, static_cast<size_t>(n));
}

bool is_events(std::span<const uint8_t> datagram) {
  auto h = wire::peek_header(datagram);
  return h && h->type == wire::MsgType::events;
}

template <class T>
void push_bounded(std::vector<T>& v, const T& x) {
  if (v.size() < v.capacity()) v.push_back(x);
}

// Reserves n elements and writes them once, so recording later causes no page faults.
template <class T>
void reserve_touched(std::vector<T>& v, size_t n) {
  v.resize(n);
  v.clear();
}

// bio: spikes stamped since the last events datagram left (stamp, thread CPU clock just before
// it), then (stamp, handoff, CPU time between) records.
struct BioTracer {
  std::vector<BioRecord> pending;  // cpu: the CPU clock reading, until the handoff
  std::vector<BioRecord> done;
  void reserve(size_t n) {
    reserve_touched(pending, 1024);
    reserve_touched(done, n);
  }
  void on_tx(const RealEnvProbe::Tx& t) {
    if (!is_events(t.data)) return;
    for (const BioRecord& p : pending) push_bounded(done, BioRecord{p.stamp, t.handoff_ns, t.handoff_cpu_ns - p.cpu});
    pending.clear();
  }
};

// hub / silicon: the receive times of the events datagram being handled (cur.cpu holds the CPU
// clock at wake-up until `done` is known); the hub's forwarded spikes wait in `pending` for the
// handoff of the datagram that carries them on.
struct HopTracer {
  HopTrace cur;
  std::vector<HopRecord> pending, done;
  uint64_t missing = 0;  // events datagrams without a kernel receive stamp
  void reserve(size_t n) {
    reserve_touched(pending, 1024);
    reserve_touched(done, n);
  }
  void on_rx(const RealEnvProbe::Rx& r) {
    if (!is_events(r.data)) return;
    cur = HopTrace{r.kernel_rx_ns, r.woke_ns, 0, r.woke_cpu_ns};
    if (!r.kernel_stamped) ++missing;
  }
  void on_tx(const RealEnvProbe::Tx& t) {
    if (!is_events(t.data)) return;
    for (HopRecord& r : pending) {
      r.hop.done = t.handoff_ns;
      r.hop.cpu = t.handoff_cpu_ns - r.hop.cpu;
      push_bounded(done, r);
    }
    pending.clear();
  }
};

// ---- silicon: counts SynapticInputs, samples now − t ----
struct SiliconSink {
  bool latency = false;
  uint64_t events = 0;
  Time first = 0, last = 0;
  std::vector<int64_t> lat_ns;  // reserved before a latency phase
  HopTracer trace;
  uint64_t auth_failures = 0;
  Status status;
};

void silicon_main(const BenchHubConfig& cfg, const Ports& p, const wire::Psk& psk, RealEnv& env, SiliconSink& s) {
  LinkHandlers h;
  h.on_events = link::each_event([&s, &env](SiteId, const Event& e) {
    if (!std::holds_alternative<SynapticInput>(e)) return;
    const Time now = env.now();
    if (s.events++ == 0) s.first = now;
    s.last = now;
    if (!s.latency) return;
    const Time t = std::get<SynapticInput>(e).t;
    if (s.events > kWarmup) push_bounded(s.lat_ns, now - t);
    const Time cpu = thread_cpu_now();  // after `now`: outside the measured span
    const HopTrace& cur = s.trace.cur;
    push_bounded(s.trace.done, HopRecord{t, HopTrace{cur.kernel_rx, cur.woke, now, cpu - cur.cpu}});
  });
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
  double cpu_s = 0;                 // the hub thread's; hub_mt: its rx and logic threads'
  uint64_t pulses = 0, device_errors = 0, auth_failures = 0;
  uint64_t ring_full_waits = 0;  // hub_mt
  Status status;
  bool latency = false;
  HopTracer trace;
  std::optional<site::MonitorFeed> feed;  // hub_monitor only
  wire::Psk psk_mon;
};

// hub_monitor: the monitor peer of the hub and the feed's 100 ms batches (as a Node runs them).
void attach_monitor(const BenchHubConfig& cfg, const Ports& p, RealEnv& env, HubSide& side,
                    std::vector<PeerSpec>& peers) {
  if (side.mode != HubMode::hub_monitor) return;
  PeerSpec m{kMonitor, addr(cfg.host, p.mon), side.psk_mon, false, false};
  m.monitor = true;
  peers.push_back(m);
  side.feed.emplace(kMonitor, "bench", cfg.monitor_rate_hz, env.now());
}

void service_feed(RealEnv& env, Link& link, HubSide& side) {
  if (!side.feed) return;
  side.feed->service(link, env.now(), false);
  env.schedule_after(site::kMonitorBatchInterval, [&env, &link, &side] { service_feed(env, link, side); });
}

// ---- monitor: a receive-only Link that counts the copies ----
struct MonitorSink {
  std::atomic<uint64_t> records{0};
  Status status;
};

void monitor_main(const BenchHubConfig& cfg, const Ports& p, const wire::Psk& psk, RealEnv& env, MonitorSink& s) {
  LinkHandlers h;
  h.on_copies = [&s](SiteId, std::span<const uint8_t> c) {
    wire::for_each_copy(c, [&s](wire::CopyView) { s.records.fetch_add(1, std::memory_order_relaxed); });
  };
  LinkConfig lc;
  lc.self = kMonitor;
  lc.bind = addr(cfg.host, p.mon);
  lc.monitor = true;
  auto link = Link::create(env, lc, {PeerSpec{kHub, addr(cfg.host, p.hub), psk, false, false}}, h);
  if (!link.is_ok()) {
    s.status = link.status();
    return;
  }
  env.schedule_after(cfg.throughput_ns + cfg.latency_ns + 20 * kSecond, [&env] { env.stop(); });  // bound
  s.status = env.run();
  (*link)->close();
}

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

// The rules (horizon 0) run once per loop pass, deferred after the Link's flush of the forwarded
// inputs (deferred work runs in order): rule + pulse_read stay off the forwarding latency, and
// every spike is still evaluated before the hub next waits. A pass that drains a burst (up to 8
// recvmmsg rounds of 32 GRO buffers: 10^5 spikes and more) also runs them every kRuleBatch
// spikes: the orderer's items and the updates of a batch then stay in cache (the hub thread's
// CPU per plastic event fell from ≈ 155 to ≈ 139 ns with it; docs/benchmarks.md, "rules in
// bounded batches"). The closure is one pointer, so std::function stores it without allocating.
struct DeferredRules {
  HubCore& core;
  std::vector<WeightUpdate> upd;
  Time up_to = 0;
  uint32_t waiting = 0;  // spikes forwarded since the rules last ran
  bool armed = false;
  void after_forward(Env& env, Time t) {
    up_to = t;
    if (++waiting >= kRuleBatch) run_rules();
    if (armed) return;
    armed = true;
    env.defer([this] {
      armed = false;
      run_rules();
    });
  }
  void run_rules() {
    waiting = 0;
    core.advance(up_to, upd);
    upd.clear();
  }
};

void hub_main(const BenchHubConfig& cfg, const Ports& p, const wire::Psk& psk_bio, const wire::Psk& psk_sil,
              RealEnv& env, HubSide& side) {
  pthread_setname_np(pthread_self(), "bench-hub");  // for perf --sort comm; failure changes nothing
  auto xb = bench_crossbar(cfg.synapses);
  if (!xb.is_ok()) {
    side.status = xb.status();
    side.failed = true;
    return;
  }
  HubCore core(ring_synapses(cfg.synapses), **xb, 0);
  std::vector<SynapticInput> fwd;
  fwd.reserve(64);
  DeferredRules rules{core, {}, 0, 0, false};
  rules.upd.reserve(1024);
  Link* out = nullptr;
  LinkHandlers h;
  h.on_events = link::each_event([&](SiteId, const Event& e) {
    const Spike* s = std::get_if<Spike>(&e);
    if (!s || !out) return;
    if (side.latency) push_bounded(side.trace.pending, HopRecord{s->t, side.trace.cur});
    // A send error is counted in the Link's statistics; the bench counts the inputs silicon received.
    if (side.mode == HubMode::forward) {  // the very record HubCore forwards for this spike (same bytes)
      (void)out->send(kSilicon, ring_input(*s, cfg.synapses));
      return;
    }
    core.on_spike(*s, fwd);  // forwarding never waits for plasticity (as HubRole)
    for (const SynapticInput& in : fwd) (void)out->send(kSilicon, in);
    if (side.feed) {  // what a site records, copied after the forwarding (as Node::record)
      side.feed->copy(*s);
      for (const SynapticInput& in : fwd) side.feed->copy(in);
    }
    fwd.clear();
    rules.after_forward(env, s->t);
  });
  LinkConfig lc;
  lc.self = kHub;
  lc.bind = addr(cfg.host, p.hub);
  std::vector<PeerSpec> peers{PeerSpec{kBio, addr(cfg.host, p.bio), psk_bio, false, false},
                              PeerSpec{kSilicon, addr(cfg.host, p.sil), psk_sil, false, false}};
  attach_monitor(cfg, p, env, side, peers);
  auto link = Link::create(env, lc, peers, h);
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
    service_feed(env, **link, side);
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

// hub_mt: the hub on two threads with a Link each (bench_hub_mt.hpp); silicon peers with hub_tx.
void hub_mt_main(const BenchHubConfig& cfg, const Ports& p, const wire::Psk& psk_bio, const wire::Psk& psk_sil,
                 RealEnv& env, HubSide& side) {
  pthread_setname_np(pthread_self(), "bench-hub-rx");  // for perf --sort comm; failure changes nothing
  MtHubOutcome o;
  run_mt_hub(cfg, MtHubPorts{cfg.host, p.bio, p.hub, p.hub_tx, p.sil}, psk_bio, psk_sil, env, side.ready, side.failed,
             o);
  side.status = o.status;
  side.cpu_s = o.cpu_s;
  side.pulses = o.pulses;
  side.device_errors = o.device_errors;
  side.auth_failures = o.auth_failures;
  side.ring_full_waits = o.ring_full_waits;
}

// ---- bio (calling thread): saturating or paced spikes to the hub ----
Status bio_handshake(RealEnv& env, const Link& l, const HubSide& hub) {
  const Time end = env.now() + kHandshakeBound + kSecond;
  while (env.now() < end) {
    ION_TRY(env.run_once(env.now() + 5 * kMillisecond));
    auto st = l.stats(kHub);
    if (st.is_ok() && st->peer_up && l.peer(kHub)->channel().addressed_epoch() != 0 && hub.ready)
      return env.run_for(100 * kMillisecond);
    if (hub.failed) return error(Errc::unavailable, "bench hub: the hub thread failed to start");
  }
  return error(Errc::timeout, "bench hub: no handshake between bio, hub and silicon within 6 s");
}

struct Pacer {
  RealEnv& env;
  Link& link;
  BioTracer& trace;
  uint32_t synapses;
  Duration period;
  Time next, end;
  uint32_t n = 0;
  void tick() {
    const Time cpu = thread_cpu_now();  // before the stamp: outside the measured span
    const Time t = env.now();
    (void)link.send(kHub, Spike{NeuronAddr{kBio, n++ % synapses}, t, SpikeKind::spike});
    if (n > kWarmup) push_bounded(trace.pending, BioRecord{t, 0, cpu});
    next += period;
    if (next < end) env.schedule_at(next, [this] { tick(); });
  }
};

Result<uint64_t> bio_main(const BenchHubConfig& cfg, const Ports& p, const wire::Psk& psk, RealEnv& env,
                          const HubSide& hub, bool latency, BioTracer& trace, uint64_t& auth) {
  LinkConfig lc;
  lc.self = kBio;
  lc.bind = addr(cfg.host, p.bio);
  lc.time_master = true;
  ION_TRY_ASSIGN(auto link, Link::create(env, lc, {PeerSpec{kHub, addr(cfg.host, p.hub), psk, false, false}}, {}));
  ION_TRY(bio_handshake(env, *link, hub));
  if (latency) {
    const Duration period = static_cast<Duration>(1e9 / cfg.rate_hz);
    Pacer pc{env, *link, trace, cfg.synapses, period, env.now(), env.now() + cfg.latency_ns};
    env.schedule_at(pc.next, [&pc] { pc.tick(); });
    ION_TRY(env.run_for(cfg.latency_ns + 20 * kMillisecond));
  } else {
    ION_TRY(link::bench::saturate(env, *link, kHub, cfg.throughput_ns, cfg.burst_events, [&cfg](uint64_t k) {
      return NeuronAddr{kBio, static_cast<uint32_t>(k % cfg.synapses)};
    }));
  }
  ION_TRY(env.run_for(300 * kMillisecond));  // drain through the hub
  auto st = link->stats(kHub);
  auth = auth_failures(*link, kHub);
  link->close();
  return st.is_ok() ? st->events_sent : 0;
}

// Reserves every trace buffer and sets each site's RealEnv probe (before the threads start).
void install_probes(const BenchHubConfig& cfg, RealEnv& bio, RealEnv& hub, RealEnv& sil, BioTracer& bt, HubSide& side,
                    SiliconSink& sink) {
  const size_t n = trace_capacity(cfg);
  bt.reserve(n);
  side.trace.reserve(n);
  sink.trace.reserve(n);
  reserve_touched(sink.lat_ns, n);
  RealEnvProbe pb, ph, ps;
  pb.thread_cpu = ph.thread_cpu = ps.thread_cpu = true;
  pb.on_tx = [&bt](const RealEnvProbe::Tx& t) { bt.on_tx(t); };
  ph.on_rx = [&side](const RealEnvProbe::Rx& r) { side.trace.on_rx(r); };
  ph.on_tx = [&side](const RealEnvProbe::Tx& t) { side.trace.on_tx(t); };
  ps.on_rx = [&sink](const RealEnvProbe::Rx& r) { sink.trace.on_rx(r); };
  bio.set_probe(std::move(pb));
  hub.set_probe(std::move(ph));
  sil.set_probe(std::move(ps));
}

}  // namespace

Result<NetOutcome> run_net_phase(const BenchHubConfig& cfg, HubMode mode, bool latency) {
  ION_TRY_ASSIGN(auto ports, free_ports(cfg.host));
  const wire::Psk psk_bio = wire::random_psk(), psk_sil = wire::random_psk();
  RealEnv env_bio(RealEnvOptions{"bench-bio", 1, ""}), env_hub(RealEnvOptions{"bench-hub", 2, ""}),
      env_sil(RealEnvOptions{"bench-silicon", 3, ""});
  SiliconSink sink;
  sink.latency = latency;
  HubSide side;
  side.mode = mode;
  side.latency = latency;
  side.psk_mon = wire::random_psk();
  BioTracer bio_trace;
  if (latency) install_probes(cfg, env_bio, env_hub, env_sil, bio_trace, side, sink);
  RealEnv env_mon(RealEnvOptions{"bench-monitor", 4, ""});
  MonitorSink mon;
  std::thread mon_thread;
  if (mode == HubMode::hub_monitor)
    mon_thread = std::thread([&] { monitor_main(cfg, ports, side.psk_mon, env_mon, mon); });
  Ports sil_ports = ports;  // hub_mt: silicon talks to the hub's second socket
  if (mode == HubMode::hub_mt) sil_ports.hub = ports.hub_tx;
  std::thread sil([&] { silicon_main(cfg, sil_ports, psk_sil, env_sil, sink); });
  std::thread hub(
      [&] { (mode == HubMode::hub_mt ? hub_mt_main : hub_main)(cfg, ports, psk_bio, psk_sil, env_hub, side); });
  uint64_t bio_auth = 0;
  auto sent = bio_main(cfg, ports, psk_bio, env_bio, side, latency, bio_trace, bio_auth);
  env_hub.stop();
  env_sil.stop();
  env_mon.stop();
  hub.join();
  sil.join();
  if (mon_thread.joinable()) mon_thread.join();
  if (!side.status.is_ok()) return side.status;
  if (!mon.status.is_ok()) return mon.status;
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
  o.lat.traces = join_traces(bio_trace.done, side.trace.done, sink.trace.done);
  o.lat.kernel_rx_missing = side.trace.missing + sink.trace.missing;
  o.auth_failures = bio_auth + side.auth_failures + sink.auth_failures;
  o.device_errors = side.device_errors;
  o.ring_full_waits = side.ring_full_waits;
  o.monitor_records = mon.records.load();
  o.monitor_dropped = side.feed ? side.feed->counters().dropped + side.feed->buffered() : 0;
  return o;
}

}  // namespace ion::hub::bench::detail
