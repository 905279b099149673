// SPDX-License-Identifier: Apache-2.0
// `ion monitor EXPERIMENT.toml --keys DIR [--out DIR] [--monitor NAME] [--dashboard [ADDR:PORT]]`: joins a running
// experiment as one of its declared [[monitors]] — authenticated with its own keys, receive-only
// (every site refuses anything else from it: docs/protocol.md §3.3) — and writes the copies the
// sites send as <out>/<site>.ionlog in the normal log format. It ends by itself once every site
// has been heard and has said goodbye, or on SIGINT/SIGTERM/SIGHUP (a monitor's normal stop):
// either way its logs are flushed and closed, and it exits with 0. With --dashboard it serves the
// live dashboard (docs/dashboard.md) over its own copies, read-only: no Stop.
#include <atomic>
#include <cstdio>
#include <memory>
#include <utility>

#include "cli/commands.hpp"
#include "cli/experiment_args.hpp"
#include "cli/live_dashboard.hpp"
#include "env/real_env.hpp"
#include "node/launch/interrupts.hpp"
#include "node/monitor.hpp"
#include "wire/crypto.hpp"
#include "wire/keyfile.hpp"

namespace ion::cli {
namespace {

std::atomic<RealEnv*> g_env{nullptr};

// Async-signal-safe: RealEnv::stop sets a flag and writes an eventfd.
void stop_env() {
  if (RealEnv* env = g_env.load()) env->stop();
}

struct MonitorArgs {
  ExperimentArgs exp;
  std::string name;  // "" = the experiment's only monitor
  std::string out = ".";
  std::string keys;
  DashboardArg dashboard;
};

std::string monitor_name(const experiment::Experiment& e, const std::string& asked) {
  if (!asked.empty()) {
    if (!e.find_monitor(asked))
      throw CliError("monitor: no [[monitors]] entry named '" + asked + "' in " + e.source_name, 2);
    return asked;
  }
  if (e.monitors.size() == 1) return e.monitors[0].name;
  if (e.monitors.empty())
    throw CliError("monitor: " + e.source_name + " declares no [[monitors]] (add one: docs/experiment.md)", 2);
  throw CliError("monitor: " + e.source_name + " declares several monitors; choose one with --monitor NAME", 2);
}

// Every 200 ms: with a dashboard, rewrites the sites' status files in the out directory (what the
// monitor knows of them, for the page; a failed write is printed once); then stops the Env once
// every site has come and gone.
void watch_sites(RealEnv& env, site::MonitorNode& m, bool statuses) {
  if (statuses) {
    static bool warned = false;
    if (Status w = m.write_site_statuses(); !w && !std::exchange(warned, true))
      std::fprintf(stderr, "ion monitor: warning: %s (the dashboard shows the sites as starting)\n",
                   w.message().c_str());
  }
  env.schedule_after(200 * kMillisecond, [&env, &m, statuses] {
    if (m.sites_gone()) return env.stop();
    watch_sites(env, m, statuses);
  });
}

std::vector<std::string> site_names(const experiment::Experiment& e) {
  std::vector<std::string> v;
  for (const auto& s : e.sites) v.push_back(s.name);
  return v;
}

void report_end(const std::string& name, const site::MonitorCounters& c, int sig) {
  std::fprintf(stderr, "ion monitor: %s %s; %llu records written, %llu undecodable; logs closed\n", name.c_str(),
               sig ? ("stopped by " + site::signal_name(sig)).c_str() : "done (every site has ended)",
               static_cast<unsigned long long>(c.records), static_cast<unsigned long long>(c.undecodable));
}

record::RunOutcome monitor_outcome(int sig) {
  if (sig)
    return record::RunOutcome{record::RunStatus::interrupted, std::nullopt,
                              "monitor stopped by " + site::signal_name(sig)};
  return record::RunOutcome{record::RunStatus::complete, std::nullopt, "every site has ended"};
}

int run_monitor(const MonitorArgs& a) {
  experiment::Experiment e = load_experiment_args(a.exp);
  const std::string name = monitor_name(e, a.name);
  RealEnvOptions eo;
  eo.name = name;
  eo.seed = e.seed;
  RealEnv env(eo);
  g_env = &env;
  struct Unset {
    ~Unset() { g_env = nullptr; }  // also when an error unwinds: no signal may reach a dead Env
  } unset;
  site::install_interrupt_handlers(stop_env);
  site::MonitorOptions mo;
  mo.out_dir = a.out;
  const std::string key_dir = a.keys.empty() ? e.security.key_dir : a.keys;
  mo.aes_ni = wire::aes256gcm_available();
  mo.keys = [key_dir](const std::string& x, const std::string& y) { return wire::load_pair_key(key_dir, x, y); };
  mo.key_dir = key_dir;
  mo.on_warning = [](const std::string& text) { std::fprintf(stderr, "ion monitor: %s\n", text.c_str()); };
  // Read-only: the page has no Stop and the server refuses POST /stop (a monitor never acts on the
  // run). Started before the monitor writes anything, so a bad address leaves no logs behind; it
  // follows the logs once they exist. On an error its destructor ends it.
  const auto dash = open_dashboard(a.dashboard, e, a.out, site_names(e), true);
  auto m = site::MonitorNode::create(e, name, env, mo);
  if (!m) throw CliError(m.status().message(), 1);
  std::fprintf(stderr, "ion monitor: %s listening at %s, writing %s/<site>.ionlog; Ctrl-C to stop\n", name.c_str(),
               e.find_monitor(name)->address.text.c_str(), a.out.c_str());
  watch_sites(env, **m, dash != nullptr);
  Status s = site::interrupt_signal() ? Status::ok() : env.run();
  Status closed = (*m)->close();
  if (dash) {
    // The sites' last states for the page's final view; a failed write loses no recorded data.
    if (Status last = (*m)->write_site_statuses(); !last)
      std::fprintf(stderr, "ion monitor: warning: %s\n", last.message().c_str());
    dash->finish(monitor_outcome(site::interrupt_signal()));
  }
  if (!s) throw CliError("monitor " + name + ": " + s.message(), 1);
  if (!closed) throw CliError("monitor " + name + ": " + closed.message(), 1);
  report_end(name, (*m)->counters(), site::interrupt_signal());
  return 0;
}

}  // namespace

void add_monitor_command(CLI::App& app) {
  auto a = std::make_shared<MonitorArgs>();
  CLI::App* c = app.add_subcommand(
      "monitor", "Join a running experiment as a read-only [[monitors]] peer and record the copies its sites send");
  c->add_option("experiment", a->exp.file, "Experiment file declaring the monitor")->required();
  c->add_option("--monitor", a->name, "Which [[monitors]] entry to be (default: the only one)");
  c->add_option("--keys", a->keys, "Directory of this monitor's key files (default: [security] key_dir)");
  c->add_option("--out", a->out, "Directory for the copies, one <site>.ionlog per site")->capture_default_str();
  c->add_option("--duration", a->exp.duration,
                "The duration the run was scaled to (ion run/node --duration), for the dashboard's time axis");
  add_dashboard_option(c, a->dashboard);
  c->footer(
      "Exit status: 0 when every site has ended or on SIGINT/SIGTERM/SIGHUP (logs closed and intact); "
      "1 failed (message on stderr); 2 usage or experiment error. With --dashboard: a read-only live dashboard over "
      "the copies (docs/dashboard.md).");
  c->callback([a] {
    int rc = run_monitor(*a);
    if (rc != 0) throw CliError("", rc);
  });
}

}  // namespace ion::cli
