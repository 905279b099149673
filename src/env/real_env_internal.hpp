// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private pieces shared by real_env.cpp and real_socket.cpp.
#include <sys/socket.h>

#include <array>
#include <ctime>
#include <memory>

#include "env/real_env.hpp"

namespace ion {

inline constexpr uint64_t kTimerFdTag = 0;          // epoll tag of the timerfd (socket ids start at 1)
inline constexpr uint64_t kWakeFdTag = 1ULL << 40;  // epoll tag of the stop() eventfd
inline constexpr uint64_t kWatchTag = 1ULL << 41;   // | watch id: a watch_fd descriptor

Time monotonic_now_ns();

// recvmmsg scratch space: kBatch buffers of up to kBytes each, with timestamp control data. With
// UDP_GRO one buffer may hold several datagrams of one sender (up to 64 KiB, split on receipt).
struct RealEnv::RecvBuffers {
  static constexpr size_t kBatch = 32;
  static constexpr size_t kBytes = 65536;  // any UDP payload fits: no truncation
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_storage, kBatch> from{};
  // SO_TIMESTAMPNS stamp, and the UDP_GRO segment size of a coalesced buffer (an int).
  struct alignas(cmsghdr) Control {
    char bytes[CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(int))];
  };
  std::array<Control, kBatch> control{};
  // Zero-filled at construction, so every page is faulted in before the first datagram: a burst
  // that reaches a slot for the first time must not pay page faults on the receive path.
  std::unique_ptr<uint8_t[]> data{new uint8_t[kBatch * kBytes]()};
  // Headers the kernel has written to since they were last reset (recvmmsg updates the name and
  // control lengths and flags of the datagrams it returns). Only those are reset before the next
  // call: re-initialising all 32 touched ~7.5 KB per call, which costs when caches went cold
  // while the loop slept.
  size_t dirty = kBatch;
  void reset(size_t i) {
    iov[i] = iovec{data.get() + i * kBytes, kBytes};
    msghdr& h = msgs[i].msg_hdr;
    h = msghdr{};
    h.msg_iov = &iov[i];
    h.msg_iovlen = 1;
    h.msg_name = &from[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_control = control[i].bytes;
    h.msg_controllen = sizeof control[i].bytes;
  }
  void reset_dirty() {
    for (size_t i = 0; i < dirty; ++i) reset(i);
    dirty = 0;
  }
};

}  // namespace ion
