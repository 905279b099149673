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
}

LiveDashboard::LiveDashboard(const DashboardArg& arg, const experiment::Experiment& e, const std::string& out,
                             std::vector<std::string> sites) {
  dashboard::DashboardOptions o;
  o.address = arg.address;
  o.title = "ion dashboard: " + e.name;
  auto source = std::make_unique<dashboard::LogTailSource>(e, out, std::move(sites));
  // The Stop button takes the Ctrl-C path: the run stops every site cleanly and keeps the recording.
  auto d = dashboard::Dashboard::start(o, std::move(source), [] { site::request_interrupt(SIGINT); });
  if (!d) throw CliError(d.status().message(), d.status().code() == Errc::invalid_argument ? 2 : 1);
  d_ = std::move(*d);
  std::printf("dashboard: %s\n", d_->url().c_str());
  if (d_->viewing_needs_token()) std::printf("dashboard token (needed to view and to stop): %s\n", d_->token().c_str());
  std::fflush(stdout);
}

std::unique_ptr<LiveDashboard> open_dashboard(const DashboardArg& arg, const experiment::Experiment& e,
                                              const std::string& out, std::vector<std::string> sites) {
  if (!arg.wanted()) return nullptr;
  auto d = std::make_unique<LiveDashboard>(arg, e, out, std::move(sites));
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
