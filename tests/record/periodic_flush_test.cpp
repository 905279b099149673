// SPDX-License-Identifier: Apache-2.0
// The writer driven by an Env: periodic flushes on the Env's clock, files opened through the Env.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "env/sim_storage.hpp"
#include "record/event_log.hpp"
#include "record_test_util.hpp"

using namespace ion;
using namespace ion::record;
using namespace ion::record::testing;
using namespace ion::literals;

namespace {

// Just enough of an Env: a manual clock, timers, and files under a fresh test directory.
class FakeEnv final : public Env {
 public:
  explicit FakeEnv(const std::string& dir) : storage_(dir) {}
  Time now() const override { return now_ns_; }
  int64_t wall_now_ns() const override { return 0; }
  TimerId schedule_at(Time t, std::function<void()> fn) override {
    timers_.emplace(std::make_pair(t, ++next_id_), std::move(fn));
    return next_id_;
  }
  bool cancel(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return true;
      }
    }
    return false;
  }
  void defer(std::function<void()> fn) override { fn(); }
  Result<SocketId> open_socket(const SockAddr&, DatagramHandler) override { return error(Errc::unavailable, "no net"); }
  Result<SockAddr> local_address(SocketId) const override { return error(Errc::unavailable, "no net"); }
  Status send_to(SocketId, const SockAddr&, std::span<const uint8_t>) override {
    return error(Errc::unavailable, "no");
  }
  void close_socket(SocketId) override {}
  Rng rng(std::string_view stream) const override { return Rng::stream(1, stream); }
  Storage& storage() override { return storage_; }
  void stop() override { stopped_ = true; }
  bool stopped() const override { return stopped_; }
  const std::string& name() const override { return name_; }

  // Runs every timer due up to t, in time order.
  void advance_to(Time t) {
    while (!timers_.empty() && timers_.begin()->first.first <= t) {
      auto node = timers_.extract(timers_.begin());
      now_ns_ = node.key().first;
      node.mapped()();
    }
    now_ns_ = t;
  }
  size_t pending() const { return timers_.size(); }

 private:
  SimStorage storage_;
  Time now_ns_ = 0;
  TimerId next_id_ = 0;
  std::map<std::pair<Time, TimerId>, std::function<void()>> timers_;
  bool stopped_ = false;
  std::string name_ = "fake";
};

}  // namespace

TEST(PeriodicFlush, EnvTimerFlushesEveryIntervalAndStopsOnClose) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-out/periodic_flush";
  std::filesystem::remove_all(dir);
  FakeEnv env(dir);
  env.advance_to(10_s);
  auto o = open_log(env, "logs/hub.ionlog", LogHeader{kLogVersion, 1, "hub", 3, 0}, {});  // a new log
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_FALSE(o->resumed);
  LogWriter& w = *o->writer;
  w.start_periodic_flush(env);
  const std::string path = dir + "/logs/hub.ionlog";  // relative paths go under the storage's root
  const auto size = [&] { return std::filesystem::file_size(path); };
  const size_t base = size();
  ASSERT_TRUE(w.append(Spike{{1, 1}, 10_s + 1_ms, SpikeKind::spike}).is_ok());
  env.advance_to(10_s + 99_ms);
  EXPECT_EQ(size(), base) << "no flush before 100 ms";
  env.advance_to(10_s + 100_ms);
  EXPECT_GT(size(), base) << "flushed by the 100 ms timer";
  const size_t after = size();
  ASSERT_TRUE(w.append(Spike{{1, 1}, 10_s + 150_ms, SpikeKind::spike}).is_ok());
  env.advance_to(10_s + 200_ms);
  EXPECT_GT(size(), after);
  EXPECT_EQ(env.pending(), 1u);
  ASSERT_TRUE(w.close().is_ok());
  EXPECT_EQ(env.pending(), 0u) << "close cancels the timer";
  auto r = LogReader::open(path);
  ASSERT_TRUE(r.is_ok());
  int n = 0;
  while (r->next()) ++n;
  EXPECT_EQ(n, 3);  // session start + 2 spikes
  EXPECT_EQ(r->header().site_name, "hub");
}
