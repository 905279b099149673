// SPDX-License-Identifier: Apache-2.0
// ArcOne driver against the strict emulated board on a pseudo-terminal: operations, failures
// and recovery. The protocol rules themselves are tested in arc_protocol_test.cpp.
#include <gtest/gtest.h>

#include "arc_fixture.hpp"
#include "device/serial.hpp"

namespace ion::device {
namespace {

using namespace ion::literals;
using testing::ArcEmulator;
using testing::fast;
using testing::fast_board;

using testing::connect;

TEST(ArcOne, ReadPulsePulseReadReadAll) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  auto r0 = a->read(3, 4);
  ASSERT_TRUE(r0.is_ok()) << r0.status().to_string();
  EXPECT_NEAR(*r0, 7000, 1e-3 * 7000);
  ASSERT_TRUE(a->pulse(3, 4, 1.0, 100_us).is_ok());
  auto r1 = a->read(3, 4);
  ASSERT_TRUE(r1.is_ok());
  EXPECT_GT(*r1, *r0);
  EXPECT_NEAR(*r1, e.state_ohm(3, 4), 1e-3);  // float32 on the wire
  auto r2 = a->pulse_read(3, 4, -1.0, 100_us);
  ASSERT_TRUE(r2.is_ok());
  EXPECT_LT(*r2, *r1);
  auto all = a->read_all();
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  ASSERT_EQ(all->size(), 1024u);
  EXPECT_FLOAT_EQ(float((*all)[3 * 32 + 4]), float(*r2));
  EXPECT_FLOAT_EQ(float((*all)[0]), 7000.f);
  auto fw = a->firmware_version();
  ASSERT_TRUE(fw.is_ok()) << fw.status().to_string();
  EXPECT_EQ(fw->major, 9);
  EXPECT_EQ(fw->minor, 3);
  // Pacing: tokens leave >= 0.5 ms apart, so 10 reads (30 tokens) take at least 29 gaps. (A lower
  // bound measured on the sending side: load on the machine can only lengthen it.)
  const size_t tokens_before = e.tokens();
  const Time t0 = monotonic_now();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(a->read(0, 0).is_ok());
  EXPECT_GE(monotonic_now() - t0, 29 * 500_us);
  sleep_for(5_ms);
  EXPECT_EQ(e.tokens() - tokens_before, 30u);
}

TEST(ArcOne, SilentBoardTimesOutThenResyncs) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  e.inject(ArcEmulator::Fault::silent);
  const Time t0 = monotonic_now();
  auto r = a->read(0, 0);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Errc::timeout);
  EXPECT_NE(r.status().message().find("no complete reply during read w=0 b=0"), std::string::npos)
      << r.status().message();
  EXPECT_LT(monotonic_now() - t0, 1_s);
  EXPECT_TRUE(a->read(0, 0).is_ok());  // resynchronised
}

TEST(ArcOne, LateReplyIsDiscardedNotMisattributed) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->pulse(1, 1, 1.5, 1_ms).is_ok());
  e.inject(ArcEmulator::Fault::late);
  EXPECT_EQ(a->read(1, 1).status().code(), Errc::timeout);
  sleep_for(1300_ms);  // the stale reply (sent 1 s after the command) has arrived by now
  auto r = a->read(0, 0);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_FLOAT_EQ(float(*r), 7000.f);  // cell (0,0), not the stale (1,1) value
}

TEST(ArcOne, GarbageReplyIsCorruptThenRecovers) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  e.inject(ArcEmulator::Fault::garbage);
  auto r = a->pulse_read(2, 2, 1.0, 100_us);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Errc::corrupt);
  EXPECT_NE(r.status().message().find("garbled reply during pulse-read w=2 b=2 (sent '3 3 3 1.000000 0.000100')"),
            std::string::npos)
      << r.status().message();
  auto ok = a->read(2, 2);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_NEAR(*ok, e.state_ohm(2, 2), 1e-2);
}

TEST(ArcOne, BoardDisappearingMidReplyIsUnavailableAndSticky) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  e.inject(ArcEmulator::Fault::partial_then_hangup);
  const Time t0 = monotonic_now();
  auto r = a->read(0, 1);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Errc::unavailable) << r.status().message();
  EXPECT_NE(r.status().message().find("disconnected"), std::string::npos) << r.status().message();
  EXPECT_LT(monotonic_now() - t0, 1_s);
  auto again = a->read_all();
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), Errc::unavailable);
  EXPECT_FALSE(a->pulse(0, 0, 1.0, 100_us).is_ok());
}

TEST(ArcOne, HangupDuringReadAllAndBadConnects) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  e.inject(ArcEmulator::Fault::hangup);
  auto r = a->read_all();
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Errc::unavailable) << r.status().message();

  ArcEmulator silent(fast_board());
  silent.inject(ArcEmulator::Fault::silent);
  auto s = ArcOne::connect(silent.slave_path(), fast());
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Errc::timeout);
  EXPECT_NE(s.status().message().find("no complete reply during initialisation (waiting for the confirmation line)"),
            std::string::npos)
      << s.status().message();
  ArcEmulator garbled(fast_board());
  garbled.inject(ArcEmulator::Fault::garbage);
  auto g = ArcOne::connect(garbled.slave_path(), fast());
  ASSERT_FALSE(g.is_ok());
  EXPECT_EQ(g.status().code(), Errc::corrupt);
  EXPECT_NE(g.status().message().find("garbled reply during initialisation"), std::string::npos)
      << g.status().message();
  EXPECT_NE(g.status().message().find("is this an ArC ONE?"), std::string::npos) << g.status().message();
  auto none = ArcOne::connect("/dev/nonexistent-arc", fast());
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.status().message().find("cannot open serial port '/dev/nonexistent-arc'"), std::string::npos);
  auto notty = ArcOne::connect("/dev/null", fast());
  ASSERT_FALSE(notty.is_ok());
  EXPECT_NE(notty.status().message().find("not a serial port"), std::string::npos) << notty.status().message();
}

TEST(ArcOne, SetReadModeKeepsTheTokenStreamInStep) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  const size_t before = e.tokens();
  ASSERT_TRUE(a->set_read(2, 0.3).is_ok());
  auto r = a->read(5, 6);  // would time out or misparse if "01" had a wrong token count
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_FLOAT_EQ(float(*r), 7000.f);
  EXPECT_EQ(e.tokens() - before, 6u);
  EXPECT_EQ(a->set_read(2, 13.0).code(), Errc::out_of_range);
  EXPECT_FALSE(e.hung_up());
}

TEST(ArcOne, BadArgumentsNeverReachTheBoard) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  const size_t before = e.tokens();
  EXPECT_EQ(a->read(32, 0).status().code(), Errc::out_of_range);
  EXPECT_EQ(a->pulse(0, 0, 50.0, 100_us).code(), Errc::out_of_range);
  EXPECT_EQ(a->pulse_read(0, 0, 1.0, -5).status().code(), Errc::out_of_range);
  sleep_for(20_ms);
  EXPECT_EQ(e.tokens(), before);
}

}  // namespace
}  // namespace ion::device
