// SPDX-License-Identifier: Apache-2.0
// The writer driven by an Env: periodic flushes on the Env's clock, files opened through the Env.
#include <gtest/gtest.h>

#include <map>

#include "record/event_log.hpp"
#include "record_test_util.hpp"

using namespace ion;
using namespace ion::record;
using namespace ion::record::testing;
using namespace ion::literals;

namespace {

// Just enough of an Env: a manual clock, timers, and in-memory output files.
class FakeEnv final : public Env {
 public:
  Time now() const override { return now_; }
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
  Status send_to(SocketId, const SockAddr&, std::span<const uint8_t>) override { return error(Errc::unavailable, "no"); }
  void close_socket(SocketId) override {}
  Rng rng(std::string_view stream) const override { return Rng::stream(1, stream); }
  Result<std::unique_ptr<OutputFile>> open_output(const std::string& path) override {
    auto& bytes = files[path];
    if (!bytes) bytes = std::make_shared<std::vector<uint8_t>>();
    return std::unique_ptr<OutputFile>(new MemoryFile(bytes));
  }
  void stop() override { stopped_ = true; }
  bool stopped() const override { return stopped_; }
  const std::string& name() const override { return name_; }

  // Runs every timer due up to t, in time order.
  void advance_to(Time t) {
    while (!timers_.empty() && timers_.begin()->first.first <= t) {
      auto node = timers_.extract(timers_.begin());
      now_ = node.key().first;
      node.mapped()();
    }
    now_ = t;
  }
  size_t pending() const { return timers_.size(); }

  std::map<std::string, std::shared_ptr<std::vector<uint8_t>>> files;

 private:
  Time now_ = 0;
  TimerId next_id_ = 0;
  std::map<std::pair<Time, TimerId>, std::function<void()>> timers_;
  bool stopped_ = false;
  std::string name_ = "fake";
};

}  // namespace

TEST(PeriodicFlush, EnvTimerFlushesEveryIntervalAndStopsOnClose) {
  FakeEnv env;
  env.advance_to(10_s);
  const std::string path = "/nonexistent-ion-dir/hub.ionlog";  // not on disk: a new log
  auto o = open_log(env, path, LogHeader{kLogVersion, 1, "hub", 3, 0}, {});
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_FALSE(o->resumed);
  LogWriter& w = *o->writer;
  w.start_periodic_flush(env);
  auto& bytes = *env.files.at(path);
  const size_t base = bytes.size();
  ASSERT_TRUE(w.append(Spike{{1, 1}, 10_s + 1_ms, SpikeKind::spike}).is_ok());
  env.advance_to(10_s + 99_ms);
  EXPECT_EQ(bytes.size(), base) << "no flush before 100 ms";
  env.advance_to(10_s + 100_ms);
  EXPECT_GT(bytes.size(), base) << "flushed by the 100 ms timer";
  const size_t after = bytes.size();
  ASSERT_TRUE(w.append(Spike{{1, 1}, 10_s + 150_ms, SpikeKind::spike}).is_ok());
  env.advance_to(10_s + 200_ms);
  EXPECT_GT(bytes.size(), after);
  EXPECT_EQ(env.pending(), 1u);
  ASSERT_TRUE(w.close().is_ok());
  EXPECT_EQ(env.pending(), 0u) << "close cancels the timer";
  auto r = LogReader::from_bytes(bytes);
  ASSERT_TRUE(r.is_ok());
  int n = 0;
  while (r->next()) ++n;
  EXPECT_EQ(n, 3);  // session start + 2 spikes
  const auto first = LogReader::from_bytes(bytes);
  EXPECT_EQ(first->header().site_name, "hub");
}
