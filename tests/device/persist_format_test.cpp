// SPDX-License-Identifier: Apache-2.0
// The on-disk format of the persistent crossbar (snapshot + write-ahead log, laid out in
// src/device/crossbar_file.cpp) is frozen: the bytes below were written by the first
// implementation, and the current code must write exactly them and read them back.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "../common/test_files.hpp"
#include "device/sim_crossbar.hpp"

namespace ion::device {
namespace {

// Every field of the snapshot away from its default, device-to-device spread on (so the
// per-cell parameters are stored), on a 2 × 2 array to keep the fixture short.
CrossbarConfig config() {
  CrossbarConfig c;
  c.model = "data-driven";
  c.words = c.bits = 2;
  c.v_read = 0.25;
  c.half_select = true;
  c.var.d2d = {{"Ap", 0.2}};
  c.var.c2c_rel_sd = 0.05;
  c.var.read_noise_rel = 0.01;
  c.var.p_stuck_high = 0.25;
  c.var.levels = 16;
  c.seed = 7;
  return c;
}

// A snapshot after creation, then three logged pulses.
struct Files {
  std::string snapshot, wal;
};

Files write_fixture(const std::string& path) {
  auto x = SimulatedCrossbar::create_file(config(), path);
  EXPECT_TRUE(x.is_ok()) << x.status().to_string();
  if (!x) return {};
  EXPECT_TRUE((*x)->pulse(0, 1, 1.2, 100'000).is_ok());
  EXPECT_TRUE((*x)->pulse(1, 0, -0.9, 250'000).is_ok());
  EXPECT_TRUE((*x)->pulse(1, 1, 1.4, 1'000).is_ok());
  return {ion::testing::file_contents(path), ion::testing::file_contents(path + ".wal")};
}

std::string hex(const std::string& bytes) {
  std::string out;
  char b[3];
  for (unsigned char c : bytes) std::snprintf(b, sizeof b, "%02x", c), out += b;
  return out;
}

std::string unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out += char(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

// Written by the original crossbar_file.cpp (host-endian struct copies on x86-64, i.e. little-endian).
const char* const kSnapshotHex =
    "494f4e58424152310b000000646174612d64726976656e10000000b81e85eb51b8ce3f7b14ae47e17a0640b81e85eb51"
    "b8be3f52b81e85ebc153c0e17a14ae47e1e23fec51b81e85ebf13f82e2c798bb96803fe36bcf2c0950833f0000000000"
    "1aa8400000000000189d40000000000049b4400000000000a07740000000000000f03f000000000094b1400000000000"
    "00594000000000d01263410200000002000000000000000000d03f010700000000000000010000000200000041709a99"
    "99999999c93f9a9999999999a93f7b14ae47e17a843f0000000000000000000000000000d03f10000000000000000000"
    "000000000000000000002fe7e25e16d62ba4000000000000594000000000d01263410000000000000000010000000000"
    "94b140000000000094b140000000000094b140000000000094b14000000000b81e85eb51b8ce3f7b14ae47e17a06403e"
    "a0927fd548bb3f52b81e85ebc153c0e17a14ae47e1e23fec51b81e85ebf13f82e2c798bb96803fe36bcf2c0950833f00"
    "000000001aa8400000000000189d40000000000049b4400000000000a07740000000000000f03f000000000094b14000"
    "0000000000594000000000d0126341b81e85eb51b8ce3f7b14ae47e17a0640689986328be3b63f52b81e85ebc153c0e1"
    "7a14ae47e1e23fec51b81e85ebf13f82e2c798bb96803fe36bcf2c0950833f00000000001aa8400000000000189d4000"
    "0000000049b4400000000000a07740000000000000f03f000000000094b140000000000000594000000000d0126341b8"
    "1e85eb51b8ce3f7b14ae47e17a06403cf9918c6fa8c03f52b81e85ebc153c0e17a14ae47e1e23fec51b81e85ebf13f82"
    "e2c798bb96803fe36bcf2c0950833f00000000001aa8400000000000189d40000000000049b4400000000000a0774000"
    "0000000000f03f000000000094b140000000000000594000000000d0126341b81e85eb51b8ce3f7b14ae47e17a0640ed"
    "51a64b3815ba3f52b81e85ebc153c0e17a14ae47e1e23fec51b81e85ebf13f82e2c798bb96803fe36bcf2c0950833f00"
    "000000001aa8400000000000189d40000000000049b4400000000000a07740000000000000f03f000000000094b14000"
    "0000000000594000000000d01263418077c8d95e2ada07";
const char* const kWalHex =
    "01000000000000000000000001000000333333333333f33fa086010000000000b6f25f47cfedf5370200000000000000"
    "0100000000000000cdccccccccccecbf90d003000000000091c2d01d125a254803000000000000000100000001000000"
    "666666666666f63fe80300000000000068c4ada7c1d4dcae";

TEST(CrossbarFileFormat, WritesTheFrozenBytes) {
  const std::string dir = ion::testing::fresh_test_dir("test-out/crossbar_format", "write");
  const Files f = write_fixture(dir + "/x.xbar");
  EXPECT_EQ(hex(f.snapshot), kSnapshotHex);
  EXPECT_EQ(hex(f.wal), kWalHex);
}

TEST(CrossbarFileFormat, ReadsTheFrozenBytes) {
  const std::string dir = ion::testing::fresh_test_dir("test-out/crossbar_format", "read");
  std::ofstream(dir + "/x.xbar", std::ios::binary) << unhex(kSnapshotHex);
  std::ofstream(dir + "/x.xbar.wal", std::ios::binary) << unhex(kWalHex);
  auto x = SimulatedCrossbar::open(dir + "/x.xbar");
  ASSERT_TRUE(x.is_ok()) << x.status().to_string();
  EXPECT_EQ((*x)->pulses_applied(), 3u);
  ASSERT_EQ((*x)->replayed().size(), 3u);
  EXPECT_EQ((*x)->replayed()[1].w, 1u);
  EXPECT_EQ((*x)->replayed()[1].v, -0.9);
  EXPECT_EQ((*x)->replayed()[2].width_ns, 1'000);
  // The same array built afresh and pulsed the same way is in the same state.
  const std::string other = ion::testing::fresh_test_dir("test-out/crossbar_format", "again");
  auto y = SimulatedCrossbar::create_file(config(), other + "/y.xbar");
  ASSERT_TRUE(y.is_ok());
  ASSERT_TRUE((*y)->pulse(0, 1, 1.2, 100'000).is_ok());
  ASSERT_TRUE((*y)->pulse(1, 0, -0.9, 250'000).is_ok());
  ASSERT_TRUE((*y)->pulse(1, 1, 1.4, 1'000).is_ok());
  EXPECT_EQ((*x)->states(), (*y)->states());
  EXPECT_EQ((*x)->base_params(), (*y)->base_params());
  for (uint32_t w = 0; w < 2; ++w)
    for (uint32_t b = 0; b < 2; ++b) EXPECT_EQ((*x)->fault(w, b), (*y)->fault(w, b));
  // Checkpointing the loaded array rewrites the snapshot the same way the fresh one would.
  ASSERT_TRUE((*x)->checkpoint().is_ok());
  ASSERT_TRUE((*y)->checkpoint().is_ok());
  EXPECT_EQ(ion::testing::file_contents(dir + "/x.xbar"), ion::testing::file_contents(other + "/y.xbar"));
}

}  // namespace
}  // namespace ion::device
