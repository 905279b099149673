// SPDX-License-Identifier: Apache-2.0
// The persisted clock origin of a resumable site: round trip and every kind of bad file.
#include "node/clock_origin.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace ion;
using namespace ion::site;

namespace {

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-runs/clock-origin";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + name;
  if (!text.empty()) std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST(ClockOrigin, RoundTripsOriginAndBootId) {
  const std::string path = temp_file("ok.origin", "");
  ASSERT_TRUE(save_clock_origin(real_storage(), path, {123456789012345, "boot-a"}).is_ok());
  auto o = load_clock_origin(real_storage(), path, "boot-a");
  ASSERT_TRUE(o.is_ok()) << o.status().message();
  EXPECT_EQ(o->origin_ns, 123456789012345);
  EXPECT_EQ(o->boot_id, "boot-a");
}

TEST(ClockOrigin, RefusesAnotherBoot) {
  const std::string path = temp_file("boot.origin", "origin_ns=5\nboot_id=boot-a\n");
  auto o = load_clock_origin(real_storage(), path, "boot-b");
  ASSERT_FALSE(o.is_ok());
  EXPECT_NE(o.status().message().find("another boot"), std::string::npos) << o.status().message();
}

TEST(ClockOrigin, NamesTheBadLine) {
  auto o = load_clock_origin(real_storage(), temp_file("bad.origin", "origin_ns=12x\n"), "");
  ASSERT_FALSE(o.is_ok());
  EXPECT_NE(o.status().message().find("bad.origin:1: expected origin_ns=<integer nanoseconds>"), std::string::npos)
      << o.status().message();
  auto u = load_clock_origin(real_storage(), temp_file("unknown.origin", "origin_ns=1\nzone=utc\n"), "");
  ASSERT_FALSE(u.is_ok());
  EXPECT_NE(u.status().message().find(":2: unexpected line 'zone=utc'"), std::string::npos) << u.status().message();
}

TEST(ClockOrigin, MissingFileOrValueIsAnError) {
  auto m = load_clock_origin(real_storage(), temp_file("none.origin", ""), "");
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("cannot read the clock origin"), std::string::npos);
  auto e = load_clock_origin(real_storage(), temp_file("empty.origin", "boot_id=x\n"), "x");
  ASSERT_FALSE(e.is_ok());
  EXPECT_NE(e.status().message().find("no origin_ns line"), std::string::npos);
}
