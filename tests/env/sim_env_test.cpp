// SPDX-License-Identifier: Apache-2.0
// SimEnv nodes: clocks with offset and drift, timers, cancel, defer, stop, rng, output files.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "env/sim_world.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

SockAddr addr(const char* text) { return SockAddr::parse(text).value(); }

TEST(SimClock, OffsetAndDriftAreVisibleAgainstTrueTime) {
  SimWorld w;
  SimEnv& fast = *w.add_node("fast", NodeClock{5'000'000, 50.0}).value();
  SimEnv& slow = *w.add_node("slow", NodeClock{-3'000'000'000, -200.0}).value();
  std::vector<std::pair<Time, Time>> fast_samples, slow_samples;  // (true, local - true)
  for (int k = 0; k <= 100; ++k) {
    w.schedule_at(k * 1_s, [&] {
      fast_samples.emplace_back(w.now(), fast.now() - w.now());
      slow_samples.emplace_back(w.now(), slow.now() - w.now());
    });
  }
  w.run_until(100_s);
  ASSERT_EQ(fast_samples.size(), 101u);
  EXPECT_EQ(fast_samples.front().second, 5'000'000);
  EXPECT_EQ(slow_samples.front().second, -3'000'000'000);
  // Slope of (local - true) over 100 s is the drift: 50 ppm → +5 ms, -200 ppm → -20 ms.
  EXPECT_EQ(fast_samples.back().second - fast_samples.front().second, 5'000'000);
  EXPECT_EQ(slow_samples.back().second - slow_samples.front().second, -20'000'000);
  for (auto [t, d] : fast_samples) EXPECT_NEAR(static_cast<double>(d), 5e6 + 50e-6 * static_cast<double>(t), 1.0);
}

// A node measures its peer's clock with NTP-style exchanges over a symmetric 10 ms link; the
// estimate must reveal the configured offset and drift.
TEST(SimClock, NodeEstimatesPeerOffsetAndDriftFromTimestamps) {
  SimWorld w;
  SimEnv& a = *w.add_node("a").value();
  SimEnv& b = *w.add_node("b", NodeClock{5'000'000, 50.0}).value();
  LinkImpairments imp;
  imp.latency_ns = 10_ms;
  EXPECT_TRUE(w.set_default_link(imp).is_ok());
  std::vector<std::pair<double, double>> theta;  // (a's time s, offset estimate ns)
  SocketId sb = 0;
  SocketId sa = a.open_socket(addr("10.0.0.1:123"), [&](const Datagram& d) {
                   Time t[2];
                   std::memcpy(t, d.data.data(), sizeof t);  // t1 (a), t2 (b)
                   const double est = 0.5 * static_cast<double>((t[1] - t[0]) + (t[1] - d.rx_time_ns));
                   theta.emplace_back(to_seconds(d.rx_time_ns), est);
                 }).value();
  sb = b.open_socket(addr("10.0.0.2:123"), [&](const Datagram& d) {
          Time t[2];
          std::memcpy(t, d.data.data(), 8);
          t[1] = d.rx_time_ns;
          (void)b.send_to(sb, d.from, std::span(reinterpret_cast<const uint8_t*>(t), sizeof t));
        }).value();
  for (int k = 0; k < 100; ++k) {
    a.schedule_at(k * 1_s, [&] {
      Time t1 = a.now();
      (void)a.send_to(sa, addr("10.0.0.2:123"), std::span(reinterpret_cast<const uint8_t*>(&t1), 8));
    });
  }
  w.run_until(101_s);
  ASSERT_EQ(theta.size(), 100u);
  for (auto [t_a_s, est] : theta) {  // b answered at true time t_a - 10 ms (a's clock is true time)
    EXPECT_NEAR(est, 5e6 + 50e-6 * (t_a_s * 1e9 - 10e6), 2.0);
  }
  const double slope = (theta.back().second - theta.front().second) / (theta.back().first - theta.front().first);
  EXPECT_NEAR(slope, 50e-6 * 1e9, 1.0);  // ns per second = ppm * 1e3
}

TEST(SimClock, LocalTimersFireAtTheFirstInstantNotEarly) {
  SimWorld w;
  SimEnv& n = *w.add_node("n", NodeClock{123'456, 333.3}).value();
  std::vector<Time> due, fired;
  for (int k = 1; k <= 200; ++k) {
    const Time t = 123'456 + k * 7'777'777;
    due.push_back(t);
    n.schedule_at(t, [&] { fired.push_back(n.now()); });
  }
  w.run_until(10_s);
  ASSERT_EQ(fired.size(), due.size());
  for (size_t i = 0; i < due.size(); ++i) {
    EXPECT_GE(fired[i], due[i]);
    EXPECT_LE(fired[i], due[i] + 1);  // one true ns is 1.0003 local ns
  }
  for (Time local : {Time{-5}, Time{0}, Time{999'999'999}}) {
    const Time t = n.true_of(local);
    EXPECT_GE(n.local_of(t), local);
    EXPECT_LT(n.local_of(t - 1), local);
  }
}

TEST(SimEnvTimers, SameInstantRunsInSchedulingOrderThenDeferred) {
  SimWorld w;
  SimEnv& a = *w.add_node("a").value();
  SimEnv& b = *w.add_node("b").value();
  std::string log;
  SocketId sb = b.open_socket(addr("10.0.0.2:1"), [&](const Datagram&) { log += "P"; }).value();
  SocketId sa = a.open_socket(addr("10.0.0.1:1"), [](const Datagram&) {}).value();
  (void)sb;
  EXPECT_TRUE(w.set_link("a", "b", LinkImpairments{.latency_ns = 5_ms}).is_ok());
  const uint8_t byte = 1;
  (void)a.send_to(sa, addr("10.0.0.2:1"), std::span(&byte, 1));  // arrives at 5 ms
  a.schedule_at(5_ms, [&] {
    log += "1";
    a.defer([&] {
      log += "D";
      a.defer([&] { log += "E"; });
    });
  });
  b.schedule_at(5_ms, [&] { log += "2"; });
  TimerId gone = a.schedule_at(5_ms, [&] { log += "X"; });
  a.schedule_at(6_ms, [&] { log += "3"; });
  EXPECT_TRUE(a.cancel(gone));
  EXPECT_FALSE(a.cancel(gone));
  EXPECT_FALSE(b.cancel(gone + 1));
  w.run_until(10_ms);
  EXPECT_EQ(log, "P12DE3");  // packet event was queued first; deferred work only after the instant
  EXPECT_EQ(w.now(), 10_ms);
}

TEST(SimEnvTimers, StepAndIdle) {
  SimWorld w;
  SimEnv& a = *w.add_node("a").value();
  int runs = 0;
  a.schedule_after(1_ms, [&] { ++runs; });
  a.defer([&] { ++runs; });
  EXPECT_FALSE(w.idle());
  EXPECT_TRUE(w.step());  // the deferred work: nothing else is due at t=0
  EXPECT_EQ(w.now(), 0);
  EXPECT_TRUE(w.step());
  EXPECT_EQ(w.now(), 1_ms);
  EXPECT_FALSE(w.step());
  EXPECT_TRUE(w.idle());
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(w.events_processed(), 1u);
  // A timer at the end of time stays pending and never fires in a finite run.
  TimerId never = a.schedule_at(kTimeNever, [&] { ++runs; });
  w.run_for(3600_s);
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(w.pending_events(), 1u);
  EXPECT_TRUE(a.cancel(never));
}

TEST(SimEnvTimers, CancelChurnKeepsTheQueueBoundedAndOrderIntact) {
  SimWorld w;
  SimEnv& a = *w.add_node("a").value();
  std::vector<int> order;
  for (int k = 0; k < 10; ++k) a.schedule_at((10 - k) * 1_ms, [&order, k] { order.push_back(k); });
  for (int i = 0; i < 100000; ++i) {
    TimerId id = a.schedule_after(10_s, [&order] { order.push_back(-1); });
    ASSERT_TRUE(a.cancel(id));
  }
  EXPECT_LE(w.pending_events(), 1024u);
  w.run_until(20_s);
  EXPECT_EQ(order, (std::vector<int>{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
}

TEST(SimEnvStop, StopDropsTimersSocketsAndDeferredWork) {
  SimWorld w;
  SimEnv& a = *w.add_node("a").value();
  SimEnv& b = *w.add_node("b").value();
  int fired = 0, received = 0;
  SocketId sa = a.open_socket(addr("10.0.0.1:1"), [](const Datagram&) {}).value();
  (void)b.open_socket(addr("10.0.0.2:1"), [&](const Datagram&) { ++received; });
  EXPECT_TRUE(w.set_link("a", "b", LinkImpairments{.latency_ns = 2_ms}).is_ok());
  b.schedule_at(5_ms, [&] { ++fired; });
  b.defer([&] { ++fired; });
  const uint8_t byte = 0;
  (void)a.send_to(sa, addr("10.0.0.2:1"), std::span(&byte, 1));
  b.stop();
  b.stop();  // idempotent
  EXPECT_TRUE(b.stopped());
  w.run_until(10_ms);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(received, 0);
  EXPECT_EQ(w.unroutable() + w.link_truth("a", "b").value()->undeliverable, 1u);
  EXPECT_EQ(b.schedule_after(1_ms, [&] { ++fired; }), 0u);
  EXPECT_EQ(b.send_to(1, addr("10.0.0.1:1"), std::span(&byte, 1)).message(), "node b is stopped");
  // The freed address can be bound again by another node.
  EXPECT_TRUE(a.open_socket(addr("10.0.0.2:1"), [](const Datagram&) {}).is_ok());
}

TEST(SimEnvRng, StreamsDependOnSeedNodeAndName) {
  SimWorld w1(SimWorldOptions{11, ""}), w2(SimWorldOptions{11, ""}), w3(SimWorldOptions{12, ""});
  SimEnv& a1 = *w1.add_node("a").value();
  SimEnv& a2 = *w2.add_node("a").value();
  SimEnv& b2 = *w2.add_node("b").value();
  SimEnv& a3 = *w3.add_node("a").value();
  const uint64_t x = a1.rng("noise").next_u64();
  EXPECT_EQ(x, a2.rng("noise").next_u64());
  EXPECT_NE(x, b2.rng("noise").next_u64());
  EXPECT_NE(x, a2.rng("spikes").next_u64());
  EXPECT_NE(x, a3.rng("noise").next_u64());
}

TEST(SimEnvOutput, WritesRealFilesUnderTheWorldDirectory) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-out/sim_env_output";
  std::filesystem::remove_all(dir);
  SimWorld w(SimWorldOptions{1, dir});
  SimEnv& a = *w.add_node("a").value();
  {
    auto f = a.storage().open_append("logs/a.bin");
    ASSERT_TRUE(f.is_ok()) << f.status().to_string();
    const std::string text = "hello ";
    ASSERT_TRUE((*f)->append(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())).is_ok());
    EXPECT_EQ((*f)->size(), 6u);
    ASSERT_TRUE((*f)->sync().is_ok());
  }
  {
    auto f = a.storage().open_append("logs/a.bin");  // appends
    ASSERT_TRUE(f.is_ok());
    EXPECT_EQ((*f)->size(), 6u);
    const uint8_t w8[] = {'w', 'o', 'r', 'l', 'd'};
    ASSERT_TRUE((*f)->append(w8).is_ok());
  }
  std::ifstream in(dir + "/logs/a.bin");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "hello world");
  auto bad = a.storage().open_append("logs/a.bin/inside");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("logs/a.bin"), std::string::npos) << bad.status().message();
}

}  // namespace
