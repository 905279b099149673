// SPDX-License-Identifier: Apache-2.0
// RealEnv sockets: non-blocking UDP, recvmmsg batches with kernel timestamps, sendto/sendmmsg.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "env/real_env.hpp"
#include "env/real_env_internal.hpp"

namespace ion {
namespace {

constexpr int kSocketBufferBytes = 4 << 20;  // asked for; the kernel caps it at rmem_max/wmem_max
constexpr size_t kSendBatch = 64;
constexpr int kMaxRecvRounds = 8;  // per socket per loop pass, so one busy socket cannot starve others

socklen_t to_native(const SockAddr& a, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (a.family == SockAddr::Family::v4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out);
    in->sin_family = AF_INET;
    in->sin_port = htons(a.port);
    std::memcpy(&in->sin_addr, a.addr.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(a.port);
  std::memcpy(&in6->sin6_addr, a.addr.data(), 16);
  return sizeof(sockaddr_in6);
}

SockAddr from_native(const sockaddr_storage& s) {
  SockAddr a;
  if (s.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&s);
    a.family = SockAddr::Family::v4;
    a.port = ntohs(in->sin_port);
    std::memcpy(a.addr.data(), &in->sin_addr, 4);
  } else if (s.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&s);
    a.family = SockAddr::Family::v6;
    a.port = ntohs(in6->sin6_port);
    std::memcpy(a.addr.data(), &in6->sin6_addr, 16);
  }
  return a;
}

Status bind_error(const SockAddr& a) {
  const std::string where = a.to_string();
  switch (errno) {
    case EADDRINUSE:
      return error(Errc::already_exists, "address " + where + " already in use");
    case EADDRNOTAVAIL:
      return error(Errc::unavailable, "address " + where + " is not an address of this machine");
    case EACCES:
      return error(Errc::io_error, "permission denied binding " + where + " (ports below 1024 need privileges)");
    default:
      return error(Errc::io_error, "cannot bind " + where + ": " + std::strerror(errno));
  }
}

void set_int_option(int fd, int level, int name, int value) {
  (void)setsockopt(fd, level, name, &value, sizeof value);  // best effort
}

Time realtime_minus_monotonic_ns() {
  timespec rt{};
  clock_gettime(CLOCK_REALTIME, &rt);
  return static_cast<Time>(rt.tv_sec) * kSecond + rt.tv_nsec - monotonic_now_ns();
}

// The kernel's SO_TIMESTAMPNS stamp (CLOCK_REALTIME) mapped to the monotonic clock, never later
// than `t_now`; `t_now` itself when the stamp is missing. Counts stamps found in `stamped`.
Time rx_time_of(const msghdr& h, Time t_now, Time real_minus_mono, uint64_t& stamped) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec ts{};
    std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
    Time t = static_cast<Time>(ts.tv_sec) * kSecond + ts.tv_nsec - real_minus_mono;
    ++stamped;
    return std::min(t, t_now);
  }
  return t_now;
}

}  // namespace

const RealEnv::Socket* RealEnv::find(SocketId id) const {
  auto it = sockets_.find(id);
  return it == sockets_.end() ? nullptr : &it->second;
}

Status RealEnv::adopt_socket(int fd) {
  int type = 0;
  socklen_t type_len = sizeof type;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 || type != SOCK_DGRAM)
    return error(Errc::invalid_argument, "descriptor " + std::to_string(fd) + " is not a UDP socket");
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0 ||
      (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) || from_native(ss).port == 0)
    return error(Errc::invalid_argument, "descriptor " + std::to_string(fd) + " is not a bound IP socket");
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
    return error(Errc::io_error, "descriptor " + std::to_string(fd) + ": " + std::strerror(errno));
  const SockAddr local = from_native(ss);
  if (!adopted_.emplace(local, fd).second)
    return error(Errc::already_exists, "two adopted sockets are bound to " + local.to_string());
  return Status::ok();
}

// An adopted socket bound to `local`, else a new one bound to it; non-blocking, CLOEXEC.
Result<int> RealEnv::bound_socket(const SockAddr& local) {
  if (auto it = adopted_.find(local); it != adopted_.end()) {
    const int fd = it->second;
    adopted_.erase(it);
    return fd;
  }
  const bool v6 = local.family == SockAddr::Family::v6;
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return error(Errc::io_error, std::string("socket(): ") + std::strerror(errno));
  if (v6) set_int_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  sockaddr_storage ss{};
  socklen_t len = to_native(local, ss);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    Status s = bind_error(local);
    ::close(fd);
    return s;
  }
  return fd;
}

Result<SocketId> RealEnv::open_socket(const SockAddr& local, DatagramHandler on_receive) {
  ION_TRY(init_status_);
  if (!local.valid()) return error(Errc::invalid_argument, "open_socket: the local address is not set");
  ION_TRY_ASSIGN(const int fd, bound_socket(local));
  set_int_option(fd, SOL_SOCKET, SO_RCVBUF, kSocketBufferBytes);
  set_int_option(fd, SOL_SOCKET, SO_SNDBUF, kSocketBufferBytes);
  set_int_option(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  const SocketId id = next_socket_++;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = id;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    ::close(fd);
    return error(Errc::io_error, std::string("epoll_ctl: ") + std::strerror(errno));
  }
  sockets_[id] = Socket{fd, from_native(ss), std::make_shared<DatagramHandler>(std::move(on_receive))};
  return id;
}

Result<SockAddr> RealEnv::local_address(SocketId s) const {
  const Socket* sock = find(s);
  if (sock == nullptr) return error(Errc::not_found, "socket " + std::to_string(s) + " is not open");
  return sock->local;
}

void RealEnv::close_socket(SocketId s) {
  auto it = sockets_.find(s);
  if (it == sockets_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.fd, nullptr);
  ::close(it->second.fd);
  sockets_.erase(it);  // a running handler stays alive through its shared_ptr copy
}

Status RealEnv::send_to(SocketId s, const SockAddr& to, std::span<const uint8_t> bytes) {
  const Socket* sock = find(s);
  if (sock == nullptr) return error(Errc::not_found, "send on socket " + std::to_string(s) + ", which is not open");
  if (to.family != sock->local.family) {
    ++stats_.send_errors;
    return error(Errc::invalid_argument, "cannot send to " + to.to_string() + " from " + sock->local.to_string());
  }
  sockaddr_storage ss{};
  socklen_t len = to_native(to, ss);
  const Time handoff = probe_.on_tx ? now() : 0;
  const Time handoff_cpu = probe_.on_tx ? probe_cpu_now() : 0;
  ssize_t n = ::sendto(sock->fd, bytes.data(), bytes.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), len);
  if (n >= 0) {
    if (probe_.on_tx) probe_.on_tx(RealEnvProbe::Tx{s, bytes, handoff, handoff_cpu});
    return {};
  }
  return send_error(*sock, to);
}

// The error of the send call that just failed (errno is still its), counted.
Status RealEnv::send_error(const Socket& sock, const SockAddr& to) {
  const int err = errno;
  ++stats_.send_errors;
  if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS)
    return error(Errc::unavailable, "send buffer of " + sock.local.to_string() + " is full");
  return error(Errc::io_error, "sendto " + to.to_string() + ": " + std::strerror(err));
}

Result<size_t> RealEnv::send_batch(SocketId s, std::span<const OutDatagram> batch) {
  const Socket* sock = find(s);
  if (sock == nullptr) return error(Errc::not_found, "send on socket " + std::to_string(s) + ", which is not open");
  std::array<mmsghdr, kSendBatch> msgs{};
  std::array<iovec, kSendBatch> iov{};
  std::array<sockaddr_storage, kSendBatch> to{};
  size_t sent = 0;
  while (sent < batch.size()) {
    const size_t n = std::min(kSendBatch, batch.size() - sent);
    for (size_t i = 0; i < n; ++i) {
      const OutDatagram& d = batch[sent + i];
      if (d.to.family != sock->local.family) return sent > 0 ? Result<size_t>(sent) : send_to(s, d.to, d.data);
      iov[i] = iovec{const_cast<uint8_t*>(d.data.data()), d.data.size()};
      msgs[i].msg_hdr = msghdr{};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &to[i];
      msgs[i].msg_hdr.msg_namelen = to_native(d.to, to[i]);
    }
    const Time handoff = probe_.on_tx ? now() : 0;
    const Time handoff_cpu = probe_.on_tx ? probe_cpu_now() : 0;
    int r = ::sendmmsg(sock->fd, msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
    if (r <= 0) return sent > 0 ? Result<size_t>(sent) : Result<size_t>(send_error(*sock, batch[sent].to));
    if (probe_.on_tx) {
      for (size_t i = 0; i < static_cast<size_t>(r); ++i)
        probe_.on_tx(RealEnvProbe::Tx{s, batch[sent + i].data, handoff, handoff_cpu});
    }
    sent += static_cast<size_t>(r);
    if (static_cast<size_t>(r) < n) break;
  }
  return sent;
}

void RealEnv::drain_socket(SocketId id) {
  RecvBuffers& b = *rx_;
  for (int round = 0; round < kMaxRecvRounds; ++round) {
    const Socket* sock = find(id);
    if (sock == nullptr || stopped()) return;
    b.reset_dirty();
    int n = ::recvmmsg(sock->fd, b.msgs.data(), RecvBuffers::kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    b.dirty = static_cast<size_t>(n);
    ++stats_.recv_batches;
    const Time t_now = now();
    const Time offset = realtime_minus_monotonic_ns();
    std::shared_ptr<DatagramHandler> handler = sock->handler;
    for (int i = 0; i < n; ++i) {
      const msghdr& h = b.msgs[i].msg_hdr;
      if (h.msg_flags & MSG_TRUNC) {
        ++stats_.datagrams_truncated;
        continue;
      }
      ++stats_.datagrams_received;
      const uint64_t stamped_before = stats_.kernel_timestamps;
      Datagram d{from_native(b.from[i]),
                 {b.data.get() + i * RecvBuffers::kBytes, b.msgs[i].msg_len},
                 rx_time_of(h, t_now, offset, stats_.kernel_timestamps)};
      if (probe_.on_rx) {
        const bool stamped = stats_.kernel_timestamps != stamped_before;
        probe_.on_rx(RealEnvProbe::Rx{id, d.data, d.rx_time_ns, stamped, woke_ns_, t_now, woke_cpu_ns_});
      }
      (*handler)(d);
      if (find(id) == nullptr || stopped()) return;  // closed by a handler, or stopping
    }
    if (static_cast<size_t>(n) < RecvBuffers::kBatch) return;
  }
}

}  // namespace ion
