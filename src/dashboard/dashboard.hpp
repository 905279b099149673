// SPDX-License-Identifier: Apache-2.0
#pragma once
// A live dashboard for a run or a node (docs/dashboard.md): a LiveSource polled by one thread,
// its snapshots handed to the HTTP server's event streams. The report model is recomputed every
// max(250 ms, 4 × the last computation's time), so a large recording slows the page, not the run;
// the status of the sites is sent every 200 ms, and at once when an alarm or the state changes.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dashboard/live_source.hpp"
#include "dashboard/server.hpp"
#include "record/run_outcome.hpp"

namespace ion::dashboard {

struct DashboardOptions {
  std::string address;       // --dashboard's value ("" = 127.0.0.1, a free port)
  bool stop_allowed = true;  // a Stop button (POST /stop) that calls on_stop
  std::string title = "ion dashboard";
};

inline constexpr auto kPollPeriod = std::chrono::milliseconds(50);
inline constexpr auto kStatusPeriod = std::chrono::milliseconds(200);
inline constexpr auto kMinModelPeriod = std::chrono::milliseconds(250);

class Dashboard {
 public:
  // Errors: a bad address (invalid_argument), the address cannot be bound (unavailable).
  static Result<std::unique_ptr<Dashboard>> start(const DashboardOptions& o, std::unique_ptr<LiveSource> source,
                                                  std::function<void()> on_stop);
  ~Dashboard();

  std::string url() const { return server_->url(); }
  const std::string& token() const { return token_; }
  bool viewing_needs_token() const { return server_->viewing_needs_token(); }
  uint64_t dropped_snapshots() const { return events_.dropped(); }

  // Runs f on the source under the dashboard's lock (e.g. LogTailSource::set_pid).
  void with_source(const std::function<void(LiveSource&)>& f);
  // "running", "stopping: <why>", ...: shown on the page at once.
  void set_state(const std::string& state);
  // The run is over: a last poll and model, then `ended`; waits up to `linger` for the pages to
  // receive it, then stops the server. Idempotent.
  void finish(const record::RunOutcome& o, std::chrono::milliseconds linger = std::chrono::milliseconds(1500));

 private:
  Dashboard(const DashboardOptions& o, std::unique_ptr<LiveSource> source);
  void loop();
  void tick(bool force_model);
  std::string status_json(const LiveSnapshot& s) const;

  DashboardOptions o_;
  std::string token_;
  Broadcast events_;
  std::unique_ptr<Server> server_;
  std::mutex mu_;
  std::unique_ptr<LiveSource> source_;
  std::string state_ = "starting";
  LiveSnapshot last_;
  std::chrono::steady_clock::time_point next_model_{}, next_status_{};
  bool state_changed_ = true, finished_ = false, quit_ = false;
  std::condition_variable wake_;
  std::thread poller_;
};

}  // namespace ion::dashboard
