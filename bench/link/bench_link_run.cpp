// SPDX-License-Identifier: Apache-2.0
// `ion bench link`: fork the receiver, run the phases in order, collect the results.
// Order: ion throughput first (it fixes the datagram size and events per datagram the raw
// baseline then uses), raw throughput, ion latency (fixes the single-event datagram size), raw
// latency.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>

#include "bench/link/bench_link_internal.hpp"

namespace ion::link::bench {
namespace detail {
namespace {

constexpr int kReplyMs = 30000;

// Receiver child: serves phases until kQuit or EOF on `in`.
[[noreturn]] void child_main(const BenchLinkConfig& cfg, const wire::Psk& psk, int in, int out) {
  for (;;) {
    auto cmd = read_words(in, 120000);
    if (!cmd || (*cmd)[0] == kQuit) ::_exit(0);
    const bool ion = (*cmd)[0] == kIonThroughput || (*cmd)[0] == kIonLatency;
    const Words r = ion ? receive_ion(cfg, psk, *cmd, in, out) : receive_raw(cfg, *cmd, in, out);
    if (!write_words(out, r)) ::_exit(1);
  }
}

struct Child {
  pid_t pid = -1;
  int to = -1, from = -1;  // pipes to / from the child

  Result<Words> ask(const Words& cmd) {
    if (!write_words(to, cmd)) return error(Errc::io_error, "bench link: receiver process is gone");
    auto r = read_words(from, kReplyMs);
    if (!r) return error(Errc::timeout, "bench link: receiver process did not answer");
    return *r;
  }
  Result<Words> stop_and_collect() {
    const char c = 's';
    if (::write(to, &c, 1) != 1) return error(Errc::io_error, "bench link: receiver process is gone");
    auto r = read_words(from, kReplyMs);
    if (!r) return error(Errc::timeout, "bench link: receiver process sent no result");
    return *r;
  }
  void finish() {
    Words q{};
    (void)write_words(to, q);
    ::close(to);
    ::close(from);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
      ::usleep(100000);
    }
    ::kill(pid, SIGKILL);  // our own child, by pid
    ::waitpid(pid, nullptr, 0);
  }
};

Result<Child> spawn(const BenchLinkConfig& cfg, const wire::Psk& psk) {
  int down[2], up[2];
  if (::pipe(down) != 0 || ::pipe(up) != 0) return error(Errc::io_error, "bench link: pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) return error(Errc::io_error, "bench link: fork failed");
  if (pid == 0) {
    ::close(down[1]);
    ::close(up[0]);
    child_main(cfg, psk, down[0], up[1]);
  }
  ::close(down[0]);
  ::close(up[1]);
  return Child{pid, down[1], up[0]};
}

Throughput to_throughput(const Words& rx, const Words& tx) {
  Throughput t;
  t.datagrams = rx[0];
  t.events = rx[1];
  t.bytes = rx[2];
  t.span_s = static_cast<double>(rx[3]) * 1e-9;
  t.sent_datagrams = tx[0];
  t.sent_events = tx[1];
  t.sender_cpu_s = static_cast<double>(tx[2]) * 1e-9;
  t.receiver_cpu_s = static_cast<double>(rx[7]) * 1e-9;
  return t;
}

// A raw phase, its events counted as ion's datagrams carried them.
Throughput raw_throughput(const Words& rx, const Words& tx, double events_per_datagram) {
  Throughput t = to_throughput(rx, tx);
  t.events = static_cast<uint64_t>(std::llround(static_cast<double>(t.datagrams) * events_per_datagram));
  t.sent_events = static_cast<uint64_t>(std::llround(static_cast<double>(t.sent_datagrams) * events_per_datagram));
  return t;
}

Latency to_latency(const Words& rx, const Words& tx) {
  Latency l;
  l.samples = rx[1];
  l.sent = tx[1];
  l.mean_bytes = rx[0] ? static_cast<double>(rx[2]) / static_cast<double>(rx[0]) : 0;
  l.p50_us = static_cast<double>(rx[4]) * 1e-3;
  l.p99_us = static_cast<double>(rx[5]) * 1e-3;
  l.p999_us = static_cast<double>(rx[6]) * 1e-3;
  l.max_us = static_cast<double>(rx[7]) * 1e-3;
  l.queue_p50_us = static_cast<double>(static_cast<int64_t>(rx[8])) * 1e-3;
  l.wire_p50_us = static_cast<double>(static_cast<int64_t>(rx[9])) * 1e-3;
  l.deliver_p50_us = static_cast<double>(static_cast<int64_t>(rx[10])) * 1e-3;
  return l;
}

// One ion phase: the child binds cport and peers with pport, and vice versa.
Result<std::pair<Words, Words>> ion_phase(Child& c, const BenchLinkConfig& cfg, const wire::Psk& psk, bool latency) {
  ION_TRY_ASSIGN(auto cport, free_port(cfg.host));
  ION_TRY_ASSIGN(auto pport, free_port(cfg.host));
  ION_TRY_ASSIGN(auto ready, c.ask(Words{latency ? kIonLatency : kIonThroughput, cport, pport, cfg.aead_offer}));
  if (ready[0] != 1) return error(Errc::io_error, "bench link: the receiver could not open its link");
  auto tx = send_ion(cfg, psk, pport, cport, latency);
  ION_TRY_ASSIGN(auto rx, c.stop_and_collect());
  if (!tx.is_ok()) return tx.status();
  return std::pair<Words, Words>{rx, *tx};
}

Result<std::pair<Words, Words>> raw_phase(Child& c, const BenchLinkConfig& cfg, size_t bytes, RawMode mode) {
  ION_TRY_ASSIGN(auto ready, c.ask(Words{mode == RawMode::paced ? kRawLatency : kRawThroughput}));
  if (ready[0] != 1) return error(Errc::io_error, "bench link: the receiver could not bind a UDP socket");
  auto tx = send_raw(cfg, static_cast<uint16_t>(ready[1]), bytes, mode);
  ION_TRY_ASSIGN(auto rx, c.stop_and_collect());
  if (!tx.is_ok()) return tx.status();
  return std::pair<Words, Words>{rx, *tx};
}

Status run_phases(Child& c, const BenchLinkConfig& cfg, const wire::Psk& psk, BenchLinkResult& out) {
  ION_TRY_ASSIGN(auto it, ion_phase(c, cfg, psk, false));
  out.ion = to_throughput(it.first, it.second);
  out.ion_lost = it.first[4];
  out.ion_rejected = it.first[5];
  out.ion_malformed = it.first[6];
  if (out.ion.datagrams == 0) return error(Errc::unavailable, "bench link: no ion datagram reached the receiver");
  out.events_per_datagram = static_cast<double>(out.ion.events) / static_cast<double>(out.ion.datagrams);
  const size_t full_bytes = static_cast<size_t>(std::lround(out.ion.mean_bytes()));
  out.ion_gso_datagrams = it.second[3];
  out.ion_gso_refused = it.second[4];
  ION_TRY_ASSIGN(auto rt, raw_phase(c, cfg, full_bytes, RawMode::saturate));
  out.raw = raw_throughput(rt.first, rt.second, out.events_per_datagram);
  ION_TRY_ASSIGN(auto rg, raw_phase(c, cfg, full_bytes, RawMode::gso));
  out.raw_gso = raw_throughput(rg.first, rg.second, out.events_per_datagram);
  out.raw_gso_refused = rg.second[3] != 0;
  if (cfg.second_offer != 0) {
    BenchLinkConfig second = cfg;
    second.aead_offer = cfg.second_offer;
    ION_TRY_ASSIGN(auto it2, ion_phase(c, second, psk, false));
    out.ion_second = to_throughput(it2.first, it2.second);
  }
  ION_TRY_ASSIGN(auto il, ion_phase(c, cfg, psk, true));
  out.ion_lat = to_latency(il.first, il.second);
  const size_t one_bytes = static_cast<size_t>(std::lround(out.ion_lat.mean_bytes));
  ION_TRY_ASSIGN(auto rl, raw_phase(c, cfg, one_bytes, RawMode::paced));
  out.raw_lat = to_latency(rl.first, rl.second);
  return Status::ok();
}

}  // namespace
}  // namespace detail

Result<BenchLinkResult> run_bench_link(const BenchLinkConfig& cfg) {
  using namespace detail;
  if (cfg.rate_hz <= 0 || cfg.rate_hz > 1e6)
    return error(Errc::out_of_range, "bench link: --rate must be in (0, 1e6] events/s");
  if (cfg.throughput_ns <= 0 || cfg.latency_ns <= 0 || cfg.throughput_ns > 60 * kSecond ||
      cfg.latency_ns > 60 * kSecond)
    return error(Errc::out_of_range, "bench link: --seconds and --latency-seconds must be in (0, 60] s");
  if (cfg.burst_events == 0 || cfg.burst_events > 1000000)
    return error(Errc::out_of_range, "bench link: --burst must be in [1, 1000000] events");
  BenchLinkResult out;
  out.load_avg_1m = load_average_1m();
  const wire::Psk psk = wire::random_psk();
  ION_TRY_ASSIGN(auto child, spawn(cfg, psk));
  const Status st = run_phases(child, cfg, psk, out);
  child.finish();
  ION_TRY(st);
  out.load_avg_after_1m = load_average_1m();
  return out;
}

}  // namespace ion::link::bench
