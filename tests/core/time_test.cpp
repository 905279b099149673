// SPDX-License-Identifier: Apache-2.0
#include "core/time.hpp"

#include <gtest/gtest.h>

using namespace ion;
using namespace ion::literals;

TEST(Time, LiteralsAreNanoseconds) {
  EXPECT_EQ(1_us, 1000);
  EXPECT_EQ(3_ms, 3'000'000);
  EXPECT_EQ(2_s, 2'000'000'000);
  EXPECT_EQ(10_ms + 500_us, 10'500'000);
}

TEST(Time, SecondsConversionRoundsToNearest) {
  EXPECT_EQ(from_seconds(1e-4), 100'000);
  EXPECT_EQ(from_seconds(-0.0015), -1'500'000);
  EXPECT_DOUBLE_EQ(to_seconds(2500_ms), 2.5);
}

TEST(Time, FormatPicksLargestUnit) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(1500_us), "1.5ms");
  EXPECT_EQ(format_duration(10_s), "10s");
  EXPECT_EQ(format_duration(250), "250ns");
  EXPECT_EQ(format_duration(-3_us), "-3us");
}

TEST(Time, ParseAcceptsUnits) {
  EXPECT_EQ(*parse_duration("100us"), 100_us);
  EXPECT_EQ(*parse_duration("1.5s"), 1500_ms);
  EXPECT_EQ(*parse_duration("0.1ms"), 100_us);
  EXPECT_EQ(*parse_duration("2min"), 120_s);
  EXPECT_EQ(*parse_duration("50 us"), 50_us);
  EXPECT_EQ(*parse_duration("1e-3s"), 1_ms);
}

TEST(Time, ParseRejectsMalformed) {
  for (const char* bad : {"", "10", "us", "10 parsecs", "10ss", "1..0s", "10s extra", "nan s", "1e30s", "10 s s"}) {
    auto r = parse_duration(bad);
    EXPECT_FALSE(r.is_ok()) << bad;
  }
  EXPECT_NE(parse_duration("10").status().message().find("missing unit"), std::string::npos);
}

TEST(Time, RoundTripFormatParse) {
  for (Duration d : {1_ns, 7_us, 123_ms, 42_s, -9_ms}) EXPECT_EQ(*parse_duration(format_duration(d)), d);
}
