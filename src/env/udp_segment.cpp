// SPDX-License-Identifier: Apache-2.0
#include "env/udp_segment.hpp"

#include <algorithm>

namespace ion {

SegmentRun next_segment_run(std::span<const OutDatagram> batch, size_t first, size_t max_datagrams) {
  const OutDatagram& head = batch[first];
  SegmentRun r{first, 1, head.data.size()};
  if (head.data.empty()) return r;  // a zero-length segment size means "no segmentation"
  const size_t limit = std::min({max_datagrams, kMaxSegments, batch.size() - first});
  size_t total = head.data.size();
  while (r.count < limit) {
    const OutDatagram& d = batch[first + r.count];
    if (!(d.to == head.to) || d.data.empty() || d.data.size() > r.segment_bytes) break;
    if (total + d.data.size() > kMaxSegmentedBytes) break;
    total += d.data.size();
    ++r.count;
    if (d.data.size() < r.segment_bytes) break;  // a shorter segment can only be the last
  }
  return r;
}

}  // namespace ion
