// SPDX-License-Identifier: Apache-2.0
// next_segment_run: which datagrams of a batch RealEnv may hand the kernel as one UDP_SEGMENT
// message (the kernel cuts it into `segment_bytes` pieces, only the last may be shorter).
#include "env/udp_segment.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ion;

namespace {

const SockAddr kA = SockAddr::parse("127.0.180.1:5000").value();
const SockAddr kB = SockAddr::parse("127.0.180.2:5000").value();

// Builds a batch from (destination, size) pairs and returns the runs it is cut into.
std::vector<SegmentRun> runs(const std::vector<std::pair<SockAddr, size_t>>& spec, size_t max_datagrams = 64) {
  std::vector<std::vector<uint8_t>> bufs;
  bufs.reserve(spec.size());
  std::vector<OutDatagram> batch;
  for (const auto& [to, n] : spec) {
    bufs.emplace_back(n, 0x11);
    batch.push_back({to, bufs.back()});
  }
  std::vector<SegmentRun> out;
  for (size_t i = 0; i < batch.size();) {
    out.push_back(next_segment_run(batch, i, max_datagrams));
    EXPECT_GE(out.back().count, 1u);
    i += out.back().count;
  }
  return out;
}

TEST(UdpSegment, EqualSizesToOnePeerFormOneRunAShorterOneEndsIt) {
  const auto r = runs({{kA, 1000}, {kA, 1000}, {kA, 1000}, {kA, 700}, {kA, 1000}, {kA, 1000}});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].first, 0u);
  EXPECT_EQ(r[0].count, 4u);  // the 700-byte datagram is the run's (shorter) last segment
  EXPECT_EQ(r[0].segment_bytes, 1000u);
  EXPECT_TRUE(r[0].segmented());
  EXPECT_EQ(r[1].first, 4u);
  EXPECT_EQ(r[1].count, 2u);
}

TEST(UdpSegment, ALongerDatagramOrAnotherPeerStartsANewRun) {
  const auto r = runs({{kA, 500}, {kA, 500}, {kA, 600}, {kB, 600}, {kB, 600}, {kA, 600}});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].count, 2u);
  EXPECT_EQ(r[1].count, 1u);  // 600 to A, then B
  EXPECT_FALSE(r[1].segmented());
  EXPECT_EQ(r[1].segment_bytes, 600u);
  EXPECT_EQ(r[2].count, 2u);
  EXPECT_EQ(r[3].count, 1u);
}

TEST(UdpSegment, KernelLimitsSegmentsAndBytes) {
  std::vector<std::pair<SockAddr, size_t>> small(100, {kA, 100});
  auto r = runs(small, 1000);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].count, kMaxSegments);
  std::vector<std::pair<SockAddr, size_t>> big(60, {kA, 1400});
  r = runs(big);
  ASSERT_GE(r.size(), 2u);
  EXPECT_EQ(r[0].count, kMaxSegmentedBytes / 1400);  // 46 × 1400 = 64400 ≤ 65507 < 47 × 1400
  EXPECT_LE(r[0].count * 1400, kMaxSegmentedBytes);
}

TEST(UdpSegment, CallerLimitAndEmptyDatagrams) {
  auto r = runs({{kA, 300}, {kA, 300}, {kA, 300}}, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].count, 2u);
  r = runs({{kA, 0}, {kA, 0}, {kA, 300}, {kA, 0}});
  ASSERT_EQ(r.size(), 4u);  // an empty datagram never joins a run (segment size 0 = none)
  for (const auto& x : r) EXPECT_EQ(x.count, 1u);
}

}  // namespace
