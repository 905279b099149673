// SPDX-License-Identifier: Apache-2.0
#include "env/sockaddr.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

using namespace ion;

namespace {

TEST(SockAddr, ParsesAndFormatsIPv4) {
  auto a = SockAddr::parse("127.0.0.1:7201");
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_EQ(a->family, SockAddr::Family::v4);
  EXPECT_EQ(a->port, 7201);
  EXPECT_EQ(a->addr[0], 127);
  EXPECT_EQ(a->addr[3], 1);
  EXPECT_EQ(a->to_string(), "127.0.0.1:7201");
  EXPECT_TRUE(a->is_loopback());
  EXPECT_EQ(SockAddr::parse("0.0.0.0:0")->to_string(), "0.0.0.0:0");
  EXPECT_EQ(SockAddr::parse("255.255.255.255:65535")->to_string(), "255.255.255.255:65535");
  EXPECT_TRUE(SockAddr::parse("127.200.3.4:1")->is_loopback());
  EXPECT_FALSE(SockAddr::parse("10.0.0.1:1")->is_loopback());
}

TEST(SockAddr, ParsesAndFormatsIPv6) {
  auto a = SockAddr::parse("[::1]:5005");
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_EQ(a->family, SockAddr::Family::v6);
  EXPECT_EQ(a->port, 5005);
  EXPECT_EQ(a->addr[15], 1);
  EXPECT_EQ(a->to_string(), "[::1]:5005");
  EXPECT_TRUE(a->is_loopback());
  EXPECT_EQ(SockAddr::parse("[2001:DB8:0:0:0:0:0:1]:80")->to_string(), "[2001:db8::1]:80");
  EXPECT_FALSE(SockAddr::parse("[::]:80")->is_loopback());
  EXPECT_FALSE(SockAddr::parse("[::2]:80")->is_loopback());
}

TEST(SockAddr, RoundTripsThroughText) {
  for (const char* text : {"1.2.3.4:5", "192.168.100.200:65535", "[fe80::1:2]:9", "[::ffff:1.2.3.4]:7"}) {
    auto a = SockAddr::parse(text);
    ASSERT_TRUE(a.is_ok()) << text;
    auto b = SockAddr::parse(a->to_string());
    ASSERT_TRUE(b.is_ok()) << a->to_string();
    EXPECT_EQ(*a, *b) << text;
  }
}

TEST(SockAddr, ComparesAndHashes) {
  SockAddr a = *SockAddr::parse("127.0.0.1:1");
  SockAddr b = *SockAddr::parse("127.0.0.1:2");
  SockAddr c = *SockAddr::parse("[::1]:1");
  EXPECT_LT(a, b);
  EXPECT_NE(a, c);
  std::unordered_set<SockAddr> set{a, b, c, a};
  EXPECT_EQ(set.size(), 3u);
  EXPECT_FALSE(SockAddr{}.valid());
  EXPECT_EQ(SockAddr{}.to_string(), "<none>");
}

struct BadCase {
  const char* text;
  const char* why;
};

TEST(SockAddr, RejectsBadTextPrecisely) {
  const std::string expected =
      " (expected \"IPv4:port\" or \"[IPv6]:port\", e.g. \"127.0.0.1:7201\" or \"[::1]:7201\")";
  const BadCase cases[] = {
      {"", "empty"},
      {"127.0.0.1", "missing ':port'"},
      {"127.0.0.1:", "missing port after ':'"},
      {"127.0.0.1:65536", "port \"65536\" is not a decimal number 0..65535"},
      {"127.0.0.1:-1", "port \"-1\" is not a decimal number 0..65535"},
      {"127.0.0.1:080", "port \"080\" is not a decimal number 0..65535"},
      {"127.0.0.1:80x", "port \"80x\" is not a decimal number 0..65535"},
      {"127.0.0.1:123456", "port \"123456\" is not a decimal number 0..65535"},
      {"127.0.0:80", "\"127.0.0\" is not a numeric IPv4 address (a.b.c.d, each 0..255)"},
      {"127.0.0.1.1:80", "\"127.0.0.1.1\" is not a numeric IPv4 address (a.b.c.d, each 0..255)"},
      {"256.0.0.1:80", "\"256.0.0.1\" is not a numeric IPv4 address (a.b.c.d, each 0..255)"},
      {"01.0.0.1:80", "\"01.0.0.1\" is not a numeric IPv4 address (a.b.c.d, each 0..255)"},
      {"1..2.3:80", "\"1..2.3\" is not a numeric IPv4 address (a.b.c.d, each 0..255)"},
      {"localhost:80", "\"localhost\" is not a numeric IPv4 address (a.b.c.d, each 0..255)"},
      {" 1.2.3.4:80", "\" 1.2.3.4\" is not a numeric IPv4 address (a.b.c.d, each 0..255)"},
      {"::1:80", "IPv6 addresses need brackets"},
      {"[::1]", "missing ':port' after ']'"},
      {"[::1]80", "missing ':port' after ']'"},
      {"[::1:80", "missing ']' after the IPv6 address"},
      {"[::g]:80", "\"::g\" is not a numeric IPv6 address"},
      {"[fe80::1%eth0]:80", "zone ids (%) are not supported"},
      {"[::1]:99999", "port \"99999\" is not a decimal number 0..65535"},
  };
  for (const BadCase& c : cases) {
    auto r = SockAddr::parse(c.text);
    ASSERT_FALSE(r.is_ok()) << c.text;
    EXPECT_EQ(r.status().code(), Errc::invalid_argument);
    EXPECT_EQ(r.status().message(), "bad address \"" + std::string(c.text) + "\": " + c.why + expected);
  }
}

}  // namespace
