// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private pieces shared by real_env.cpp and real_socket.cpp.
#include <sys/socket.h>

#include <array>
#include <ctime>
#include <memory>

#include "env/real_env.hpp"

namespace ion {

inline constexpr uint64_t kTimerFdTag = 0;         // epoll tag of the timerfd (socket ids start at 1)
inline constexpr uint64_t kWakeFdTag = 1ULL << 40;  // epoll tag of the stop() eventfd
inline constexpr uint64_t kWatchTag = 1ULL << 41;   // | watch id: a watch_fd descriptor

Time monotonic_now_ns();

// recvmmsg scratch space: kBatch datagrams of up to kBytes each, with timestamp control data.
struct RealEnv::RecvBuffers {
  static constexpr size_t kBatch = 32;
  static constexpr size_t kBytes = 65536;  // any UDP payload fits: no truncation
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_storage, kBatch> from{};
  struct alignas(cmsghdr) Control {
    char bytes[CMSG_SPACE(sizeof(timespec))];
  };
  std::array<Control, kBatch> control{};
  std::unique_ptr<uint8_t[]> data{new uint8_t[kBatch * kBytes]};
};


}  // namespace ion
