// SPDX-License-Identifier: Apache-2.0
#include "wire/legacy.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/prng.hpp"

namespace ion::wire::legacy {
namespace {

TEST(Legacy, KnownBytes) {
  // 'A', neuron 0x000102, aux 1 (evoked), 0x000A0B ticks.
  const std::vector<uint8_t> bytes = {0x41, 0x00, 0x01, 0x02, 0x01, 0x00, 0x0A, 0x0B};
  auto p = decode(bytes);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->sender, Sender::presynaptic);
  EXPECT_EQ(p->neuron_id, 0x102u);
  EXPECT_EQ(p->aux, 1);
  EXPECT_EQ(p->ticks, 0xA0Bu);
  auto e = encode(*p);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(std::vector<uint8_t>(e->begin(), e->end()), bytes);
  EXPECT_EQ(ticks_to_ns(p->ticks), 0xA0B * 50'000);
}

TEST(Legacy, RandomRoundTrip) {
  Rng rng(2017);
  const Sender senders[] = {Sender::presynaptic, Sender::postsynaptic, Sender::hub, Sender::ready};
  for (int i = 0; i < 10000; ++i) {
    Packet p{senders[rng.below(4)], static_cast<uint32_t>(rng.below(1u << 24)), static_cast<uint8_t>(rng.below(256)),
             static_cast<uint32_t>(rng.below(1u << 24))};
    auto e = encode(p);
    ASSERT_TRUE(e.is_ok());
    auto d = decode(*e);
    ASSERT_TRUE(d.is_ok());
    EXPECT_EQ(*d, p);
  }
}

TEST(Legacy, TwentyBitSendersAreAccepted) {
  const std::vector<uint8_t> bytes = {'S', 0x0F, 0xFF, 0xFF, 200, 0x0F, 0xFF, 0xFF};
  auto p = decode(bytes);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->neuron_id, kMask20);
  EXPECT_EQ(p->ticks, kMask20);
  EXPECT_EQ(p->aux, 200);
  // A 24-bit sender's fields above 20 bits come through whole.
  const std::vector<uint8_t> wide = {'D', 0xAB, 0xCD, 0xEF, 2, 0xFE, 0xDC, 0xBA};
  EXPECT_EQ(decode(wide)->neuron_id, 0xABCDEFu);
  EXPECT_EQ(decode(wide)->ticks, 0xFEDCBAu);
  EXPECT_EQ(kPeriod20Ns, 52'428'800'000);  // 2^20 ticks of 50 µs
}

TEST(Legacy, Errors) {
  EXPECT_EQ(decode(std::vector<uint8_t>(7, 0x41)).error(), LegacyError::wrong_length);
  EXPECT_EQ(decode(std::vector<uint8_t>(9, 0x41)).error(), LegacyError::wrong_length);
  EXPECT_EQ(decode(std::vector<uint8_t>{}).error(), LegacyError::wrong_length);
  for (int code : {0, int{'B'}, int{'a'}, int{'Z'}, 0xFF}) {
    std::vector<uint8_t> b = {static_cast<uint8_t>(code), 0, 0, 1, 0, 0, 0, 1};
    EXPECT_EQ(decode(b).error(), LegacyError::unknown_sender) << code;
  }
  EXPECT_EQ(encode(Packet{Sender::hub, 1u << 24, 0, 0}).error(), LegacyError::field_too_wide);
  EXPECT_EQ(encode(Packet{Sender::hub, 0, 0, 1u << 24}).error(), LegacyError::field_too_wide);
  EXPECT_EQ(encode(Packet{static_cast<Sender>('X'), 0, 0, 0}).error(), LegacyError::unknown_sender);
  EXPECT_STREQ(legacy_error_name(LegacyError::unknown_sender), "unknown_sender");
}

}  // namespace
}  // namespace ion::wire::legacy
