// SPDX-License-Identifier: Apache-2.0
// The ArC ONE host protocol as arc-instruments' host software speaks it (docs/models.md, "ArC
// ONE host protocol"), against the strict emulated board: read-all, firmware version,
// initialisation, pulse timing, and resynchronisation from any board state. Each test names the
// defect of the earlier driver it guards against.
#include <gtest/gtest.h>

#include <algorithm>

#include "arc_fixture.hpp"
#include "device/serial.hpp"

namespace ion::device {
namespace {

using namespace ion::literals;
using testing::ArcBoardOptions;
using testing::ArcEmulator;
using testing::commands;
using testing::connect;
using testing::fast;
using testing::fast_board;

// Every cell of a compact_array() board still holds its preset 7000 ohm: nothing was pulsed.
void expect_unpulsed(ArcEmulator& e, const std::string& context) {
  for (uint32_t w = 0; w < 32; ++w)
    for (uint32_t b = 0; b < 32; ++b)
      ASSERT_FLOAT_EQ(float(e.state_ohm(w, b)), 7000.f) << context << " w=" << w << " b=" << b;
}

// Defect: read-all sent a bare `2`. The board needs type 1, words, bits and answers word-major.
TEST(ArcProtocol, ReadAllSendsTypeWordsBitsAndReadsWordMajor) {
  ArcEmulator e(fast_board(testing::distinct_array()));
  auto a = connect(e);
  ASSERT_TRUE(a);
  auto all = a->read_all();
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  ASSERT_EQ(all->size(), 1024u);
  for (uint32_t w = 0; w < 32; ++w)
    for (uint32_t b = 0; b < 32; ++b)
      EXPECT_FLOAT_EQ(float((*all)[w * 32 + b]), float(e.state_ohm(w, b))) << w << "," << b;
  EXPECT_EQ(commands(e).back(), "2 1 32 32");
  auto r = a->read(7, 9);  // the board is still in step
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_FLOAT_EQ(float(*r), float(e.state_ohm(7, 9)));
}

TEST(ArcProtocol, ReadAllOfAConfiguredSubArray) {
  ArcEmulator e(fast_board(testing::distinct_array()));
  ArcOneOptions o = fast();
  o.words = 4, o.bits = 8;
  auto a = connect(e, o);
  ASSERT_TRUE(a);
  auto all = a->read_all();
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  ASSERT_EQ(all->size(), 32u);
  EXPECT_FLOAT_EQ(float((*all)[3 * 8 + 5]), float(e.state_ohm(3, 5)));
  EXPECT_EQ(commands(e).back(), "2 1 4 8");
  EXPECT_EQ(e.settings().words, 4);
  EXPECT_EQ(e.settings().bits, 8);
}

// The strict board swallows what the real one swallows: after a bare `2`, `999` is read as the
// read-all type and nothing answers; two more tokens complete that read-all (type 999: nothing).
TEST(ArcProtocol, BoardSwallowsTokensSentWhereArgumentsAreExpected) {
  ArcEmulator e(fast_board());
  auto port = SerialPort::open(e.slave_path(), arc::kBaud);
  ASSERT_TRUE(port.is_ok());
  ASSERT_TRUE(port->write_all("2\n999\n").is_ok());
  char b[4];
  auto got = port->read_upto(b, 4, 300_ms);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(*got, 0u);
  ASSERT_TRUE(port->write_all("1\n1\n999\n").is_ok());
  got = port->read_upto(b, 4, 300_ms);
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(*got, 4u);
  EXPECT_EQ(arc::decode_version(b).major, 9);
  EXPECT_EQ(commands(e), (std::vector<std::string>{"2 999 1 1", "999"}));
}

// Defect: `999` was decoded as a float32. It is two uint16 (major, minor).
TEST(ArcProtocol, FirmwareVersionIsTwoUnsigned16BitIntegers) {
  ArcBoardOptions bo = fast_board();
  bo.firmware = arc::FirmwareVersion{10, 258};
  ArcEmulator e(bo);
  auto a = connect(e);
  ASSERT_TRUE(a);
  auto v = a->firmware_version();
  ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  EXPECT_EQ(v->major, 10);
  EXPECT_EQ(v->minor, 258);
  EXPECT_TRUE(v->reported());
  const size_t before = e.tokens();
  EXPECT_EQ(a->firmware_version()->minor, 258);  // cached, as the reference does
  EXPECT_EQ(e.tokens(), before);
}

// Defect: a firmware without `999` stays silent; that is the answer (-1, -1), not an error.
TEST(ArcProtocol, FirmwareWithoutVersionCommandIsMinusOneAndStaysInStep) {
  ArcBoardOptions bo = fast_board();
  bo.firmware.reset();
  ArcEmulator e(bo);
  auto a = connect(e);
  ASSERT_TRUE(a);
  auto v = a->firmware_version();
  ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  EXPECT_EQ(v->major, -1);
  EXPECT_EQ(v->minor, -1);
  EXPECT_FALSE(v->reported());
  EXPECT_EQ(commands(e).back(), "? 999");
  auto r = a->read(0, 0);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_FLOAT_EQ(float(*r), 7000.f);
}

// Defect: resynchronisation relied on `999`, so on a firmware without it one timeout killed the
// driver for the session.
TEST(ArcProtocol, SilentFirmwareResynchronisesAfterATimeout) {
  ArcBoardOptions bo = fast_board();
  bo.firmware.reset();
  ArcEmulator e(bo);
  auto a = connect(e);
  ASSERT_TRUE(a);
  e.inject(ArcEmulator::Fault::silent);
  EXPECT_EQ(a->read(1, 2).status().code(), Errc::timeout);
  for (int i = 0; i < 3; ++i) {
    auto r = a->read(1, 2);
    ASSERT_TRUE(r.is_ok()) << i << ": " << r.status().to_string();
    EXPECT_FLOAT_EQ(float(*r), 7000.f);
  }
  EXPECT_EQ(e.resets(), 2u);  // connect, and the one resynchronisation
}

// Defect: no reset, no acknowledgement check, no `01`. The sequence is `00`, a wait, `0` with
// the seven settings, its confirmation, then `01` read mode + read voltage.
TEST(ArcProtocol, InitialisationResetsConfiguresAndSetsTheReadMode) {
  ArcEmulator e(fast_board());
  ArcOneOptions o = fast();
  o.read_cycles = 20, o.read_mode = 1, o.session = 0, o.sneak_path = 0, o.v_read = 0.25;
  auto a = connect(e, o);
  ASSERT_TRUE(a);
  EXPECT_EQ(commands(e), (std::vector<std::string>{"00", "0 20 32 32 1 0 0 0.250000", "01 1 0.250000"}));
  const auto s = e.settings();
  EXPECT_TRUE(s.initialised);
  EXPECT_TRUE(s.read_set);
  EXPECT_EQ(s.read_mode, 1);
  EXPECT_DOUBLE_EQ(s.v_read, 0.25);
  EXPECT_EQ(e.resets(), 1u);
}

// The wait after `00` matters: input that reaches a rebooting board is lost.
TEST(ArcProtocol, InitialisationWaitsForTheBoardToReboot) {
  ArcBoardOptions bo = fast_board();
  bo.boot_time_ns = 300_ms;
  ArcEmulator e(bo);
  ArcOneOptions o = fast();
  o.reset_wait_ns = 20_ms;
  auto early = ArcOne::connect(e.slave_path(), o);
  ASSERT_FALSE(early.is_ok());
  EXPECT_EQ(early.status().code(), Errc::timeout) << early.status().message();
  EXPECT_NE(commands(e).back().find("lost"), std::string::npos);
  o.reset_wait_ns = 700_ms;
  auto a = connect(e, o);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->read(0, 0).is_ok());
}

// Defect: the confirmation line was not checked. It must read as the integer 1.
TEST(ArcProtocol, ConfirmationLineMustReadAsOne) {
  struct Case {
    const char* line;
    bool ok;
    const char* needle;
  } cases[] = {{"1\n", true, ""},
               {" 1\r\n", true, ""},
               {"+1\n", true, ""},
               {"0\n", false, "confirmation is 0, expected 1"},
               {"11\n", false, "confirmation is 11, expected 1"},
               {"ready\n", false, "confirmation line 'ready' is not an integer; is this an ArC ONE?"},
               {"\n", false, "is not an integer"}};
  for (const auto& c : cases) {
    ArcBoardOptions bo = fast_board();
    bo.confirmation = c.line;
    ArcEmulator e(bo);
    auto a = ArcOne::connect(e.slave_path(), fast());
    EXPECT_EQ(a.is_ok(), c.ok) << c.line << ": " << a.status().to_string();
    if (c.ok) continue;
    EXPECT_EQ(a.status().code(), Errc::corrupt);
    EXPECT_NE(a.status().message().find(c.needle), std::string::npos) << a.status().message();
    EXPECT_NE(a.status().message().find("during initialisation (sent '0 50 32 32 2 0 1 0.500000')"), std::string::npos)
        << a.status().message();
  }
}

// Defect: connect sent `0` straight away, so a board left mid-command by an earlier host
// swallowed it. Each state below is a command of the host protocol with part of its arguments.
TEST(ArcProtocol, ConnectsToABoardLeftMidCommand) {
  const std::vector<std::vector<std::string>> states = {{"2"},
                                                        {"2", "1", "32"},
                                                        {"2", "2", "32", "32", "3", "1"},
                                                        {"3", "5"},
                                                        {"3", "5", "6", "1.0"},
                                                        {"0", "50", "32"},
                                                        {"1"},
                                                        {"1", "4"},
                                                        {"01"},
                                                        {"02", "1"},
                                                        {"04", "1.0"},
                                                        {"011"}};
  for (const auto& st : states) {
    ArcBoardOptions bo = fast_board();
    bo.left_mid_command = st;
    ArcEmulator e(bo);
    auto a = connect(e);
    ASSERT_TRUE(a) << st[0] << " +" << st.size() - 1;
    auto r = a->read(3, 4);
    ASSERT_TRUE(r.is_ok()) << st[0] << ": " << r.status().to_string();
    EXPECT_FLOAT_EQ(float(*r), 7000.f) << st[0];
    expect_unpulsed(e, st[0] + " +" + std::to_string(st.size() - 1));  // the fillers carry no stimulus
  }
}

// Defect: pulse-then-read waited a fixed time whatever the pulse width.
TEST(ArcProtocol, PulseReadWaitsForThePulseWidth) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  const Time t0 = monotonic_now();
  auto r = a->pulse_read(2, 2, 0.8, 1_s);  // longer than the reply timeout (300 ms)
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_GE(monotonic_now() - t0, 1_s);
  EXPECT_FLOAT_EQ(float(*r), float(e.state_ohm(2, 2)));
  EXPECT_NE(*r, 7000.0);
  EXPECT_EQ(commands(e).back(), "3 3 3 0.800000 1.000000");
}

// A pulse (`02` + `04`) keeps the board busy for its width: the next reply comes after it.
TEST(ArcProtocol, ReadAfterAPulseWaitsForThePulseToEnd) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->pulse(5, 6, -0.8, 1_s).is_ok());  // longer than the reply timeout (300 ms)
  auto r = a->read(5, 6);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_FLOAT_EQ(float(*r), float(e.state_ohm(5, 6)));
  EXPECT_LT(*r, 7000.0);
  const auto c = commands(e);
  ASSERT_GE(c.size(), 3u);
  EXPECT_EQ(c[c.size() - 3], "02 6 7");
  EXPECT_EQ(c[c.size() - 2], "04 -0.800000 1.000000");
}

// A token lost on the line leaves the board mid-command (here the lost `1` turns the cell
// numbers into a `3` pulse-read waiting for its voltage and width). The resynchronisation must
// complete that command without a stimulus and bring the board back.
TEST(ArcProtocol, TokenLostMidSessionIsRecoveredWithoutAStrayPulse) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  e.inject(ArcEmulator::Fault::drop_token);
  auto lost = a->read(2, 3);  // "1 3 4": the board sees "3 4" and waits for two more
  ASSERT_FALSE(lost.is_ok());
  EXPECT_EQ(lost.status().code(), Errc::timeout);
  for (uint32_t i = 0; i < 3; ++i) {
    auto r = a->read(i, i);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_FLOAT_EQ(float(*r), 7000.f);
  }
  expect_unpulsed(e, "after the lost token");
  EXPECT_EQ(e.resets(), 2u);
}

// A read-all cut short (one value lost) is a timeout, never a shifted array; the driver recovers.
TEST(ArcProtocol, ReadAllWithALostValueFailsThenRecovers) {
  ArcEmulator e(fast_board(testing::distinct_array()));
  auto a = connect(e);
  ASSERT_TRUE(a);
  e.inject(ArcEmulator::Fault::silent);
  auto bad = a->read_all();
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), Errc::timeout);
  EXPECT_NE(bad.status().message().find("read all, value 1024 of 1024 (w=31 b=31)"), std::string::npos)
      << bad.status().message();
  auto all = a->read_all();
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  EXPECT_FLOAT_EQ(float((*all)[1023]), float(e.state_ohm(31, 31)));
}

// A board that stops answering: the failed resynchronisation is reported, calls then fail at
// once for the back-off time (no long block per call), and the board is taken back afterwards.
TEST(ArcProtocol, FailedResynchronisationBacksOff) {
  ArcEmulator e(fast_board());
  ArcOneOptions o = fast();
  o.resync_backoff_ns = 400_ms;
  auto a = connect(e, o);
  ASSERT_TRUE(a);
  e.mute(true);
  EXPECT_EQ(a->read(0, 0).status().code(), Errc::timeout);
  auto failed = a->read(0, 0);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_NE(failed.status().message().find("cannot read w=0 b=0: resynchronisation failed"), std::string::npos)
      << failed.status().message();
  const size_t tokens = e.tokens();
  auto fast_fail = a->read_all();
  ASSERT_FALSE(fast_fail.is_ok());
  EXPECT_NE(fast_fail.status().message().find("the last resynchronisation"), std::string::npos)
      << fast_fail.status().message();
  EXPECT_EQ(e.tokens(), tokens);  // no resynchronisation was tried during the back-off
  e.mute(false);
  sleep_for(400_ms);
  auto r = a->read(0, 0);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
}

TEST(ArcProtocol, SetReadFollowsTheReferenceModeRule) {
  ArcEmulator e(fast_board());
  auto a = connect(e);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->set_read(2, -0.3).is_ok());
  EXPECT_EQ(commands(e).back(), "01 3 -0.300000");  // TIA4P with a negative read voltage
  ASSERT_TRUE(a->set_read(1, -0.3).is_ok());
  EXPECT_EQ(commands(e).back(), "01 1 -0.300000");
  EXPECT_EQ(a->set_read(4, 0.5).code(), Errc::out_of_range);
}

TEST(ArcWire, TokensAndReplies) {
  EXPECT_EQ(arc::float_token(0.5), "0.500000");
  EXPECT_EQ(arc::width_token(100_us), "0.000100");
  EXPECT_EQ(arc::width_token(10_s), "10.000000");
  EXPECT_EQ(arc::width_token(90), "9e-08");  // 90 ns: "%f" would send 0.000000
  EXPECT_EQ(arc::width_token(1500), "1.5e-06");
  for (const char* ok : {"1", "1\n", " 1 \r\n", "+1", "01", "1_0"})
    EXPECT_TRUE(arc::parse_confirmation(ok).is_ok()) << ok;
  EXPECT_EQ(*arc::parse_confirmation("1_0"), 10);
  EXPECT_EQ(*arc::parse_confirmation("-1"), -1);
  for (const char* bad : {"", " ", "1.0", "1 1", "_1", "1_", "1__0", "x1", "+", "\x01"})
    EXPECT_FALSE(arc::parse_confirmation(bad).is_ok()) << bad;
  EXPECT_FALSE(arc::parse_confirmation("99999999999999999999").is_ok());
  const char v[4] = {0x09, 0x00, 0x03, 0x01};
  EXPECT_EQ(arc::decode_version(v).major, 9);
  EXPECT_EQ(arc::decode_version(v).minor, 259);
  const char f[4] = {0x00, 0x00, static_cast<char>(0xdb), 0x45};  // 7008.0f little-endian
  EXPECT_FLOAT_EQ(arc::decode_float(f), 7008.0f);
  EXPECT_EQ(arc::update_read_mode(2, -0.5), 3);
  EXPECT_EQ(arc::update_read_mode(2, 0.5), 2);
  EXPECT_EQ(arc::update_read_mode(0, -0.5), 0);
}

}  // namespace
}  // namespace ion::device
