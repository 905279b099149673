// SPDX-License-Identifier: Apache-2.0
// `ion bench link`: orchestration (fork, control pipes, phase order) and the raw-UDP baseline.
#include "bench/link/bench_link.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "bench/link/bench_link_internal.hpp"
#include "bench/link/bench_udp.hpp"
#include "env/udp_segment.hpp"

namespace ion::link::bench::detail {

bool write_words(int fd, const Words& w) { return ::write(fd, w.data(), sizeof(w)) == static_cast<ssize_t>(sizeof(w)); }

std::optional<Words> read_words(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
  Words w{};
  size_t got = 0;
  auto* b = reinterpret_cast<char*>(w.data());
  while (got < sizeof(w)) {
    const ssize_t n = ::read(fd, b + got, sizeof(w) - got);
    if (n <= 0) return std::nullopt;
    got += static_cast<size_t>(n);
  }
  return w;
}

Time cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<Time>(ts.tv_sec) * kSecond + ts.tv_nsec;
}

using udp::bound_socket;
using udp::make_addr;
using udp::port_of;

Result<uint16_t> free_port(const std::string& host) { return udp::free_port(host, "bench link"); }

Percentiles percentiles(std::vector<int64_t>& s) {
  Percentiles p;
  if (s.empty()) return p;
  std::sort(s.begin(), s.end());
  auto at = [&s](double q) {
    const size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(s.size())));
    return s[std::min(s.size() - 1, i == 0 ? 0 : i - 1)];
  };
  p.p50 = at(0.5);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  p.max = s.back();
  return p;
}

// ---- raw UDP receiver: recvmmsg until a byte arrives on the control pipe ----
namespace {

constexpr size_t kBatch = 64;
constexpr size_t kBufBytes = 2048;

struct RawRx {
  std::vector<uint8_t> buf = std::vector<uint8_t>(kBatch * kBufBytes);
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  RawRx() {
    for (size_t i = 0; i < kBatch; ++i) {
      iov[i] = iovec{buf.data() + i * kBufBytes, kBufBytes};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
  }
};

struct RawCount {
  uint64_t datagrams = 0, bytes = 0;
  Time first = 0, last = 0;
  std::vector<int64_t> lat_ns;
};

// Reads what is queued; returns false when nothing was.
bool drain_raw(int fd, RawRx& rx, RawCount& c, bool latency) {
  const int n = ::recvmmsg(fd, rx.msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) return false;
  const Time now = mono_now();
  if (c.datagrams == 0) c.first = now;
  c.last = now;
  for (int i = 0; i < n; ++i) {
    c.bytes += rx.msgs[i].msg_len;
    if (latency && rx.msgs[i].msg_len >= 16) {
      int64_t ts = 0, seq = 0;
      std::memcpy(&ts, rx.buf.data() + i * kBufBytes, 8);  // same binary on both ends
      std::memcpy(&seq, rx.buf.data() + i * kBufBytes + 8, 8);
      if (seq >= 100) c.lat_ns.push_back(now - ts);  // first 100: warm-up, as for ion
    }
  }
  c.datagrams += static_cast<uint64_t>(n);
  return true;
}

}  // namespace

Words receive_raw(const BenchLinkConfig& cfg, const Words& cmd, int in, int out) {
  const bool latency = cmd[0] == kRawLatency;
  const int fd = bound_socket(cfg.host, 0);
  Words ready{};
  ready[0] = fd >= 0 ? 1 : 0;
  ready[1] = fd >= 0 ? port_of(fd) : 0;
  (void)write_words(out, ready);
  if (fd < 0) return Words{};
  RawRx rx;
  RawCount c;
  const Time cpu0 = cpu_now();
  const Time bound = mono_now() + cfg.throughput_ns + cfg.latency_ns + 20 * kSecond;
  while (mono_now() < bound) {
    pollfd p[2] = {{fd, POLLIN, 0}, {in, POLLIN, 0}};
    if (::poll(p, 2, 100) < 0 && errno != EINTR) break;
    if (p[0].revents & POLLIN)
      while (drain_raw(fd, rx, c, latency)) {
      }
    if (p[1].revents) {
      char ch;
      (void)!::read(in, &ch, 1);
      break;
    }
  }
  ::close(fd);
  Words r{};
  r[0] = c.datagrams;
  r[1] = latency ? c.lat_ns.size() : 0;
  r[2] = c.bytes;
  r[3] = static_cast<uint64_t>(c.last - c.first);
  r[7] = static_cast<uint64_t>(cpu_now() - cpu0);
  if (latency) {
    const Percentiles p = percentiles(c.lat_ns);
    r[4] = static_cast<uint64_t>(p.p50);
    r[5] = static_cast<uint64_t>(p.p99);
    r[6] = static_cast<uint64_t>(p.p999);
    r[7] = static_cast<uint64_t>(p.max);
  }
  return r;
}

// ---- raw UDP sender ----
namespace {

Words raw_saturate(int fd, const BenchLinkConfig& cfg, size_t bytes) {
  std::vector<uint8_t> payload(bytes, 0x5A);
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  for (size_t i = 0; i < kBatch; ++i) {
    iov[i] = iovec{payload.data(), bytes};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  Words r{};
  const Time cpu0 = cpu_now();
  const Time end = mono_now() + cfg.throughput_ns;
  while (mono_now() < end) {
    const int n = ::sendmmsg(fd, msgs.data(), kBatch, 0);
    if (n > 0) r[0] += static_cast<uint64_t>(n);
  }
  r[2] = static_cast<uint64_t>(cpu_now() - cpu0);
  return r;
}

// The same datagrams with the system-call strategy RealEnv uses: up to kBatch datagrams per
// sendmmsg, grouped into UDP_SEGMENT messages of as many segments as the kernel takes
// (env/udp_segment.hpp). r[3] = 1 if the kernel refused UDP_SEGMENT (nothing measured then).
Words raw_saturate_gso(int fd, const BenchLinkConfig& cfg, size_t bytes) {
  const size_t per_msg = std::max<size_t>(1, std::min(kMaxSegments, kMaxSegmentedBytes / std::max<size_t>(bytes, 1)));
  std::vector<uint8_t> payload(kBatch * bytes, 0x5A);
  struct alignas(cmsghdr) Control {
    uint8_t bytes[CMSG_SPACE(sizeof(uint16_t))];
  };
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  std::array<Control, kBatch> control{};
  std::array<size_t, kBatch> per{};
  size_t m = 0;
  for (size_t first = 0; first < kBatch; first += per_msg, ++m) {
    per[m] = std::min(per_msg, kBatch - first);
    iov[m] = iovec{payload.data(), per[m] * bytes};
    msghdr& h = msgs[m].msg_hdr;
    h.msg_iov = &iov[m];
    h.msg_iovlen = 1;
    if (per[m] < 2) continue;
    h.msg_control = control[m].bytes;
    h.msg_controllen = sizeof control[m].bytes;
    cmsghdr* c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    const auto seg = static_cast<uint16_t>(bytes);
    std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
  }
  Words r{};
  const Time cpu0 = cpu_now();
  const Time end = mono_now() + cfg.throughput_ns;
  while (mono_now() < end) {
    const int n = ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(m), 0);
    if (n < 0 && (errno == EINVAL || errno == EIO || errno == EOPNOTSUPP || errno == ENOPROTOOPT)) {
      r[3] = 1;
      break;
    }
    for (int i = 0; i < n; ++i) r[0] += per[static_cast<size_t>(i)];
  }
  r[2] = static_cast<uint64_t>(cpu_now() - cpu0);
  return r;
}

Words raw_paced(int fd, const BenchLinkConfig& cfg, size_t bytes) {
  std::vector<uint8_t> payload(std::max<size_t>(bytes, 16), 0x5A);
  const Duration period = static_cast<Duration>(1e9 / std::max(cfg.rate_hz, 1.0));
  Time next = mono_now();
  const Time end = next + cfg.latency_ns;
  Words r{};
  for (int64_t seq = 0; next < end; ++seq, next += period) {
    timespec ts{static_cast<time_t>(next / kSecond), static_cast<long>(next % kSecond)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
    const int64_t now = mono_now();
    std::memcpy(payload.data(), &now, 8);
    std::memcpy(payload.data() + 8, &seq, 8);
    if (::send(fd, payload.data(), payload.size(), 0) > 0) ++r[0];
  }
  r[1] = r[0];
  return r;
}

}  // namespace

Result<Words> send_raw(const BenchLinkConfig& cfg, uint16_t peer_port, size_t bytes, RawMode mode) {
  const int fd = bound_socket(cfg.host, 0);
  if (fd < 0) return error(Errc::io_error, std::string("bench link: raw sender socket: ") + std::strerror(errno));
  sockaddr_in to = make_addr(cfg.host, peer_port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
    ::close(fd);
    return error(Errc::io_error, std::string("bench link: raw sender connect: ") + std::strerror(errno));
  }
  Words r = mode == RawMode::paced ? raw_paced(fd, cfg, bytes)
            : mode == RawMode::gso ? raw_saturate_gso(fd, cfg, bytes)
                                   : raw_saturate(fd, cfg, bytes);
  ::close(fd);
  ::usleep(300000);  // as the ion sender: let the receiver drain
  return r;
}

}  // namespace ion::link::bench::detail
