// SPDX-License-Identifier: Apache-2.0
#include "dashboard/dashboard.hpp"

#include "report/report_html.hpp"

namespace ion::dashboard {
namespace {

using Clock = std::chrono::steady_clock;

// What the page needs to know about itself: whether it may offer Stop, and the token it sends.
Json page_config(const DashboardOptions& o, const std::string& token) {
  return Json{{"title", o.title}, {"stop_allowed", o.stop_allowed}, {"token", o.stop_allowed ? token : ""}};
}

}  // namespace

Dashboard::Dashboard(const DashboardOptions& o, std::unique_ptr<LiveSource> source)
    : o_(o), token_(random_token()), source_(std::move(source)) {}

Result<std::unique_ptr<Dashboard>> Dashboard::start(const DashboardOptions& o, std::unique_ptr<LiveSource> source,
                                                    std::function<void()> on_stop) {
  ION_TRY_ASSIGN(Endpoint at, parse_endpoint(o.address));
  std::unique_ptr<Dashboard> d(new Dashboard(o, std::move(source)));
  ServerOptions so{at, d->token_, o.stop_allowed, report::dashboard_page(page_config(o, d->token_), o.title)};
  ION_TRY_ASSIGN(d->server_, Server::start(std::move(so), d->events_, std::move(on_stop)));
  d->poller_ = std::thread([p = d.get()] { p->loop(); });
  return d;
}

Dashboard::~Dashboard() { finish(record::RunOutcome{record::RunStatus::incomplete, std::nullopt, "ended"}); }

void Dashboard::with_source(const std::function<void(LiveSource&)>& f) {
  std::lock_guard<std::mutex> lock(mu_);
  f(*source_);
}

void Dashboard::set_state(const std::string& state) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_ = state;
    state_changed_ = true;
  }
  wake_.notify_all();
}

std::string Dashboard::status_json(const LiveSnapshot& s) const {
  Json j{{"state", state_},
         {"sites", s.sites},
         {"alarms", s.alarms},
         {"records", s.records},
         {"problem", s.problem},
         {"dropped_snapshots", events_.dropped()},
         {"clients", events_.clients()},
         {"stop_allowed", o_.stop_allowed}};
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// One poll under the lock: the model when due (or forced), the status when due or changed.
void Dashboard::tick(bool force_model) {
  const auto now = Clock::now();
  const bool want_model = force_model || now >= next_model_;
  LiveSnapshot s = source_->poll(want_model);
  if (s.model) {
    const auto took = Clock::now() - now;
    next_model_ = Clock::now() + std::max<Clock::duration>(kMinModelPeriod, 4 * took);
    events_.publish_model(s.model->dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  const bool alarm = s.alarms.size() != last_.alarms.size();
  if (force_model || alarm || state_changed_ || now >= next_status_) {
    events_.publish_status(status_json(s));
    next_status_ = now + kStatusPeriod;
    state_changed_ = false;
  }
  last_ = std::move(s);
}

void Dashboard::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!quit_) {
    tick(false);
    wake_.wait_for(lock, kPollPeriod, [&] { return quit_ || state_changed_; });
  }
}

void Dashboard::finish(const record::RunOutcome& o, std::chrono::milliseconds linger) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = quit_ = true;
  }
  wake_.notify_all();
  if (poller_.joinable()) poller_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_ = std::string("ended: ") + record::describe(o);
    tick(true);
    Json ended{{"outcome", record::run_status_name(o.status)},
               {"detail", record::describe(o)},
               {"alarms", last_.alarms},
               {"dropped_snapshots", events_.dropped()}};
    events_.publish_ended(ended.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  events_.wait_all_left(linger);
  server_->stop();
}

}  // namespace ion::dashboard
