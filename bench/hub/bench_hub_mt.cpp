// SPDX-License-Identifier: Apache-2.0
#include "bench/hub/bench_hub_mt.hpp"

#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include "bench/hub/bench_hub_internal.hpp"
#include "link/link.hpp"
#include "node/hub_pipeline.hpp"

namespace ion::hub::bench::detail {
namespace {

using link::Link;
using link::LinkConfig;
using link::LinkHandlers;
using link::PeerSpec;

constexpr size_t kLogicBatch = 256;  // items per run_ready() call: the loop's timers still run between
constexpr Duration kHandshakeBound = 5 * kSecond;

// What the two threads share. The pipeline's sinks run on the logic thread only.
struct Shared {
  HubCore* core = nullptr;
  int efd = -1;        // written by wake_logic (rx thread), read by the logic loop
  Link* tx = nullptr;  // the logic thread's Link, set before the rx thread submits
  std::atomic<bool> logic_up{false}, logic_failed{false};
  std::atomic<bool> logic_ended{false};  // the logic loop returned: it runs nothing more
  Status logic_status;                   // read after the logic thread joined
  double logic_cpu_s = 0;
  uint64_t tx_auth_failures = 0;
  std::unique_ptr<node::HubPipeline> pipe;
};

bool link_up(const Link& l, SiteId peer) {
  auto st = l.stats(peer);
  return st.is_ok() && st->peer_up && l.peer(peer)->channel().addressed_epoch() != 0;
}

// Runs env until `done()` or the bound; an error names `what`.
Status wait_until(RealEnv& env, const std::function<bool()>& done, const char* what) {
  const Time end = env.now() + kHandshakeBound;
  while (env.now() < end && !env.stopped()) {
    ION_TRY(env.run_once(env.now() + 5 * kMillisecond));
    if (done()) return Status::ok();
  }
  return error(Errc::timeout, std::string("bench hub (2 threads): ") + what + " within 5 s");
}

// Logic loop pass: a bounded batch, then again after the loop's other work if more is waiting.
void logic_pass(RealEnv& env, Shared& sh) {
  if (sh.pipe->run_ready(kLogicBatch)) env.defer([&env, &sh] { logic_pass(env, sh); });
}

Status logic_serve(const BenchHubConfig& cfg, const MtHubPorts& p, const wire::Psk& psk, RealEnv& env, Shared& sh) {
  LinkConfig lc;
  lc.self = kHub;
  lc.bind = addr(p.host, p.hub_tx);
  ION_TRY_ASSIGN(auto link, Link::create(env, lc, {PeerSpec{kSilicon, addr(p.host, p.sil), psk, false, false}}, {}));
  sh.tx = link.get();
  ION_TRY_ASSIGN(auto watch, env.watch_fd(sh.efd, [&env, &sh] {
    uint64_t n = 0;
    // EAGAIN: another pass consumed the count; the pass below runs either way.
    if (::read(sh.efd, &n, sizeof n) != sizeof n) n = 0;
    logic_pass(env, sh);
  }));
  Status s = wait_until(
      env, [&] { return link_up(*link, kSilicon); }, "no handshake between hub and silicon");
  if (s.is_ok()) {
    sh.logic_up = true;
    env.schedule_after(cfg.throughput_ns + cfg.latency_ns + 20 * kSecond, [&env] { env.stop(); });  // bound
    const Time c0 = thread_cpu_now();
    s = env.run();
    sh.logic_cpu_s = static_cast<double>(thread_cpu_now() - c0) / 1e9;
  }
  env.unwatch_fd(watch);
  sh.tx_auth_failures = auth_failures(*link, kSilicon);
  link->close();
  return s;
}

void logic_main(const BenchHubConfig& cfg, const MtHubPorts& p, const wire::Psk& psk, RealEnv& env, Shared& sh) {
  pthread_setname_np(pthread_self(), "bench-hub-logic");  // for perf --sort comm; failure changes nothing
  sh.logic_status = logic_serve(cfg, p, psk, env, sh);
  if (!sh.logic_status.is_ok()) sh.logic_failed = true;
  sh.logic_ended = true;  // on every path, so the rx thread never waits for a loop that is gone
}

std::unique_ptr<node::HubPipeline> make_pipeline(Shared& sh) {
  node::HubSinks k;
  // A send error is counted in the Link's statistics; the bench counts inputs at silicon.
  k.forward = [&sh](const SynapticInput& in) { (void)sh.tx->send(kSilicon, in); };
  k.update = [](const WeightUpdate&) {};  // the bench records nothing (as the 1-thread bench hub)
  k.wake_logic = [&sh] {
    const uint64_t one = 1;
    // Cannot fail short of a counter overflow (2^64 - 1 wake-ups): the loop then still drains.
    if (::write(sh.efd, &one, sizeof one) != sizeof one) return;
  };
  return std::make_unique<node::HubPipeline>(*sh.core, 2, std::move(k));
}

// The rx side's per-pass hand-over: advance(t) after the pass's spikes, then one publish(); a
// burst also submits advance(t) every kRuleBatch spikes, as the 1-thread bench hub runs its rules.
struct RxPass {
  node::HubPipeline& pipe;
  RealEnv& env;
  Time up_to = 0;
  uint32_t waiting = 0;  // spikes submitted since the last advance
  bool armed = false;
  void on_spike(const Spike& s) {
    pipe.submit(node::HubWork{node::HubWork::Kind::spike, s, 0});
    up_to = s.t;
    if (++waiting >= kRuleBatch) submit_advance();
    if (armed) return;
    armed = true;
    env.defer([this] { end(); });
  }
  void end() {
    armed = false;
    submit_advance();
    pipe.publish();
  }
  void submit_advance() {
    waiting = 0;
    pipe.submit(node::HubWork{node::HubWork::Kind::advance, {}, up_to});
  }
};

Status rx_serve(const BenchHubConfig& cfg, const MtHubPorts& p, const wire::Psk& psk, RealEnv& env, Shared& sh,
                std::atomic<bool>& ready, MtHubOutcome& out) {
  RxPass pass{*sh.pipe, env};
  LinkHandlers h;
  h.on_events = link::each_event([&pass](SiteId, const wire::Event& e) {
    if (const Spike* s = std::get_if<Spike>(&e)) pass.on_spike(*s);
  });
  LinkConfig lc;
  lc.self = kHub;
  lc.bind = addr(p.host, p.hub_rx);
  ION_TRY_ASSIGN(auto link, Link::create(env, lc, {PeerSpec{kBio, addr(p.host, p.bio), psk, false, false}}, h));
  Status s = wait_until(
      env, [&] { return sh.logic_failed || (sh.logic_up && link_up(*link, kBio)); },
      "no handshake with bio and silicon");
  if (s.is_ok() && sh.logic_failed) s = error(Errc::unavailable, "bench hub (2 threads): the logic thread failed");
  if (s.is_ok()) {
    ready = true;
    env.schedule_after(cfg.throughput_ns + cfg.latency_ns + 20 * kSecond, [&env] { env.stop(); });  // bound
    const Time c0 = thread_cpu_now();
    s = env.run();
    out.cpu_s = static_cast<double>(thread_cpu_now() - c0) / 1e9;
    // Let the logic thread (its loop still runs until run_mt_hub stops it) finish what was handed over.
    while (!sh.pipe->caught_up() && !sh.logic_ended) {
      sh.pipe->publish();
      std::this_thread::yield();
    }
  }
  out.auth_failures = auth_failures(*link, kBio);
  link->close();
  return s;
}

}  // namespace

void run_mt_hub(const BenchHubConfig& cfg, const MtHubPorts& p, const wire::Psk& psk_bio, const wire::Psk& psk_sil,
                RealEnv& env_rx, std::atomic<bool>& ready, std::atomic<bool>& failed, MtHubOutcome& out) {
  auto xb = bench_crossbar(cfg.synapses);
  const int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (!xb.is_ok() || efd < 0) {
    out.status = !xb.is_ok() ? xb.status() : error(Errc::io_error, std::string("eventfd: ") + std::strerror(errno));
    failed = true;
    return;
  }
  HubCore core(ring_synapses(cfg.synapses), **xb, 0);
  Shared sh;
  sh.core = &core;
  sh.efd = efd;
  sh.pipe = make_pipeline(sh);
  RealEnv env_logic(RealEnvOptions{"bench-hub-logic", 5, ""});
  std::thread logic([&] { logic_main(cfg, p, psk_sil, env_logic, sh); });
  out.status = rx_serve(cfg, p, psk_bio, env_rx, sh, ready, out);
  failed = !out.status.is_ok() && !ready;
  env_logic.stop();
  logic.join();
  sh.pipe->stop();
  if (out.status.is_ok()) out.status = sh.logic_status;
  out.cpu_s += sh.logic_cpu_s;
  out.auth_failures += sh.tx_auth_failures;
  out.ring_full_waits = sh.pipe->counters().ring_full_waits;
  out.pulses = core.counters().potentiations + core.counters().depressions;
  out.device_errors = core.counters().device_errors;
  ::close(efd);
}

}  // namespace ion::hub::bench::detail
