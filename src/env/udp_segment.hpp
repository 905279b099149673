// SPDX-License-Identifier: Apache-2.0
#pragma once
// UDP generic segmentation offload (Linux UDP_SEGMENT, kernel ≥ 4.18): one send call hands the
// kernel a buffer that it cuts into datagrams of `segment_bytes` each, the last one possibly
// shorter, all to one destination. The datagrams on the wire are exactly the ones a sendmmsg of
// them would produce (docs/protocol.md is unchanged). RealEnv::send_batch plans its sendmmsg with
// next_segment_run(): runs of consecutive equal-size datagrams to one peer become one message.
// Limits are the kernel's (net/ipv4/udp.c, udp_send_skb): at most kMaxSegments segments and a
// total within one IP datagram's payload.
#include <cstddef>
#include <cstdint>
#include <span>

#include "env/env.hpp"

namespace ion {

inline constexpr size_t kMaxSegments = 64;           // UDP_MAX_SEGMENTS of older kernels (6.x: 128)
inline constexpr size_t kMaxSegmentedBytes = 65507;  // IPv4: 65535 − 20 (IP) − 8 (UDP)

// `count` datagrams of a batch from index `first`, sent as one message. count ≥ 2 means
// segmented: every datagram of the run is `segment_bytes` long except the last, which is no
// longer; count 1 is a plain datagram (segment_bytes = its size).
struct SegmentRun {
  size_t first = 0;
  size_t count = 0;
  size_t segment_bytes = 0;
  bool segmented() const { return count >= 2; }
};

// The longest run starting at batch[first] (first < batch.size()) that is at most
// `max_datagrams` long (≥ 1): same destination, equal sizes (a shorter datagram ends the run),
// no empty datagram, within the kernel's limits.
SegmentRun next_segment_run(std::span<const OutDatagram> batch, size_t first, size_t max_datagrams);

}  // namespace ion
