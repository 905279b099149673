// SPDX-License-Identifier: Apache-2.0
// Crash safety of SimulatedCrossbar: a child pulses a saved array and reports each acknowledged
// pulse over a pipe; the parent SIGKILLs it at a random point and reloads the array.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "core/prng.hpp"
#include "device/sim_crossbar.hpp"

namespace ion::device {
namespace {

struct Pulse {
  uint32_t w, b;
  double v;
  Duration width_ns;
};

Pulse program(uint64_t i) {  // a deterministic pulse train
  Rng r = Rng::stream(99, "pulse" + std::to_string(i));
  return {uint32_t(r.below(8)), uint32_t(r.below(8)), r.uniform(-1.5, 1.5), Duration(1000 + r.below(200000))};
}

CrossbarConfig config() {
  CrossbarConfig c;
  c.model = "data-driven";
  c.words = c.bits = 8;
  c.half_select = true;
  c.var.c2c_rel_sd = 0.1;
  c.var.d2d = {{"Ap", 0.2}};
  c.seed = 5;
  return c;
}

std::string temp_dir() {
  char tmpl[] = "/tmp/ion-device-persist-XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  return d ? d : "/tmp";
}

// Child: opens the array, pulses, writes the index of each acknowledged pulse, checkpoints
// every 40 pulses. Never returns.
[[noreturn]] void child(const std::string& path, int ack_fd) {
  auto x = SimulatedCrossbar::open(path);
  if (!x) _exit(3);
  for (uint64_t i = (*x)->pulses_applied(); i < 100000; ++i) {
    const Pulse p = program(i);
    if (!(*x)->pulse(p.w, p.b, p.v, p.width_ns)) _exit(4);
    const uint64_t acked = i + 1;
    if (::write(ack_fd, &acked, sizeof acked) != sizeof acked) _exit(5);
    if (acked % 40 == 0 && !(*x)->checkpoint()) _exit(6);
  }
  _exit(0);
}

// Runs the child until `kill_after` acks arrived, kills it, returns the highest ack seen.
uint64_t run_and_kill(const std::string& path, uint64_t kill_after) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    child(path, fds[1]);
  }
  ::close(fds[1]);
  uint64_t acked = 0, v = 0;
  bool killed = false;
  while (::read(fds[0], &v, sizeof v) == sizeof v) {
    acked = v;
    if (!killed && acked >= kill_after) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited with " << status;
  return acked;
}

TEST(Persistence, KilledWriterLosesNoAcknowledgedPulseAndAppliesNoneTwice) {
  const std::string path = temp_dir() + "/array.ionx";
  ASSERT_TRUE(SimulatedCrossbar::create_file(config(), path).is_ok());
  Rng rng(2024);
  uint64_t acked_total = 0;
  for (int round = 0; round < 4; ++round) {
    const uint64_t kill_after = acked_total + 1 + rng.below(120);
    const uint64_t acked = run_and_kill(path, kill_after);
    ASSERT_GE(acked, kill_after);
    auto x = SimulatedCrossbar::open(path);
    ASSERT_TRUE(x.is_ok()) << x.status().to_string();
    const uint64_t rec = (*x)->pulses_applied();
    // Every acknowledged pulse survives; at most the one in flight (logged, unacknowledged) too.
    ASSERT_GE(rec, acked) << "round " << round;
    ASSERT_LE(rec, acked + 1) << "round " << round;
    // replayed(): the pulses after the snapshot (the last checkpoint, or the one before when the
    // kill came during a checkpoint), each with the resistance right after it.
    const auto& replayed = (*x)->replayed();
    ASSERT_GE(replayed.size(), rec % 40) << "round " << round;
    ASSERT_LE(replayed.size(), 40u) << "round " << round;
    auto ref = SimulatedCrossbar::create(config());
    ASSERT_TRUE(ref.is_ok());
    for (uint64_t i = 0; i < rec; ++i) {
      const Pulse p = program(i);
      ASSERT_TRUE((*ref)->pulse(p.w, p.b, p.v, p.width_ns).is_ok());
      if (i + 1 <= rec - replayed.size()) continue;
      const ReplayedPulse& r = replayed[i - (rec - replayed.size())];
      EXPECT_EQ(r.seq, i + 1);
      EXPECT_TRUE(r.w == p.w && r.b == p.b && r.v == p.v && r.width_ns == p.width_ns) << "pulse " << i + 1;
      EXPECT_EQ(r.r_ohm, *(*ref)->read(p.w, p.b)) << "pulse " << i + 1;
    }
    for (uint32_t w = 0; w < 8; ++w)
      for (uint32_t b = 0; b < 8; ++b) ASSERT_EQ((*x)->state(w, b), (*ref)->state(w, b)) << w << "," << b;
    acked_total = rec;
  }
  std::system(("rm -rf '" + path.substr(0, path.rfind('/')) + "'").c_str());
}

TEST(Persistence, TornTailAndCorruptSnapshotAreHandled) {
  const std::string dir = temp_dir(), path = dir + "/a.ionx";
  {
    auto x = SimulatedCrossbar::create_file(config(), path);
    ASSERT_TRUE(x.is_ok());
    for (uint64_t i = 0; i < 5; ++i) {
      const Pulse p = program(i);
      ASSERT_TRUE((*x)->pulse(p.w, p.b, p.v, p.width_ns).is_ok());
    }
  }
  {  // a half-written 6th record is discarded
    const int fd = ::open((path + ".wal").c_str(), O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "0123456789abcdef", 16), 16);
    ::close(fd);
  }
  auto x = SimulatedCrossbar::open(path);
  ASSERT_TRUE(x.is_ok()) << x.status().to_string();
  EXPECT_EQ((*x)->pulses_applied(), 5u);
  ASSERT_TRUE((*x)->pulse(0, 0, 1.0, 1000).is_ok());
  x->reset();
  auto y = SimulatedCrossbar::open(path);
  ASSERT_TRUE(y.is_ok());
  EXPECT_EQ((*y)->pulses_applied(), 6u);
  auto twice = SimulatedCrossbar::open(path);  // a second writer is refused
  ASSERT_FALSE(twice.is_ok());
  EXPECT_NE(twice.status().message().find("already open"), std::string::npos) << twice.status().message();
  EXPECT_EQ(SimulatedCrossbar::create_file(config(), path).status().code(), Errc::already_exists);
  y->reset();  // releases the lock
  {
    const int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_EQ(::pwrite(fd, "X", 1, 100), 1);
    ::close(fd);
  }
  auto z = SimulatedCrossbar::open(path);
  ASSERT_FALSE(z.is_ok());
  EXPECT_NE(z.status().message().find("checksum"), std::string::npos) << z.status().message();
  EXPECT_FALSE(SimulatedCrossbar::open(dir + "/missing.ionx").is_ok());
  std::system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace ion::device
