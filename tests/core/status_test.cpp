// SPDX-License-Identifier: Apache-2.0
#include "core/status.hpp"

#include <gtest/gtest.h>

#include <memory>

using namespace ion;

namespace {
Result<int> half(int x) {
  if (x % 2) return error(Errc::invalid_argument, "odd");
  return x / 2;
}
Status chain(int x, int& out) {
  auto r = half(x);
  ION_TRY(r.status());
  out = *r;
  return Status::ok();
}
}  // namespace

TEST(Status, OkAndError) {
  EXPECT_TRUE(Status::ok().is_ok());
  Status s = error(Errc::timeout, "board silent for 200ms");
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), Errc::timeout);
  EXPECT_EQ(s.to_string(), "timeout: board silent for 200ms");
}

TEST(Status, ResultHoldsValueOrError) {
  auto a = half(8);
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(*a, 4);
  auto b = half(7);
  ASSERT_FALSE(b.is_ok());
  EXPECT_EQ(b.status().message(), "odd");
  EXPECT_EQ(b.value_or(-1), -1);
}

TEST(Status, TryPropagates) {
  int out = 0;
  EXPECT_TRUE(chain(10, out).is_ok());
  EXPECT_EQ(out, 5);
  Status s = chain(3, out);
  EXPECT_EQ(s.code(), Errc::invalid_argument);
}

TEST(Status, ResultMovesOnlyTypes) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(3));
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 3);
}
