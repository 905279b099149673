// SPDX-License-Identifier: Apache-2.0
#pragma once
// `--dashboard [ADDR:PORT]` of `ion run` (real time) and `ion node`: starts the live dashboard
// (src/dashboard/, docs/dashboard.md) over the run's output directory, prints its address, and
// ends it when the run has ended (its last snapshot says how).
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "dashboard/dashboard.hpp"
#include "node/launch/run_realtime.hpp"

namespace ion::cli {

// With a dashboard, nodes rewrite their status file this often (else every second).
inline constexpr const char* kDashboardStatusPeriod = "200ms";

struct DashboardArg {
  CLI::Option* option = nullptr;       // set when the option was given (with or without a value)
  CLI::Option* port_option = nullptr;  // --dashboard-port N: 127.0.0.1:N
  std::string address;
  int port = 0;
  bool wanted() const { return (option && option->count() > 0) || (port_option && port_option->count() > 0); }
  // The address to serve at ("" = 127.0.0.1 and a free port). Throws CliError (2) when both
  // --dashboard ADDR:PORT and --dashboard-port are given.
  std::string endpoint() const;
};

// --dashboard [ADDR:PORT] and --dashboard-port N.
void add_dashboard_option(CLI::App* c, DashboardArg& d);

class LiveDashboard {
 public:
  // Starts the dashboard over <out>/<site>.ionlog and .status of `sites`; prints its URL (and,
  // off loopback, its token). A read-only one (the monitor's) offers no Stop and its server
  // refuses POST /stop. Throws CliError: a bad address (2), cannot listen (1).
  LiveDashboard(const DashboardArg& arg, const experiment::Experiment& e, const std::string& out,
                std::vector<std::string> sites, bool read_only = false);
  // Gives the dashboard the sites' processes (a killed one shows "<site> down") and the moment the
  // run starts ending (afterwards sites stop on purpose and are not reported down).
  void watch(site::RealtimeRun& run);
  void running() { d_->set_state("running"); }
  void finish(const record::RunOutcome& o) { d_->finish(o); }

 private:
  std::unique_ptr<dashboard::Dashboard> d_;
};

// The dashboard when --dashboard was given (started and "running"), else nullptr.
std::unique_ptr<LiveDashboard> open_dashboard(const DashboardArg& arg, const experiment::Experiment& e,
                                              const std::string& out, std::vector<std::string> sites,
                                              bool read_only = false);

}  // namespace ion::cli
