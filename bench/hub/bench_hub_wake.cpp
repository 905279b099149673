// SPDX-License-Identifier: Apache-2.0
// `ion bench hub`: the platform baseline of the software part — a fixed amount of work (no
// system call, no allocation), run right after a thread wakes from an absolute timerfd at the
// latency phases' rate, as an ion site's loop wakes for a datagram. Two kinds: register-only
// computation, and a chain of dependent reads over a 512 KiB buffer (a working set, as a site's
// code and data). Their tails are what this machine does to a few microseconds of code that
// follow a wake-up (interrupts, the host, caches evicted while the thread slept), with no ion
// code involved.
#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "bench/hub/bench_hub_internal.hpp"

namespace ion::hub::bench::detail {
namespace {

constexpr uint64_t kWarmup = 100;
constexpr size_t kMaxSamples = 2'000'000;
constexpr int kCalibrationRuns = 51;
constexpr size_t kWorkingSetWords = 512 * 1024 / sizeof(uint64_t);

// A dependency chain the compiler cannot fold: `iters` multiply-adds; with `mem`, each step also
// reads a word of the working set chosen by the previous value (a cache line per step).
uint64_t work(uint64_t iters, uint64_t x, const uint64_t* mem) {
  for (uint64_t i = 0; i < iters; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    if (mem) x += mem[(x >> 33) % kWorkingSetWords];
  }
  return x;
}

// Median wall time of `runs` back-to-back work(iters) calls (ns); accumulates into *sink.
Duration warm_median(uint64_t iters, const uint64_t* mem, int runs, uint64_t* sink,
                     std::vector<int64_t>* all = nullptr) {
  std::vector<int64_t> ns;
  ns.reserve(static_cast<size_t>(runs));
  for (int k = 0; k < runs; ++k) {
    const Time t0 = mono_now();
    *sink ^= work(iters, *sink + static_cast<uint64_t>(k), mem);
    ns.push_back(mono_now() - t0);
  }
  if (all) all->insert(all->end(), ns.begin(), ns.end());
  std::nth_element(ns.begin(), ns.begin() + runs / 2, ns.end());
  return ns[static_cast<size_t>(runs / 2)];
}

// Iterations whose warm median is about target_ns.
uint64_t calibrate(Duration target_ns, const uint64_t* mem, uint64_t* sink) {
  const uint64_t probe = 1024;
  const Duration m = std::max<Duration>(1, warm_median(probe, mem, kCalibrationRuns, sink));
  return std::max<uint64_t>(1, probe * static_cast<uint64_t>(target_ns) / static_cast<uint64_t>(m));
}

bool sleep_until(int tfd, Time t) {
  const itimerspec its{{0, 0}, {static_cast<time_t>(t / kSecond), static_cast<long>(t % kSecond)}};
  if (::timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, nullptr) != 0) return false;
  pollfd p{tfd, POLLIN, 0};
  while (::poll(&p, 1, 1000) < 0 && errno == EINTR) {
  }
  uint64_t expirations = 0;
  return ::read(tfd, &expirations, sizeof(expirations)) == sizeof(expirations);
}

}  // namespace

Status run_wake_work(const BenchHubConfig& cfg, Duration target_ns, bool memory, WakeWorkSamples& into) {
  std::vector<uint64_t> buf(memory ? kWorkingSetWords : 0);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = i * 0x9E3779B97F4A7C15ULL;
  const uint64_t* mem = memory ? buf.data() : nullptr;
  const int tfd = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  if (tfd < 0) return error(Errc::io_error, std::string("bench hub: timerfd_create: ") + std::strerror(errno));
  uint64_t sink = 1;
  const uint64_t iters = calibrate(target_ns, mem, &sink);
  into.iters = iters;
  const Duration period = static_cast<Duration>(1e9 / cfg.rate_hz);
  const Time t0 = mono_now() + 10 * kMillisecond, end = t0 + cfg.latency_ns;
  uint64_t n = 0;
  for (Time next = t0; next < end && into.wall_ns.size() < kMaxSamples; next += period, ++n) {
    if (!sleep_until(tfd, next)) break;
    const Time c0 = thread_cpu_now(), w0 = mono_now();  // CPU clock read outside the span
    sink ^= work(iters, sink + n, mem);
    const Time w1 = mono_now(), c1 = thread_cpu_now();
    if (n < kWarmup) continue;
    into.wall_ns.push_back(w1 - w0);
    into.cpu_ns.push_back(c1 - c0);
  }
  ::close(tfd);
  (void)warm_median(iters, mem, 1000, &sink, &into.warm_ns);  // the same work, back to back
  into.sink ^= sink;
  return Status::ok();
}

}  // namespace ion::hub::bench::detail
