// SPDX-License-Identifier: Apache-2.0
// `ion bench hub`: the raw-UDP latency baseline — the same two loopback hops with no Link, no
// crypto, no hub: sender → relay thread (recv, send) → receiver thread (recv, now − stamp).
// One 64-byte datagram per spike of int64 fields (host order): [stamp, index, sent, relay
// kernel_rx, relay woke, relay done, sender CPU, relay CPU] — the relay writes its own before
// forwarding, so the
// receiver has the whole trip for the paired split (bench_hub_trace.hpp), like the ion paths.
// Kernel receive stamps: SO_TIMESTAMPNS, as RealEnv. Waits use poll() and the sender is paced by
// an absolute timerfd, as RealEnv's epoll loop does, so the baseline differs from the ion path
// only by what ion adds (Link, crypto, event loop, hub).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "bench/hub/bench_hub_internal.hpp"

namespace ion::hub::bench::detail {
namespace {

constexpr size_t kBytes = 64;
constexpr uint64_t kWarmup = 100;
constexpr size_t kMaxSamples = 2'000'000;
enum Field : size_t { kStamp, kIndex, kSent, kHopRx, kHopWoke, kHopDone, kBioCpu, kHopCpu, kFields };
static_assert(kFields * sizeof(int64_t) <= kBytes);

int64_t field(const uint8_t* b, Field f) {
  int64_t v = 0;
  std::memcpy(&v, b + f * sizeof(v), sizeof(v));
  return v;
}
void set_field(uint8_t* b, Field f, int64_t v) { std::memcpy(b + f * sizeof(v), &v, sizeof(v)); }

// CLOCK_REALTIME − CLOCK_MONOTONIC now (maps SO_TIMESTAMPNS stamps to the monotonic clock).
Time realtime_minus_mono() {
  timespec rt{};
  clock_gettime(CLOCK_REALTIME, &rt);
  return static_cast<Time>(rt.tv_sec) * kSecond + rt.tv_nsec - mono_now();
}

// One datagram, non-blocking, with its kernel receive stamp on the monotonic clock in *rx_ns
// (the read time if the kernel gave none; *missing then counts it). Bytes read, or <= 0.
ssize_t recv_stamped(int fd, uint8_t* buf, size_t cap, Time* rx_ns, uint64_t* missing) {
  iovec iov{buf, cap};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr h{};
  h.msg_iov = &iov;
  h.msg_iovlen = 1;
  h.msg_control = control;
  h.msg_controllen = sizeof(control);
  const ssize_t n = ::recvmsg(fd, &h, MSG_DONTWAIT);
  if (n <= 0) return n;
  const Time now = mono_now();
  *rx_ns = now;
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec ts{};
    std::memcpy(&ts, CMSG_DATA(c), sizeof(ts));
    *rx_ns = std::min(now, static_cast<Time>(ts.tv_sec) * kSecond + ts.tv_nsec - realtime_minus_mono());
    return n;
  }
  ++*missing;
  return n;
}

void enable_timestamps(int fd) {
  const int one = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
}

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

// Unconnected: receives from the sender, stamps its hop into the datagram, sends to the receiver.
void relay(int fd, const sockaddr_in& to, const std::atomic<bool>& stop, uint64_t& missing) {
  uint8_t b[2048];
  while (!stop) {
    if (!wait_readable(fd)) continue;
    const Time woke_cpu = thread_cpu_now(), woke = mono_now();
    ssize_t n;
    Time rx = 0;
    while ((n = recv_stamped(fd, b, sizeof(b), &rx, &missing)) > 0) {
      if (static_cast<size_t>(n) >= kBytes) {
        set_field(b, kHopRx, rx);
        set_field(b, kHopWoke, woke);
        set_field(b, kHopDone, mono_now());
        set_field(b, kHopCpu, thread_cpu_now() - woke_cpu);
      }
      (void)::sendto(fd, b, static_cast<size_t>(n), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    }
  }
}

struct RawSink {
  std::vector<int64_t> lat_ns;
  std::vector<PathTrace> traces;
  uint64_t missing = 0;
};

void receive(int fd, const std::atomic<bool>& stop, RawSink& sink) {
  uint8_t b[2048];
  while (!stop) {
    if (!wait_readable(fd)) continue;
    const Time woke_cpu = thread_cpu_now(), woke = mono_now();
    ssize_t n;
    Time rx = 0;
    while ((n = recv_stamped(fd, b, sizeof(b), &rx, &sink.missing)) >= static_cast<ssize_t>(kBytes)) {
      const Time now = mono_now(), cpu = thread_cpu_now();
      if (static_cast<uint64_t>(field(b, kIndex)) < kWarmup || sink.lat_ns.size() >= sink.lat_ns.capacity()) continue;
      sink.lat_ns.push_back(now - field(b, kStamp));
      const HopTrace hop{field(b, kHopRx), field(b, kHopWoke), field(b, kHopDone), field(b, kHopCpu)};
      sink.traces.push_back(PathTrace{field(b, kStamp), field(b, kSent), hop, HopTrace{rx, woke, now, cpu - woke_cpu},
                                      field(b, kBioCpu)});
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
  enable_timestamps(f.hop);
  enable_timestamps(f.rx);
  std::atomic<bool> stop{false};
  RawSink sink;
  const Duration period = static_cast<Duration>(1e9 / cfg.rate_hz);
  const size_t cap = std::min(kMaxSamples, static_cast<size_t>(static_cast<double>(cfg.latency_ns) / period) + 1);
  // No allocation or first-touch page fault on the path: written once here, samples past it dropped.
  sink.lat_ns.resize(cap);
  sink.lat_ns.clear();
  sink.traces.resize(cap);
  sink.traces.clear();
  uint64_t relay_missing = 0;
  const sockaddr_in rx_addr = name_of(f.rx);
  std::thread hop([&] { relay(f.hop, rx_addr, stop, relay_missing); });
  std::thread rx([&] { receive(f.rx, stop, sink); });
  const Time t0 = mono_now() + 50 * kMillisecond, end = t0 + cfg.latency_ns;
  uint64_t sent = 0;
  uint8_t b[kBytes] = {};
  for (Time next = t0; next < end; next += period, ++sent) {
    sleep_until(f.timer, next);
    const Time cpu = thread_cpu_now();  // before the stamp, as the ion bio site
    set_field(b, kStamp, mono_now());
    set_field(b, kIndex, static_cast<int64_t>(sent));
    set_field(b, kSent, mono_now());
    set_field(b, kBioCpu, thread_cpu_now() - cpu);
    (void)::send(f.tx, b, sizeof(b), 0);
  }
  sleep_until(f.timer, mono_now() + 100 * kMillisecond);
  stop = true;
  hop.join();
  rx.join();
  return Samples{std::move(sink.lat_ns), sent > kWarmup ? sent - kWarmup : 0, std::move(sink.traces),
                 sink.missing + relay_missing};
}

}  // namespace ion::hub::bench::detail
