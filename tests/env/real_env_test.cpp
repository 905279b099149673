// SPDX-License-Identifier: Apache-2.0
// RealEnv over loopback UDP: delivery, timers (order, never early), defer order, errors.
// No wall-clock speed assertions: only ordering, "not early" and generous upper bounds.
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "env/real_env.hpp"
#include "env/sim_world.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

SockAddr loopback_any() { return SockAddr::parse("127.0.0.1:0").value(); }

std::vector<uint8_t> payload(uint32_t seq, size_t size = 64) {
  std::vector<uint8_t> b(size, 0xA5);
  std::memcpy(b.data(), &seq, 4);
  return b;
}

// Runs env until `done()` or 10 s have passed (a bound, not a speed assertion).
void run_until(RealEnv& env, const std::function<bool()>& done) {
  const Time give_up = env.now() + 10_s;
  while (!done() && env.now() < give_up) ASSERT_TRUE(env.run_once(std::min(give_up, env.now() + 50_ms)).is_ok());
}

TEST(RealEnvUdp, LoopbackBurstIsDeliveredExactly) {
  RealEnv env;
  std::set<uint32_t> seqs;
  std::vector<Datagram> meta;
  SockAddr sender_addr;
  Time sent_before = 0;
  auto rx = env.open_socket(loopback_any(), [&](const Datagram& d) {
    ASSERT_EQ(d.data.size(), 64u);
    uint32_t seq;
    std::memcpy(&seq, d.data.data(), 4);
    seqs.insert(seq);
    EXPECT_EQ(d.from, sender_addr);
    EXPECT_GE(d.rx_time_ns, sent_before);
    EXPECT_LE(d.rx_time_ns, env.now());
  });
  ASSERT_TRUE(rx.is_ok()) << rx.status().to_string();
  auto tx = env.open_socket(loopback_any(), [](const Datagram&) {});
  ASSERT_TRUE(tx.is_ok());
  sender_addr = *env.local_address(*tx);
  const SockAddr to = *env.local_address(*rx);
  EXPECT_TRUE(to.is_loopback());
  EXPECT_NE(to.port, 0);
  sent_before = env.now();
  for (uint32_t i = 0; i < 200; ++i) ASSERT_TRUE(env.send_to(*tx, to, payload(i)).is_ok());
  run_until(env, [&] { return seqs.size() >= 200; });
  EXPECT_EQ(seqs.size(), 200u);
  // The same through send_batch (sendmmsg).
  std::vector<std::vector<uint8_t>> bufs;
  std::vector<OutDatagram> batch;
  for (uint32_t i = 200; i < 400; ++i) bufs.push_back(payload(i));
  for (auto& b : bufs) batch.push_back(OutDatagram{to, b});
  auto sent = env.send_batch(*tx, batch);
  ASSERT_TRUE(sent.is_ok()) << sent.status().to_string();
  EXPECT_EQ(*sent, 200u);
  run_until(env, [&] { return seqs.size() >= 400; });
  EXPECT_EQ(seqs.size(), 400u);
  EXPECT_EQ(*seqs.rbegin(), 399u);
  EXPECT_EQ(env.stats().datagrams_received, 400u);
  EXPECT_EQ(env.stats().kernel_timestamps, 400u);
  EXPECT_LT(env.stats().recv_batches, 400u);  // recvmmsg really batched
}

// The bench probe (RealEnvProbe) sees every accepted send with the clock read before the send
// call, and every received datagram before its handler, with a kernel stamp between handoff and
// the read, and the loop's wake-up no later than the read. Removing it stops the reports.
TEST(RealEnvProbe, ReportsHandoffKernelStampWakeAndRead) {
  RealEnv env;
  std::vector<RealEnvProbe::Tx> txs;
  std::vector<RealEnvProbe::Rx> rxs;
  std::vector<uint32_t> tx_seqs, rx_seqs;
  size_t handled = 0, rx_before_handler = 0;
  auto rx = env.open_socket(loopback_any(), [&](const Datagram& d) {
    ++handled;
    if (rxs.size() != handled) return;  // the probe was removed
    ++rx_before_handler;
    EXPECT_EQ(rxs.back().kernel_rx_ns, d.rx_time_ns);
  });
  auto tx = env.open_socket(loopback_any(), [](const Datagram&) {});
  ASSERT_TRUE(rx.is_ok() && tx.is_ok());
  const SockAddr to = *env.local_address(*rx);
  RealEnvProbe probe;
  probe.on_tx = [&](const RealEnvProbe::Tx& t) {
    txs.push_back(t);
    uint32_t seq;
    std::memcpy(&seq, t.data.data(), 4);
    tx_seqs.push_back(seq);
  };
  probe.on_rx = [&](const RealEnvProbe::Rx& r) {
    rxs.push_back(r);
    uint32_t seq;
    std::memcpy(&seq, r.data.data(), 4);
    rx_seqs.push_back(seq);
  };
  env.set_probe(probe);
  const Time before = env.now();
  ASSERT_TRUE(env.send_to(*tx, to, payload(0)).is_ok());
  std::vector<std::vector<uint8_t>> bufs{payload(1), payload(2), payload(3)};
  std::vector<OutDatagram> batch;
  for (auto& b : bufs) batch.push_back(OutDatagram{to, b});
  ASSERT_EQ(env.send_batch(*tx, batch).value_or(0), 3u);
  run_until(env, [&] { return handled >= 4; });
  ASSERT_EQ(tx_seqs, (std::vector<uint32_t>{0, 1, 2, 3}));
  ASSERT_EQ(rx_seqs, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(rx_before_handler, 4u);
  EXPECT_EQ(txs[1].handoff_ns, txs[3].handoff_ns);  // one sendmmsg, one clock read
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(txs[i].socket, *tx);
    EXPECT_EQ(rxs[i].socket, *rx);
    EXPECT_GE(txs[i].handoff_ns, before);
    EXPECT_TRUE(rxs[i].kernel_stamped);
    EXPECT_GE(rxs[i].kernel_rx_ns, txs[i].handoff_ns);  // stamped inside the send call
    EXPECT_LE(rxs[i].kernel_rx_ns, rxs[i].user_rx_ns);
    EXPECT_GT(rxs[i].woke_ns, 0);
    EXPECT_LE(rxs[i].woke_ns, rxs[i].user_rx_ns);
  }
  env.set_probe({});
  ASSERT_TRUE(env.send_to(*tx, to, payload(4)).is_ok());
  run_until(env, [&] { return handled >= 5; });
  EXPECT_EQ(txs.size(), 4u);
  EXPECT_EQ(rxs.size(), 4u);
}

TEST(RealEnvTimers, FireInOrderAndNeverEarly) {
  RealEnv env;
  Rng rng(3);
  struct Fired {
    int index;
    Time due, at;
  };
  std::vector<Fired> fired;
  std::vector<Time> due(60);
  std::vector<TimerId> ids;
  const Time start = env.now();
  for (int i = 0; i < 60; ++i) {
    due[i] = start + static_cast<Duration>(rng.below(30)) * 1_ms;  // ties are likely
    ids.push_back(env.schedule_at(due[i], [&, i] { fired.push_back({i, due[i], env.now()}); }));
  }
  for (int i = 0; i < 60; i += 10) EXPECT_TRUE(env.cancel(ids[i]));
  EXPECT_FALSE(env.cancel(ids[0]));
  run_until(env, [&] { return fired.size() >= 54; });
  ASSERT_EQ(fired.size(), 54u);
  for (size_t k = 0; k < fired.size(); ++k) {
    EXPECT_NE(fired[k].index % 10, 0) << "cancelled timer ran";
    EXPECT_GE(fired[k].at, fired[k].due) << "timer " << fired[k].index << " fired early";
    EXPECT_LT(fired[k].at - fired[k].due, 2_s) << "timer " << fired[k].index << " hugely late";
    if (k > 0) {
      const Fired& p = fired[k - 1];
      EXPECT_TRUE(p.due < fired[k].due || (p.due == fired[k].due && p.index < fired[k].index));
    }
  }
  EXPECT_EQ(env.pending_timers(), 0u);
}

TEST(RealEnvTimers, CancelChurnKeepsTheHeapBounded) {
  RealEnv env;
  int fired = 0;
  TimerId keep = env.schedule_after(1_ms, [&] { ++fired; });
  for (int i = 0; i < 100000; ++i) {
    TimerId id = env.schedule_after(10_s, [&] { ++fired; });  // a timeout re-armed per packet
    ASSERT_TRUE(env.cancel(id));
  }
  EXPECT_EQ(env.pending_timers(), 1u);
  EXPECT_LE(env.timer_heap_size(), 1024u);
  run_until(env, [&] { return fired > 0; });
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(env.cancel(keep));
}

TEST(RealEnvLoop, DeferRunsAfterReadyTimersAndDatagrams) {
  RealEnv env;
  std::string log;
  const Time t = env.now() + 2_ms;
  env.schedule_at(t, [&] {
    log += "T1 ";
    env.defer([&] {
      log += "D1 ";
      env.defer([&] { log += "D2 "; });
    });
  });
  env.schedule_at(t, [&] { log += "T2 "; });
  run_until(env, [&] { return log.find("D2") != std::string::npos; });
  EXPECT_EQ(log, "T1 T2 D1 D2 ");

  // Datagrams already queued are all handled before deferred work of the same pass.
  log.clear();
  auto rx = env.open_socket(loopback_any(), [&](const Datagram&) {
    log += "R";
    env.defer([&] { log += "d"; });
  });
  ASSERT_TRUE(rx.is_ok());
  for (uint32_t i = 0; i < 5; ++i) ASSERT_TRUE(env.send_to(*rx, *env.local_address(*rx), payload(i)).is_ok());
  run_until(env, [&] { return log.size() >= 10; });
  EXPECT_EQ(log, "RRRRRddddd");
}

TEST(RealEnvLoop, RunForIsNotEarlyAndStopFromAnotherThreadEndsRun) {
  RealEnv env;
  const Time start = env.now();
  bool never_ran = false;
  TimerId never = env.schedule_at(kTimeNever, [&] { never_ran = true; });
  ASSERT_TRUE(env.run_for(20_ms).is_ok());
  EXPECT_GE(env.now() - start, 20_ms);
  EXPECT_FALSE(never_ran);
  EXPECT_TRUE(env.cancel(never));
  EXPECT_FALSE(env.stopped());
  bool safety_fired = false;
  env.schedule_after(10_s, [&] {
    safety_fired = true;
    env.stop();
  });
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    env.stop();
  });
  ASSERT_TRUE(env.run().is_ok());
  stopper.join();
  EXPECT_TRUE(env.stopped());
  EXPECT_FALSE(safety_fired);
}

TEST(RealEnvUdp, ClearErrors) {
  RealEnv env;
  auto first = env.open_socket(loopback_any(), [](const Datagram&) {});
  ASSERT_TRUE(first.is_ok());
  const SockAddr taken = *env.local_address(*first);
  auto second = env.open_socket(taken, [](const Datagram&) {});
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), Errc::already_exists);
  EXPECT_EQ(second.status().message(), "address 127.0.0.1:" + std::to_string(taken.port) + " already in use");
  auto foreign = env.open_socket(SockAddr::parse("192.0.2.1:7000").value(), [](const Datagram&) {});
  ASSERT_FALSE(foreign.is_ok());
  EXPECT_EQ(foreign.status().message(), "address 192.0.2.1:7000 is not an address of this machine");
  EXPECT_EQ(env.open_socket(SockAddr{}, [](const Datagram&) {}).status().code(), Errc::invalid_argument);
  Status wrong_family = env.send_to(*first, SockAddr::parse("[::1]:9").value(), payload(0));
  EXPECT_EQ(wrong_family.message(), "cannot send to [::1]:9 from " + taken.to_string());
  env.close_socket(*first);
  EXPECT_EQ(env.send_to(*first, taken, payload(0)).code(), Errc::not_found);
  EXPECT_FALSE(env.local_address(*first).is_ok());
  // The port is free again after close.
  EXPECT_TRUE(env.open_socket(taken, [](const Datagram&) {}).is_ok());
}

TEST(RealEnvLoop, WatchedFdCallsBackWhileReadable) {
  RealEnv env;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string got;
  uint32_t watch = 0;
  auto w = env.watch_fd(fds[0], [&] {
    char c;
    if (::read(fds[0], &c, 1) == 1) got += c;
    if (got.size() == 3) env.unwatch_fd(watch);
  });
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  watch = *w;
  ASSERT_EQ(::write(fds[1], "abcd", 4), 4);
  run_until(env, [&] { return got.size() >= 3; });
  ASSERT_TRUE(env.run_for(5_ms).is_ok());
  EXPECT_EQ(got, "abc");  // one byte per callback, none after unwatch
  EXPECT_EQ(env.watch_fd(-1, [] {}).status().code(), Errc::io_error);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(RealEnvMisc, RngMatchesSimEnvAndOutputGoesUnderTheDirectory) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-out/real_env_output";
  std::filesystem::remove_all(dir);
  RealEnv env(RealEnvOptions{"hub", 5, dir});
  SimWorld world(SimWorldOptions{5, ""});
  SimEnv& hub = *world.add_node("hub").value();
  EXPECT_EQ(env.rng("plasticity").next_u64(), hub.rng("plasticity").next_u64());
  EXPECT_EQ(env.name(), "hub");
  auto f = env.storage().open_append("x/y.log");
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  const uint8_t bytes[] = {1, 2, 3};
  ASSERT_TRUE((*f)->append(bytes).is_ok());
  ASSERT_TRUE((*f)->sync().is_ok());
  EXPECT_EQ(std::filesystem::file_size(dir + "/x/y.log"), 3u);
}

}  // namespace
