// SPDX-License-Identifier: Apache-2.0
// RealEnv sockets: non-blocking UDP, recvmmsg batches with kernel timestamps, sendto/sendmmsg.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "env/real_env.hpp"
#include "env/real_env_internal.hpp"
#include "env/udp_segment.hpp"

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

// The segment size of a buffer the kernel coalesced (UDP_GRO control message: an int, the size
// of every datagram in it but the last, which may be shorter); the whole buffer when absent.
size_t gro_segment_bytes(const msghdr& h, size_t len) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
    if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO) continue;
    int seg = 0;
    std::memcpy(&seg, CMSG_DATA(c), sizeof seg);
    return seg > 0 ? static_cast<size_t>(seg) : len;
  }
  return len;
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
  // UDP GRO (kernel >= 5.0): a run sent as one UDP_SEGMENT message may arrive as one buffer;
  // drain_socket splits it. Refused (older kernel, or not UDP): one datagram per buffer, counted.
  const int on = 1;
  if (options_.udp_gro && setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on) != 0) ++stats_.gro_refused;
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

// One sendmmsg's worth of a batch: up to kSendBatch datagrams in as many messages (one per
// segmented run, one per plain datagram).
struct RealEnv::SendPlan {
  struct alignas(cmsghdr) Control {
    uint8_t bytes[CMSG_SPACE(sizeof(uint16_t))];
  };
  std::array<mmsghdr, kSendBatch> msgs{};
  std::array<iovec, kSendBatch> iov{};
  std::array<sockaddr_storage, kSendBatch> to{};
  std::array<Control, kSendBatch> control{};
  std::array<SegmentRun, kSendBatch> runs{};
  size_t messages = 0;
  size_t datagrams = 0;

  void add(std::span<const OutDatagram> batch, const SegmentRun& run) {
    const size_t m = messages++;
    for (size_t i = run.first; i < run.first + run.count; ++i)
      iov[i] = iovec{const_cast<uint8_t*>(batch[i].data.data()), batch[i].data.size()};
    msghdr& h = msgs[m].msg_hdr;
    h = msghdr{};
    h.msg_iov = &iov[run.first];
    h.msg_iovlen = run.count;
    h.msg_name = &to[m];
    h.msg_namelen = to_native(batch[run.first].to, to[m]);
    runs[m] = run;
    datagrams += run.count;
    if (run.segmented()) set_segment_size(h, control[m], static_cast<uint16_t>(run.segment_bytes));
  }

  static void set_segment_size(msghdr& h, Control& c, uint16_t bytes) {
    h.msg_control = c.bytes;
    h.msg_controllen = sizeof c.bytes;
    cmsghdr* cm = CMSG_FIRSTHDR(&h);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof bytes);
    std::memcpy(CMSG_DATA(cm), &bytes, sizeof bytes);
  }
};

// Plans the next sendmmsg from the start of `batch`; stops before a datagram of the wrong
// address family (plan.datagrams == 0 if the first one is).
void RealEnv::plan_send(const Socket& sock, std::span<const OutDatagram> batch, SendPlan& plan) {
  plan.messages = plan.datagrams = 0;
  while (plan.datagrams < batch.size() && plan.datagrams < kSendBatch) {
    const size_t i = plan.datagrams;
    if (batch[i].to.family != sock.local.family) return;
    const SegmentRun run = sock.gso ? next_segment_run(batch, i, kSendBatch - i)
                                    : SegmentRun{i, 1, batch[i].data.size()};
    plan.add(batch, run);
  }
}

// After sendmmsg failed on its first message (errno is its): true if that was a segmented
// message the kernel refused (net/ipv4/udp.c udp_send_skb: EINVAL for SO_NO_CHECK or too many
// segments, EIO for devices/xfrm without checksum offload; EOPNOTSUPP/ENOPROTOOPT on kernels
// without UDP GSO). GSO is then switched off for the socket and counted; the caller resends.
bool RealEnv::gso_refused(Socket& sock, const SendPlan& plan) {
  const int err = errno;
  if (!plan.runs[0].segmented()) return false;
  if (err != EINVAL && err != EIO && err != EMSGSIZE && err != EOPNOTSUPP && err != ENOPROTOOPT) return false;
  sock.gso = false;
  ++stats_.gso_refused;
  return true;
}

// Datagrams carried by the first `messages` messages of the plan (counted in the GSO stats).
size_t RealEnv::datagrams_sent(const SendPlan& plan, size_t messages) {
  size_t n = 0;
  for (size_t m = 0; m < messages; ++m) {
    n += plan.runs[m].count;
    if (!plan.runs[m].segmented()) continue;
    ++stats_.gso_messages;
    stats_.gso_datagrams += plan.runs[m].count;
  }
  return n;
}

Result<size_t> RealEnv::send_batch(SocketId s, std::span<const OutDatagram> batch) {
  auto it = sockets_.find(s);
  if (it == sockets_.end())
    return error(Errc::not_found, "send on socket " + std::to_string(s) + ", which is not open");
  Socket& sock = it->second;
  SendPlan plan;
  size_t sent = 0;
  while (sent < batch.size()) {
    plan_send(sock, batch.subspan(sent), plan);
    if (plan.datagrams == 0) return sent > 0 ? Result<size_t>(sent) : send_to(s, batch[sent].to, batch[sent].data);
    const Time handoff = probe_.on_tx ? now() : 0;
    const Time handoff_cpu = probe_.on_tx ? probe_cpu_now() : 0;
    const int r = ::sendmmsg(sock.fd, plan.msgs.data(), static_cast<unsigned>(plan.messages), MSG_DONTWAIT);
    if (r < 0 && gso_refused(sock, plan)) continue;  // planned again without segmentation
    if (r <= 0) return sent > 0 ? Result<size_t>(sent) : Result<size_t>(send_error(sock, batch[sent].to));
    const size_t n = datagrams_sent(plan, static_cast<size_t>(r));
    if (probe_.on_tx) {
      for (size_t i = 0; i < n; ++i) probe_.on_tx(RealEnvProbe::Tx{s, batch[sent + i].data, handoff, handoff_cpu});
    }
    sent += n;
    // A partial send is retried once from the first unsent message: if that fails at once
    // (a full buffer), the loop ends above; if it was a refused segmented message, it is resent.
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
    for (int i = 0; i < n; ++i)
      if (!deliver_buffer(id, i, t_now, offset)) return;  // closed by a handler, or stopping
    if (static_cast<size_t>(n) < RecvBuffers::kBatch) return;
  }
}

// Hands the datagrams of receive buffer i to the socket's handler: one, or with UDP_GRO every
// segment of a coalesced buffer in order (same sender, same kernel stamp). False if a handler
// closed the socket or stopped the loop.
bool RealEnv::deliver_buffer(SocketId id, int i, Time t_now, Time offset) {
  RecvBuffers& b = *rx_;
  const msghdr& h = b.msgs[i].msg_hdr;
  if (h.msg_flags & MSG_TRUNC) {
    ++stats_.datagrams_truncated;
    return true;
  }
  const size_t len = b.msgs[i].msg_len;
  const size_t seg = std::max<size_t>(gro_segment_bytes(h, len), 1);
  uint64_t stamps = 0;  // 1 if the buffer carried a kernel stamp; counted per datagram below
  const SockAddr from = from_native(b.from[i]);
  const Time rx = rx_time_of(h, t_now, offset, stamps);
  const bool stamped = stamps != 0;
  if (len > seg) {
    ++stats_.gro_buffers;
    stats_.gro_datagrams += (len + seg - 1) / seg;
  }
  const uint8_t* data = b.data.get() + static_cast<size_t>(i) * RecvBuffers::kBytes;
  std::shared_ptr<DatagramHandler> handler = find(id)->handler;
  size_t at = 0;
  do {
    ++stats_.datagrams_received;
    stats_.kernel_timestamps += stamps;
    Datagram d{from, {data + at, std::min(seg, len - at)}, rx};
    if (probe_.on_rx) probe_.on_rx(RealEnvProbe::Rx{id, d.data, d.rx_time_ns, stamped, woke_ns_, t_now, woke_cpu_ns_});
    (*handler)(d);
    if (find(id) == nullptr || stopped()) return false;
    at += seg;
  } while (at < len);
  return true;
}

}  // namespace ion
