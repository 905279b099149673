// SPDX-License-Identifier: Apache-2.0
#include "core/units.hpp"

#include <gtest/gtest.h>

using namespace ion;

TEST(Units, ParsesEveryDimension) {
  EXPECT_DOUBLE_EQ(*parse_quantity("4V", Dim::voltage), 4.0);
  EXPECT_DOUBLE_EQ(*parse_quantity("-0.8V", Dim::voltage), -0.8);
  EXPECT_DOUBLE_EQ(*parse_quantity("+500mV", Dim::voltage), 0.5);
  EXPECT_DOUBLE_EQ(*parse_quantity("9kohm", Dim::resistance), 9000.0);
  EXPECT_DOUBLE_EQ(*parse_quantity("1Mohm", Dim::resistance), 1e6);
  EXPECT_DOUBLE_EQ(*parse_quantity("20Hz", Dim::frequency), 20.0);
  EXPECT_DOUBLE_EQ(*parse_quantity("25kHz", Dim::frequency), 25000.0);
  EXPECT_NEAR(*parse_quantity("2000um2", Dim::area), 2000e-12, 1e-24);
  EXPECT_NEAR(*parse_quantity("1cm2", Dim::area), 1e-4, 1e-18);
  EXPECT_NEAR(*parse_quantity("0.8nA", Dim::current), 0.8e-9, 1e-21);
  EXPECT_NEAR(*parse_quantity("281pF", Dim::capacitance), 281e-12, 1e-24);
  EXPECT_NEAR(*parse_quantity("4nS", Dim::conductance), 4e-9, 1e-21);
  EXPECT_NEAR(*parse_quantity("30um", Dim::length), 30e-6, 1e-18);
}

TEST(Units, RejectsWrongDimensionAndJunk) {
  EXPECT_FALSE(parse_quantity("4V", Dim::frequency).is_ok());
  EXPECT_FALSE(parse_quantity("4", Dim::voltage).is_ok());
  EXPECT_FALSE(parse_quantity("V", Dim::voltage).is_ok());
  EXPECT_FALSE(parse_quantity("4 V V", Dim::voltage).is_ok());
  EXPECT_FALSE(parse_quantity("4cV", Dim::voltage).is_ok());
  EXPECT_FALSE(parse_quantity("4xV", Dim::voltage).is_ok());
  EXPECT_FALSE(parse_quantity("1e999V", Dim::voltage).is_ok());
  auto r = parse_quantity("4volts", Dim::voltage);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("unknown unit \"volts\""), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("expected e.g."), std::string::npos);
}

TEST(Units, FormatUsesEngineeringPrefix) {
  EXPECT_EQ(format_quantity(9000, Dim::resistance), "9kohm");
  EXPECT_EQ(format_quantity(0.5, Dim::voltage), "500mV");
  EXPECT_EQ(format_quantity(25000, Dim::frequency), "25kHz");
  EXPECT_EQ(format_quantity(-4, Dim::voltage), "-4V");
  EXPECT_DOUBLE_EQ(*parse_quantity(format_quantity(3.3e-12, Dim::capacitance), Dim::capacitance), 3.3e-12);
}
