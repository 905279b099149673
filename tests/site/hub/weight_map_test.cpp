// SPDX-License-Identifier: Apache-2.0
// The legacy 'S' byte is the reference hub's formula of the resistance, whatever ion's weight
// polarity (arc1_pyqt ProgPanels/UDPmod.py at 63b6fb3, l.321 and l.587; docs/protocol.md §8.1).
#include "site/hub/weight_map.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ion::hub;

TEST(WeightMapLegacyByte, IsTheReferenceFormulaOfTheResistance) {
  for (bool low_r_strong : {true, false}) {
    WeightMap m{4000, 9000, low_r_strong};
    EXPECT_EQ(m.legacy_byte(4000), 0);
    EXPECT_EQ(m.legacy_byte(9000), 255);  // 254.99999999999997
    EXPECT_EQ(m.legacy_byte(7049), 155);  // 155.499
    EXPECT_EQ(m.legacy_byte(3000), 0);    // clipped
    EXPECT_EQ(m.legacy_byte(1e9), 255);
  }
}

// Evaluated in the reference's operation order and with numpy's round half to even.
TEST(WeightMapLegacyByte, RoundsExactlyAsNumpyDid) {
  WeightMap m{4000, 9000, true};
  EXPECT_EQ(m.legacy_byte(6500), 127);  // (255/5000)·2500 = 127.49999999999999
  EXPECT_EQ(m.legacy_byte(5500), 76);   // 76.5 → 76 (half to even)
  EXPECT_EQ(m.legacy_byte(4500), 26);   // 25.5 → 26
}

TEST(WeightMapLegacyByte, FailedReadsAndEmptyRangesGiveZero) {
  EXPECT_EQ((WeightMap{4000, 9000, true}.legacy_byte(std::nan(""))), 0);
  EXPECT_EQ((WeightMap{4000, 9000, true}.legacy_byte(INFINITY)), 0);
  EXPECT_EQ((WeightMap{5000, 5000, true}.legacy_byte(6000)), 0);
}

TEST(WeightMap, ResistanceOfInvertsWeight) {
  for (bool low_r_strong : {true, false}) {
    WeightMap m{4000, 9000, low_r_strong};
    for (double r : {4000.0, 5250.0, 8999.0}) EXPECT_NEAR(m.resistance_of(m.weight(r)), r, 1e-3);
    EXPECT_EQ(m.resistance_of(std::nanf("")), low_r_strong ? 9000 : 4000);  // no weight: the weak end
  }
}
