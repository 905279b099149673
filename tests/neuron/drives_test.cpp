// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "neuron/drives.hpp"

namespace ion::neuron {
namespace {

TEST(Drives, RegularTrainIsAPacemaker) {
  auto t = regular_train(10, 0, kSecond);
  ASSERT_EQ(t.size(), 10u);
  for (size_t k = 0; k < t.size(); ++k) EXPECT_EQ(t[k], static_cast<Time>(k) * 100 * kMillisecond);
  EXPECT_TRUE(regular_train(0, 0, kSecond).empty());
}

// A period longer than int64 nanoseconds hold: the second spike time used to overflow and wrap
// below `end`, and the loop filled memory until std::bad_alloc ("1e-300Hz 10s" in a schedule).
TEST(Drives, RegularTrainOfATinyRateEnds) {
  EXPECT_EQ(regular_train(1e-300, 0, 10 * kSecond), std::vector<Time>{0});
  EXPECT_EQ(regular_train(1e-10, 5, 10 * kSecond), std::vector<Time>{5});
  EXPECT_TRUE(regular_train(1e-300, 0, 10 * kSecond, 20 * kSecond).empty());
}

TEST(Drives, PoissonTrainRateAndSeedDeterminism) {
  Rng a(7), b(7);
  auto t = poisson_train(100, 0, 100 * kSecond, a);
  EXPECT_EQ(t, poisson_train(100, 0, 100 * kSecond, b));
  EXPECT_NEAR(static_cast<double>(t.size()), 10000.0, 400.0);  // 4 sigma
  for (size_t k = 1; k < t.size(); ++k) EXPECT_GE(t[k], t[k - 1]);
}

TEST(Drives, RateScheduleParsesPhases) {
  auto s = parse_rate_schedule("10Hz 10s, 50Hz 5s; 10Hz 10s, 1Hz 5s");
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  ASSERT_EQ(s->size(), 4u);
  EXPECT_DOUBLE_EQ((*s)[1].rate_hz, 50.0);
  EXPECT_EQ((*s)[1].duration_ns, 5 * kSecond);
  EXPECT_EQ(schedule_length(*s), 30 * kSecond);
  Rng rng(1);
  auto t = schedule_train(*s, SpikeProcess::regular, 0, rng);
  EXPECT_EQ(t.size(), 100u + 250u + 100u + 5u);
  auto bad = parse_rate_schedule("10Hz 10s, 50 5s");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("phase 2"), std::string::npos);
  EXPECT_FALSE(parse_rate_schedule("10Hz").is_ok());
  EXPECT_FALSE(parse_rate_schedule("10Hz 0s").is_ok());
}

TEST(Drives, PoissonGroupMatchesTheRate) {
  PoissonGroup g(1000, 5.0, Rng(3));
  std::vector<uint32_t> targets;
  for (int k = 0; k < 10000; ++k) g.draw(1e-4, targets);  // 1 s
  EXPECT_NEAR(static_cast<double>(targets.size()), 5000.0, 300.0);
  for (uint32_t i : targets) EXPECT_LT(i, 1000u);
}

TEST(CurrentInput, ParsesStepsRampsAndNoise) {
  auto step = CurrentInput::parse("step,0.8nA,100ms,600ms");
  ASSERT_TRUE(step.is_ok()) << step.status().to_string();
  EXPECT_EQ(step->at(99 * kMillisecond), 0.0);
  EXPECT_DOUBLE_EQ(step->at(100 * kMillisecond), 0.8e-9);
  EXPECT_EQ(step->at(600 * kMillisecond), 0.0);
  auto ramp = CurrentInput::parse("ramp,0nA,1nA,0ms,1s");
  ASSERT_TRUE(ramp.is_ok());
  EXPECT_NEAR(ramp->at(500 * kMillisecond), 0.5e-9, 1e-18);
  auto n1 = CurrentInput::parse("noise,0.5nA,0.1nA,0.1ms,42").value();
  auto n2 = CurrentInput::parse("noise,0.5nA,0.1nA,0.1ms,42").value();
  double late = n1.at(kSecond);  // out-of-order queries give the same values
  EXPECT_EQ(n2.at(kSecond), late);
  EXPECT_EQ(n1.at(50'000), n2.at(50'000));
  EXPECT_EQ(n1.at(50'000), n1.at(99'999));
}

TEST(CurrentInput, ErrorsAreSpecific) {
  auto e1 = CurrentInput::parse("pulse,1nA");
  EXPECT_NE(e1.status().message().find("unknown kind \"pulse\""), std::string::npos);
  auto e2 = CurrentInput::parse("step,0.8nS,100ms,600ms");
  EXPECT_NE(e2.status().message().find("current"), std::string::npos);
  auto e3 = CurrentInput::parse("step,0.8nA,100ms");
  EXPECT_NE(e3.status().message().find("step,<current>,<on>,<off>"), std::string::npos);
  auto e4 = CurrentInput::parse("step,0.8nA,600ms,100ms");
  EXPECT_NE(e4.status().message().find("end time must be after start"), std::string::npos);
  auto e5 = CurrentInput::parse("file,/nonexistent/x.txt,0.1ms");
  EXPECT_NE(e5.status().message().find("cannot open"), std::string::npos);
}

TEST(CurrentInput, SamplesFileRoundTripsExactly) {
  std::string path = std::string(ION_BINARY_DIR) + "/neuron_samples_test.txt";
  auto v = noise_samples(1e-10, 3e-11, 100, 9);
  ASSERT_TRUE(write_samples(path, v).is_ok());
  auto in = CurrentInput::parse("file," + path + ",0.1ms");
  ASSERT_TRUE(in.is_ok()) << in.status().to_string();
  for (size_t k = 0; k < v.size(); ++k) EXPECT_EQ(in->at(static_cast<Time>(k) * 100'000), v[k]);
  EXPECT_EQ(in->at(100 * 100'000), 0.0);
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("1e-9\nabc\n", f);
  std::fclose(f);
  auto bad = read_samples(path);
  EXPECT_NE(bad.status().message().find(":2:"), std::string::npos);
}

}  // namespace
}  // namespace ion::neuron
