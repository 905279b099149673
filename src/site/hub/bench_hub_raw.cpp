// SPDX-License-Identifier: Apache-2.0
// `ion bench hub`: the raw-UDP latency baseline — the same two loopback hops with no Link, no
// crypto, no hub: sender → relay thread (recv, send) → receiver thread (recv, now − stamp).
// One 64-byte datagram per spike: [send time ns, index] (host order). Waits use poll() and the
// sender is paced by an absolute timerfd, as RealEnv's epoll loop does, so the baseline differs
// from the ion path only by what ion adds (Link, crypto, event loop, hub).
#include <netinet/in.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "site/hub/bench_hub_internal.hpp"

namespace ion::hub::bench::detail {
namespace {

constexpr size_t kBytes = 64;
constexpr uint64_t kWarmup = 100;
constexpr size_t kMaxSamples = 2'000'000;

// Closes its descriptors on every path.
struct Fds {
  int tx = -1, hop = -1, rx = -1, timer = -1;
  ~Fds() {
    for (int fd : {tx, hop, rx, timer})
      if (fd >= 0) ::close(fd);
  }
};

sockaddr_in name_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return a;
}

bool connect_to(int fd, int peer_fd) {
  const sockaddr_in a = name_of(peer_fd);
  return ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a)) == 0;
}

// Waits until fd is readable or 50 ms passed (the stop flag is checked at least that often).
bool wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 50) > 0;
}

// Unconnected: receives from the sender, sends to the receiver.
void relay(int fd, const sockaddr_in& to, const std::atomic<bool>& stop) {
  uint8_t b[2048];
  while (!stop) {
    if (!wait_readable(fd)) continue;
    ssize_t n;
    while ((n = ::recv(fd, b, sizeof(b), MSG_DONTWAIT)) > 0)
      (void)::sendto(fd, b, static_cast<size_t>(n), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
  }
}

void receive(int fd, const std::atomic<bool>& stop, std::vector<int64_t>& lat_ns) {
  uint8_t b[2048];
  while (!stop) {
    if (!wait_readable(fd)) continue;
    ssize_t n;
    while ((n = ::recv(fd, b, sizeof(b), MSG_DONTWAIT)) >= static_cast<ssize_t>(2 * sizeof(int64_t))) {
      const Time now = mono_now();
      int64_t t = 0, idx = 0;
      std::memcpy(&t, b, sizeof(t));
      std::memcpy(&idx, b + sizeof(t), sizeof(idx));
      if (static_cast<uint64_t>(idx) >= kWarmup && lat_ns.size() < kMaxSamples) lat_ns.push_back(now - t);
    }
  }
}

// Sleeps on an absolute timerfd (as RealEnv does); tfd < 0: clock_nanosleep.
void sleep_until(int tfd, Time t) {
  const timespec ts{static_cast<time_t>(t / kSecond), static_cast<long>(t % kSecond)};
  const itimerspec its{{0, 0}, ts};
  if (tfd >= 0 && ::timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, nullptr) == 0) {
    pollfd p{tfd, POLLIN, 0};
    while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
    uint64_t expirations = 0;
    (void)!::read(tfd, &expirations, sizeof(expirations));
    return;
  }
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

}  // namespace

Result<Samples> run_raw_two_hop(const BenchHubConfig& cfg) {
  Fds f;
  f.tx = bound_socket(cfg.host, 0);
  f.hop = bound_socket(cfg.host, 0);
  f.rx = bound_socket(cfg.host, 0);
  if (f.tx < 0 || f.hop < 0 || f.rx < 0)
    return error(Errc::io_error, "bench hub: cannot bind UDP sockets on " + cfg.host + ": " + std::strerror(errno));
  if (!connect_to(f.tx, f.hop) || !connect_to(f.rx, f.hop))
    return error(Errc::io_error, std::string("bench hub: cannot connect raw UDP sockets: ") + std::strerror(errno));
  f.timer = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  std::atomic<bool> stop{false};
  std::vector<int64_t> lat_ns;
  const sockaddr_in rx_addr = name_of(f.rx);
  std::thread hop([&] { relay(f.hop, rx_addr, stop); });
  std::thread rx([&] { receive(f.rx, stop, lat_ns); });
  const Duration period = static_cast<Duration>(1e9 / cfg.rate_hz);
  const Time t0 = mono_now() + 50 * kMillisecond, end = t0 + cfg.latency_ns;
  uint64_t sent = 0;
  uint8_t b[kBytes] = {};
  for (Time next = t0; next < end; next += period, ++sent) {
    sleep_until(f.timer, next);
    const int64_t now = mono_now(), idx = static_cast<int64_t>(sent);
    std::memcpy(b, &now, sizeof(now));
    std::memcpy(b + sizeof(now), &idx, sizeof(idx));
    (void)::send(f.tx, b, sizeof(b), 0);
  }
  sleep_until(f.timer, mono_now() + 100 * kMillisecond);
  stop = true;
  hop.join();
  rx.join();
  return Samples{std::move(lat_ns), sent > kWarmup ? sent - kWarmup : 0};
}

}  // namespace ion::hub::bench::detail
