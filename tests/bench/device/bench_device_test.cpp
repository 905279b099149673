// SPDX-License-Identifier: Apache-2.0
// The `ion bench device` harness (bench/device/bench_device.hpp): a baseline row and one row per model.
#include <gtest/gtest.h>

#include "bench/device/bench_device.hpp"
#include "device/model.hpp"

namespace ion::device {
namespace {

TEST(Bench, HarnessMeasuresBaselineAndEveryModel) {  // structure only: no speed assertion
  const auto rows = bench_device(16, 0.001, 3);
  ASSERT_EQ(rows.size(), 1 + all_models().size());
  EXPECT_EQ(rows[0].name, "baseline");
  EXPECT_DOUBLE_EQ(rows[0].ratio_to_baseline, 1);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].name, all_models()[i - 1]->name());
    EXPECT_EQ(rows[i].closed_form, all_models()[i - 1]->closed_form());
    EXPECT_GT(rows[i].updates, 0u);
    EXPECT_NEAR(rows[i].ratio_to_baseline, rows[i].updates_per_s / rows[0].updates_per_s, 1e-12);
  }
}

}  // namespace
}  // namespace ion::device
