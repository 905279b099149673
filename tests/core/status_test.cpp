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
Result<std::unique_ptr<int>> boxed_half(int x) {
  ION_TRY_ASSIGN(const int h, half(x));
  return std::make_unique<int>(h);
}
Result<int> quarter(int x) {
  int h = 0;
  ION_TRY_ASSIGN(h, half(x));
  ION_TRY_ASSIGN(auto p, boxed_half(h));  // a move-only value
  return *p;
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

TEST(Status, TryAssignPropagatesTheErrorOrAssignsTheValue) {
  auto q = quarter(12);
  ASSERT_TRUE(q.is_ok());
  EXPECT_EQ(*q, 3);
  auto odd_first = quarter(7);
  ASSERT_FALSE(odd_first.is_ok());
  EXPECT_EQ(odd_first.status().message(), "odd");
  auto odd_second = quarter(6);  // 6 / 2 = 3 is odd: the second ION_TRY_ASSIGN returns
  ASSERT_FALSE(odd_second.is_ok());
  EXPECT_EQ(odd_second.status().code(), Errc::invalid_argument);
}

TEST(Status, PrefixedKeepsTheCodeAndPutsContextFirst) {
  const Status s = error(Errc::not_found, "no such file").prefixed("site A: ");
  EXPECT_EQ(s.code(), Errc::not_found);
  EXPECT_EQ(s.message(), "site A: no such file");
  EXPECT_TRUE(Status::ok().prefixed("site A: ").is_ok());
  EXPECT_EQ(Status::ok().prefixed("site A: ").message(), "");
}

TEST(Status, ResultMovesOnlyTypes) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(3));
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 3);
}
