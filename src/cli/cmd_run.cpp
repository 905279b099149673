// SPDX-License-Identifier: Apache-2.0
// `ion run [EXPERIMENT.toml]`: runs a whole experiment on this machine — one `ion node` process
// per site over loopback UDP in real time (default), or every site in one process on SimEnv
// (--sim) — then merges the sites' logs into one HDF5 file with a report. However the run ends
// (complete, interrupted by Ctrl-C / SIGTERM / SIGHUP, or incomplete because a site failed or
// stopped answering), what was recorded is merged, exported and reported, marked accordingly.
// Exit status: 0 complete, 128 + signal when interrupted (130 SIGINT, 143 SIGTERM, 129 SIGHUP),
// 1 incomplete, 2 bad arguments or experiment file.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "cli/arg_checks.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_args.hpp"
#include "cli/live_dashboard.hpp"
#include "cli/run_outputs.hpp"
#include "cli/status_view.hpp"
#include "env/real_env.hpp"
#include "experiment/ports.hpp"
#include "node/launch/interrupts.hpp"
#include "node/launch/run_realtime.hpp"
#include "node/launch/sim_runner.hpp"

namespace ion::cli {
namespace {

using site::interrupt_exit_code;
using site::interrupt_signal;
using site::signal_name;

struct RunArgs {
  ExperimentArgs exp;
  std::string out;
  bool sim = false, realtime = false, quiet = false;
  bool nwb = false;  // also <out>/recording.nwb (cmd_export.cpp)
  std::string warmup = "3s";
  std::optional<long long> base_port;  // --base-port
  DashboardArg dashboard;
};

std::vector<std::string> site_names(const experiment::Experiment& e) {
  std::vector<std::string> names;
  for (const auto& s : e.sites) names.push_back(s.name);
  return names;
}

std::vector<std::string> site_logs(const experiment::Experiment& e, const std::string& out) {
  std::vector<std::string> logs;
  for (const auto& s : e.sites) logs.push_back(out + "/" + s.name + ".ionlog");
  return logs;
}

record::RunOutcome run_simulated(const experiment::Experiment& e, const std::string& out, Duration warmup, bool quiet) {
  site::SimRunOptions o;
  o.out_dir = out;
  o.warmup_ns = warmup;
  StatusView view(stdout, quiet, view_phases(e));
  o.progress = [&](Time t, const std::vector<site::NodeStatus>& sites) { view.update({t, e.duration_ns, sites}); };
  o.stop_requested = [] { return interrupt_signal() ? signal_name(interrupt_signal()) : std::string(); };
  auto r = site::run_sim(e, o);
  if (!r) throw CliError(r.status().message(), 1);
  // Said now: writing the outputs may fail too (the disk that stopped a site may be full).
  if (r->outcome.status != record::RunStatus::complete)
    std::fprintf(stderr, "ion run: %s; every site was stopped, keeping what was recorded\n",
                 record::describe(r->outcome).c_str());
  const bool whole = r->outcome.status == record::RunStatus::complete;
  const std::string part = whole ? "" : format_duration(r->outcome.ended_at_ns.value_or(0)) + " of ";
  std::printf("simulated %s%s of experiment time (%llu events, trace digest %016llx)\n", part.c_str(),
              format_duration(e.duration_ns).c_str(), (unsigned long long)r->events, (unsigned long long)r->digest);
  return r->outcome;
}

// --quiet: standard output (and the sites' processes, which inherit it) goes to /dev/null, so
// only errors (standard error) are printed.
void silence_stdout() {
  std::fflush(stdout);
  const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0 || dup2(null, STDOUT_FILENO) < 0) throw CliError("--quiet: cannot open /dev/null", 1);
  close(null);
}

// The experiment file the sites' processes load: the edited text when --set was given.
std::string realtime_file(const RunArgs& a, const experiment::Experiment& e, const std::string& out) {
  if (a.exp.sets.empty()) return a.exp.file;
  const std::string file = out + "/experiment.toml";
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f << e.source_text;
  f.close();
  if (!f) throw CliError("writing " + file + ": cannot write the file", 1);
  return file;
}

// On a terminal the status block ends with its line, so this starts on a line of its own.
void announce(const record::RunOutcome& o) {
  if (o.status == record::RunStatus::interrupted)
    std::fprintf(stderr, "ion run: interrupted by %s: stopping every site and keeping what was recorded\n",
                 o.detail.c_str());
  else std::fprintf(stderr, "ion run: %s; stopping the other sites and keeping what was recorded\n", o.detail.c_str());
}

record::RunOutcome run_realtime(const RunArgs& a, const experiment::Experiment& e, const std::string& out,
                                Duration warmup, LiveDashboard* dash) {
  site::RealtimeRun run{
      realtime_file(a, e, out), out, a.warmup, a.exp.duration, a.exp.seed, warmup, a.base_port, {}, {}, {}, {}};
  StatusView view(stdout, a.quiet, view_phases(e));
  run.progress = [&](Time t, const std::vector<site::NodeStatus>& sites) { view.update({t, e.duration_ns, sites}); };
  run.on_ending = [&](const record::RunOutcome& o) { announce(o); };
  if (dash) dash->watch(run);
  auto r = site::run_processes(run, e);
  if (!r) throw CliError(r.status().message(), 1);
  return *r;
}

// 0 complete, 1 incomplete, 128 + the signal when interrupted.
int exit_code(const record::RunOutcome& o) {
  if (o.status == record::RunStatus::complete) return 0;
  const int sig = interrupt_signal();
  return o.status == record::RunStatus::interrupted && sig ? interrupt_exit_code(sig) : 1;
}

bool any_exists(const std::vector<std::string>& paths) {
  for (const auto& p : paths)
    if (std::filesystem::exists(p)) return true;
  return false;
}

// Merges, exports and reports what the sites recorded; prints how the run ended.
int finish(const experiment::Experiment& e, const std::string& out, record::RunOutcome o) {
  const auto logs = site_logs(e, out);
  if (!any_exists(logs)) {
    std::fprintf(stderr, "ion run: run %s before any site recorded anything (see %s)\n", record::describe(o).c_str(),
                 out.c_str());
    return exit_code(o);
  }
  o = write_run_outputs(e, out, logs, o);
  std::printf("outputs in %s\n", out.c_str());
  if (o.status != record::RunStatus::complete) {
    std::fflush(stdout);
    std::fprintf(stderr, "ion run: run %s; what was recorded is in %s (marked %s)\n", record::describe(o).c_str(),
                 out.c_str(), record::run_status_name(o.status));
  }
  return exit_code(o);
}

int run(const RunArgs& a) {
  if (a.quiet) silence_stdout();
  site::install_interrupt_handlers();
  site::ignore_sigpipe();
  experiment::Experiment e = load_experiment_args(a.exp);
  if (a.sim && a.realtime) throw CliError("--sim and --realtime exclude each other", 2);
  const bool sim = a.sim || (!a.realtime && e.mode == experiment::Mode::sim);
  if (a.base_port && sim) throw CliError("--base-port chooses real-time ports; a simulated run binds none", 2);
  if (a.base_port) {  // checked before anything is created; a port in use is found when it is bound
    if (auto plan = experiment::base_port_plan(e, *a.base_port); !plan) throw CliError(plan.status().message(), 2);
  }
  if (sim && a.dashboard.wanted())
    throw CliError(
        "--dashboard needs a real-time run: a simulated run is not paced, it ends faster than a page "
        "can follow it (use --realtime, or open report.html after the run)",
        2);
  const Duration warmup = duration_arg("--warmup", a.warmup);
  const std::string out = a.out.empty() ? e.output_dir(timestamp_now()) : a.out;
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw CliError("cannot create output directory " + out + ": " + ec.message(), 1);
  if (!std::filesystem::is_empty(out)) throw CliError("output directory " + out + " is not empty", 2);
  std::printf("ion run: %s (%s, %s, seed %llu) → %s\n", e.name.c_str(), sim ? "simulated time" : "real time",
              format_duration(e.duration_ns).c_str(), (unsigned long long)e.seed, out.c_str());
  std::fflush(stdout);
  const int64_t started_wall_ns = wall_clock_ns();  // session_start_time of a simulated run's NWB file
  record::RunOutcome outcome;
  const auto dash = open_dashboard(a.dashboard, e, out, site_names(e));  // null unless --dashboard (never with --sim)
  outcome = sim ? run_simulated(e, out, warmup, a.quiet) : run_realtime(a, e, out, warmup, dash.get());
  const int rc = finish(e, out, outcome);
  if (a.nwb && any_exists(site_logs(e, out))) write_run_nwb(e, out, site_logs(e, out), started_wall_ns);
  if (dash) dash->finish(outcome);
  return rc;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* c = app.add_subcommand("run", "Run a whole experiment on this machine (built-in three-neuron by default)");
  c->add_option("experiment", a->exp.file, "Experiment file (default: the built-in three-neuron experiment)");
  c->add_flag("--sim", a->sim, "All sites in one process on simulated time (deterministic for a seed)");
  c->add_flag("--realtime", a->realtime, "One process per site over loopback UDP in real time");
  c->add_option("--out", a->out, "Output directory (default: [recording] out, e.g. runs/<name>-<timestamp>)");
  c->add_option("--duration", a->exp.duration, "Scale the experiment (all phases) to this total duration");
  c->add_option("--seed", a->exp.seed, "Override the experiment seed")->check(unsigned_in());
  c->add_option("--warmup", a->warmup, "Time for clock sync before experiment time 0")->capture_default_str();
  c->add_option("--base-port", a->base_port,
                "Real time: the site i of the file without a port gets port N+i (default: free ports)")
      ->check(unsigned_in(1, 65535));
  c->add_option("--set", a->exp.sets,
                "KEY=VALUE: change one value of the experiment, e.g. "
                "synapses.ABsyn.plasticity.ltp_above=25 (repeatable; validated like the file)")
      ->allow_extra_args(false);
  c->add_flag("--quiet", a->quiet, "Print nothing but errors");
  add_dashboard_option(c, a->dashboard);
  c->add_flag("--nwb", a->nwb, "Also write <out>/recording.nwb (NWB 2.7.0; as `ion export nwb`)");
  c->callback([a] {
    if (int rc = run(*a); rc != 0) throw CliError("", rc);
  });
}

}  // namespace ion::cli
