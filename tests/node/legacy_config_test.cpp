// SPDX-License-Identifier: Apache-2.0
// [legacy] pre_partner / post_partner / binding (docs/experiment.md, docs/protocol.md §8.2):
// defaults, and every refusal named with FILE:LINE:COL and the key path.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "experiment/load.hpp"

using namespace ion;

namespace {

std::string example_text() {
  std::ifstream f(std::string(ION_SOURCE_DIR) + "/examples/legacy_bridge.toml");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The example with its two partner lines (its last lines) replaced by `partners`.
std::string with_partners(const std::string& partners) {
  std::string t = example_text();
  const size_t at = t.find("\npre_partner");
  EXPECT_NE(at, std::string::npos);
  return t.substr(0, at + 1) + partners;
}

// "x.toml:LINE:" of the n-th line of `partners` (0-based) in with_partners(partners).
std::string line_of(int n) {
  const std::string t = with_partners("");
  return "x.toml:" + std::to_string(std::count(t.begin(), t.end(), '\n') + 1 + n) + ":";
}

Result<experiment::Experiment> load(const std::string& text) {
  return experiment::load_experiment_text(text, "x.toml");
}

}  // namespace

TEST(LegacyConfig, ExamplePartnersMeanConfiguredBinding) {
  auto e = load(example_text());
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(e->legacy.pre_partner, "127.0.0.1:10000");
  EXPECT_EQ(e->legacy.post_partner, "127.0.0.1:25003");
  EXPECT_FALSE(e->legacy.learned_binding);
}

TEST(LegacyConfig, WithoutPartnersTheBindingIsLearned) {
  auto e = load(with_partners(""));
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_TRUE(e->legacy.learned_binding);
  auto one = load(with_partners("post_partner = \"[::1]:25003\"\n"));
  ASSERT_TRUE(one.is_ok()) << one.status().message();
  EXPECT_FALSE(one->legacy.learned_binding);
  EXPECT_TRUE(one->legacy.pre_partner.empty());
}

TEST(LegacyConfig, BadPartnersAndBindingsAreNamed) {
  const struct {
    std::string partners, expected;
  } cases[] = {
      {"pre_partner = \"127.0.0.1\"\n",
       line_of(0) + "15: legacy.pre_partner: found \"127.0.0.1\", expected a partner address"},
      {"post_partner = 25003\n",
       line_of(0) + "16: legacy.post_partner: found integer 25003, expected a partner address"},
      {"post_partner = \"127.0.0.1:0\"\n", line_of(0) + "16: legacy.post_partner: found \"127.0.0.1:0\""},
      {"binding = \"configured\"\n",
       line_of(0) + "11: legacy.binding: found binding = \"configured\" without pre_partner or post_partner"},
      {"binding = \"learned\"\npre_partner = \"127.0.0.1:10000\"\n",
       line_of(1) + "15: legacy.pre_partner: found a partner address with binding = \"learned\""},
      {"binding = \"sticky\"\n", line_of(0) + "11: legacy.binding: found \"sticky\""},
  };
  for (const auto& c : cases) {
    auto e = load(with_partners(c.partners));
    ASSERT_FALSE(e.is_ok()) << c.partners;
    EXPECT_NE(e.status().message().find(c.expected), std::string::npos) << c.partners << "\n" << e.status().message();
  }
}
