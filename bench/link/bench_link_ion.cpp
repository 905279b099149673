// SPDX-License-Identifier: Apache-2.0
// `ion bench link`: the ion phases. Sender = site 0 (time master, so event times are its
// CLOCK_MONOTONIC), receiver = site 1; one authenticated (XChaCha20-Poly1305) Link each, on a
// RealEnv, linger 0 (batches leave when the loop is idle or full).
#include <unistd.h>

#include <algorithm>
#include <span>

#include "bench/link/bench_link_internal.hpp"
#include "bench/link/bench_saturate.hpp"
#include "env/real_env.hpp"
#include "link/link.hpp"
#include "wire/codec.hpp"

namespace ion::link::bench::detail {
namespace {

SockAddr loop_addr(const std::string& host, uint64_t port) {
  return SockAddr::parse(host + ":" + std::to_string(port)).value();
}

// Receiver state of one ion phase.
struct IonSink {
  bool latency = false;
  uint64_t events = 0, datagrams = 0, bytes = 0;
  Time first = 0, last = 0;
  std::vector<int64_t> lat_ns;
  // Latency breakdown of the last events datagram: header send time and kernel receive stamp.
  Time hdr_send = 0, rx_kernel = 0;
  std::vector<int64_t> queue_ns, wire_ns, deliver_ns;  // t→send_time, send_time→rx stamp, rx stamp→handler
};

LinkHandlers sink_handlers(IonSink& s, RealEnv& env) {
  LinkHandlers h;
  h.on_events = link::each_event([&s, &env](SiteId, const Event& e) {
    ++s.events;
    if (!s.latency) return;
    const Spike* sp = std::get_if<Spike>(&e);
    if (!sp || sp->source.index < 100) return;  // first 100: warm-up
    const Time now = env.now();
    s.lat_ns.push_back(now - sp->t);
    s.queue_ns.push_back(s.hdr_send - sp->t);
    s.wire_ns.push_back(s.rx_kernel - s.hdr_send);
    s.deliver_ns.push_back(now - s.rx_kernel);
  });
  h.on_raw = [&s, &env](const Datagram& d) {
    const auto h = wire::peek_header(d.data);
    if (!h || h->type != wire::MsgType::events) return;  // events datagrams only
    s.hdr_send = h->send_time_ns;                        // the sender is the time master: its clock is experiment time
    s.rx_kernel = d.rx_time_ns;
    const Time now = env.now();
    if (s.datagrams++ == 0) s.first = now;
    s.last = now;
    s.bytes += d.data.size();
  };
  return h;
}

}  // namespace

Words receive_ion(const BenchLinkConfig& cfg, const wire::Psk& psk, const Words& cmd, int in, int out) {
  RealEnv env(RealEnvOptions{"bench-rx", 1, ""});
  IonSink sink;
  sink.latency = cmd[0] == kIonLatency;
  LinkConfig lc;
  lc.self = 1;
  lc.bind = loop_addr(cfg.host, cmd[1]);
  lc.aead_offer = static_cast<uint8_t>(cmd[3]);  // the sender's offer (the child's cfg is the fork's copy)
  auto link = Link::create(env, lc, {PeerSpec{0, loop_addr(cfg.host, cmd[2]), psk, false, false}},
                           sink_handlers(sink, env));
  Words ready{};
  ready[0] = link.is_ok() ? 1 : 0;
  (void)write_words(out, ready);
  if (!link.is_ok()) return Words{};
  auto w = env.watch_fd(in, [&env, in] {
    char c;
    (void)!::read(in, &c, 1);
    env.stop();
  });
  if (!w.is_ok()) return Words{};
  env.schedule_after(cfg.throughput_ns + cfg.latency_ns + 20 * kSecond, [&env] { env.stop(); });  // bound
  const Time cpu0 = cpu_now();
  (void)env.run();
  const Time cpu_ns = cpu_now() - cpu0;
  Words r{};
  r[0] = sink.datagrams;
  r[1] = sink.events;
  r[2] = sink.bytes;
  r[3] = static_cast<uint64_t>(sink.last - sink.first);
  if (auto st = (*link)->stats(0); st.is_ok()) {
    r[4] = st->lost;
    r[5] = st->rejected;
    r[6] = st->malformed;
  }
  r[7] = static_cast<uint64_t>(cpu_ns);
  if (sink.latency) {
    const Percentiles p = percentiles(sink.lat_ns);
    r[1] = sink.lat_ns.size();
    r[4] = static_cast<uint64_t>(p.p50);
    r[5] = static_cast<uint64_t>(p.p99);
    r[6] = static_cast<uint64_t>(p.p999);
    r[7] = static_cast<uint64_t>(p.max);
    r[8] = static_cast<uint64_t>(percentiles(sink.queue_ns).p50);
    r[9] = static_cast<uint64_t>(percentiles(sink.wire_ns).p50);
    r[10] = static_cast<uint64_t>(percentiles(sink.deliver_ns).p50);
  }
  env.unwatch_fd(*w);
  (*link)->close();
  return r;
}

namespace {

Status handshake(RealEnv& env, Link& link) {
  const Time end = env.now() + 5 * kSecond;
  while (env.now() < end) {
    ION_TRY(env.run_once(env.now() + 5 * kMillisecond));
    auto st = link.stats(1);
    if (st.is_ok() && st->peer_up && link.peer(1)->channel().addressed_epoch() != 0) {
      return env.run_for(50 * kMillisecond);  // let the receiver adopt our epoch too
    }
  }
  return error(Errc::timeout, "bench link: no handshake with the receiver process within 5 s");
}

// Paced sender: one spike every 1/rate, stamped with the send time.
struct Pacer {
  RealEnv& env;
  Link& link;
  Duration period;
  Time next, end;
  uint32_t n = 0;
  void tick() {
    (void)link.send(1, Spike{NeuronAddr{0, n++}, env.now(), SpikeKind::spike});
    next += period;
    if (next < end) env.schedule_at(next, [this] { tick(); });
  }
};

}  // namespace

Result<Words> send_ion(const BenchLinkConfig& cfg, const wire::Psk& psk, uint16_t self_port, uint16_t peer_port,
                       bool latency) {
  RealEnv env(RealEnvOptions{"bench-tx", 1, ""});
  LinkConfig lc;
  lc.self = 0;
  lc.bind = loop_addr(cfg.host, self_port);
  lc.aead_offer = cfg.aead_offer;
  lc.time_master = true;
  ION_TRY_ASSIGN(auto link,
                 Link::create(env, lc, {PeerSpec{1, loop_addr(cfg.host, peer_port), psk, false, false}}, {}));
  ION_TRY(handshake(env, *link));
  Time sender_cpu_ns = 0;
  if (latency) {
    const Duration period = static_cast<Duration>(1e9 / std::max(cfg.rate_hz, 1.0));
    Pacer p{env, *link, period, env.now(), env.now() + cfg.latency_ns};
    env.schedule_at(p.next, [&p] { p.tick(); });
    ION_TRY(env.run_for(cfg.latency_ns + 20 * kMillisecond));
  } else {
    const Time cpu0 = cpu_now();
    ION_TRY(saturate(env, *link, 1, cfg.throughput_ns, cfg.burst_events, [](uint64_t k) {
      return NeuronAddr{0, static_cast<uint32_t>(k & 4095u)};
    }));
    sender_cpu_ns = cpu_now() - cpu0;
  }
  ION_TRY(env.run_for(300 * kMillisecond));  // drain; heartbeats settle the receiver's gaps
  auto st = link->stats(1);
  Words r{};
  if (st.is_ok()) {
    r[0] = st->sent;
    r[1] = st->events_sent;
  }
  r[2] = static_cast<uint64_t>(sender_cpu_ns);
  r[3] = env.stats().gso_datagrams;
  r[4] = env.stats().gso_refused;
  link->close();
  return r;
}

}  // namespace ion::link::bench::detail
