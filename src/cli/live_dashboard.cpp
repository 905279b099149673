// SPDX-License-Identifier: Apache-2.0
#include "cli/live_dashboard.hpp"

#include <csignal>
#include <cstdio>

#include "cli/commands.hpp"
#include "node/launch/interrupts.hpp"

namespace ion::cli {

void add_dashboard_option(CLI::App* c, DashboardArg& d) {
  d.option = c->add_option("--dashboard", d.address,
                           "Serve a live dashboard at ADDR:PORT (default 127.0.0.1 and a free port; the address "
                           "is printed; off loopback it needs the printed token)")
                 ->expected(0, 1);
  d.port_option = c->add_option("--dashboard-port", d.port,
                                "Serve the live dashboard at 127.0.0.1:N (same as --dashboard 127.0.0.1:N)")
                      ->check(CLI::Range(1, 65535));
}

std::string DashboardArg::endpoint() const {
  if (!port_option || port_option->count() == 0) return address;
  if (!address.empty())
    throw CliError("--dashboard " + address + " and --dashboard-port " + std::to_string(port) +
                       ": give the port in one of them, not both",
                   2);
  return "127.0.0.1:" + std::to_string(port);
}

LiveDashboard::LiveDashboard(const DashboardArg& arg, const experiment::Experiment& e, const std::string& out,
                             std::vector<std::string> sites, bool read_only) {
  dashboard::DashboardOptions o;
  o.address = arg.endpoint();
  o.title = (read_only ? "ion monitor: " : "ion dashboard: ") + e.name;
  o.stop_allowed = !read_only;
  auto source = std::make_unique<dashboard::LogTailSource>(e, out, std::move(sites));
  // The Stop button takes the Ctrl-C path: the run stops every site cleanly and keeps the recording.
  std::function<void()> on_stop;
  if (!read_only) on_stop = [] { site::request_interrupt(SIGINT); };
  auto d = dashboard::Dashboard::start(o, std::move(source), std::move(on_stop));
  if (!d) throw CliError(d.status().message(), d.status().code() == Errc::invalid_argument ? 2 : 1);
  d_ = std::move(*d);
  std::printf("dashboard: %s\n", d_->url().c_str());
  if (d_->viewing_needs_token()) std::printf("dashboard token (needed to view and to stop): %s\n", d_->token().c_str());
  std::fflush(stdout);
}

std::unique_ptr<LiveDashboard> open_dashboard(const DashboardArg& arg, const experiment::Experiment& e,
                                              const std::string& out, std::vector<std::string> sites, bool read_only) {
  if (!arg.wanted()) return nullptr;
  auto d = std::make_unique<LiveDashboard>(arg, e, out, std::move(sites), read_only);
  d->running();
  return d;
}

void LiveDashboard::watch(site::RealtimeRun& run) {
  run.status_period = kDashboardStatusPeriod;
  run.on_spawn = [this](const std::string& site, int pid) {
    d_->with_source([&](dashboard::LiveSource& s) { static_cast<dashboard::LogTailSource&>(s).set_pid(site, pid); });
  };
  auto announce = run.on_ending;
  run.on_ending = [this, announce](const record::RunOutcome& o) {
    // A last look first, so the site whose death ends the run is reported down; then the other
    // sites are stopped on purpose.
    d_->with_source([](dashboard::LiveSource& s) {
      s.poll(false);
      static_cast<dashboard::LogTailSource&>(s).stop_watching_processes();
    });
    d_->set_state("stopping: " + record::describe(o));
    if (announce) announce(o);
  };
}

}  // namespace ion::cli
