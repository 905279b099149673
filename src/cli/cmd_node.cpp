// SPDX-License-Identifier: Apache-2.0
// `ion node --site NAME EXPERIMENT.toml`: runs one site of an experiment in real time on this
// machine (the form used across labs; `ion run` launches one of these per site on loopback).
// SIGINT, SIGTERM and SIGHUP stop the site cleanly (Node::interrupt: final statistics and note,
// log closed) and exit with 128 + the signal: 130, 143, 129.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/arg_checks.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/experiment_args.hpp"
#include "cli/live_dashboard.hpp"
#include "env/real_env.hpp"
#include "node/launch/interrupts.hpp"
#include "node/node.hpp"
#include "node/routing.hpp"
#include "wire/epoch_state.hpp"
#include "wire/keyfile.hpp"

namespace ion::cli {
namespace {

using site::interrupt_exit_code;
using site::interrupt_signal;
using site::signal_name;

std::atomic<RealEnv*> g_env{nullptr};
// Async-signal-safe: RealEnv::stop sets a flag and writes an eventfd.
void stop_env() {
  if (RealEnv* env = g_env.load()) env->stop();
}

struct NodeArgs {
  ExperimentArgs exp;
  std::string site;
  std::string out = ".";
  std::string keys;
  std::string warmup = "3s";
  std::string sync_timeout = "15s";
  bool resume = false;
  int socket_fd = -1;  // --socket-fd: this site's socket, bound by `ion run`
  DashboardArg dashboard;
  std::string status_period;  // "" = 1 s, or kDashboardStatusPeriod with --dashboard
};

// Only `ion run`, which starts every site, can choose ports (docs/experiment.md): a site run on
// its own needs its own port and each peer's written in the file.
void require_pinned_ports(const experiment::Experiment& e, const std::string& name) {
  const experiment::Site* self = e.find_site(name);
  if (!self) return;  // Node::create names the unknown site
  std::vector<SiteId> sites = site::compute_routing(e, self->id).peers;
  sites.insert(sites.begin(), self->id);
  for (SiteId id : sites) {
    const experiment::Site& s = e.sites[id];
    if (s.address.port != 0) continue;
    throw CliError("sites." + s.name + ".address = \"" + s.address.text + "\" has no port" +
                       (id == self->id ? "" : " (site " + s.name + " is a peer of " + name + ")") +
                       ": only `ion run` can choose ports; for `ion node` write the port, e.g. \"" + s.address.text +
                       ":7201\"",
                   2);
  }
}

// Writes the site's status (node/status.hpp) to `path` now; a failure is printed once, since a
// status is ephemeral and the run goes on without it.
void write_status(site::Node& node, const std::string& path) {
  static bool warned = false;
  site::NodeStatus s = node.status();
  s.pid = getpid();
  Status w = site::write_status_file(real_storage(), path, s);
  if (!w && !warned) std::fprintf(stderr, "ion node: site %s: %s\n", s.site.c_str(), w.message().c_str());
  warned = warned || !w;
}

// Writes <out>/<site>.status every `period` (read by `ion run`, which also takes an unchanged file
// as a stuck event loop). The returned writer reschedules itself through a weak reference: it
// lives as long as the caller keeps it (a self-reference would be a cycle that never frees).
std::shared_ptr<std::function<void()>> start_status_file(RealEnv& env, site::Node& node, const std::string& path,
                                                         Duration period = kSecond) {
  auto write = std::make_shared<std::function<void()>>();
  *write = [&env, &node, path, period, weak = std::weak_ptr<std::function<void()>>(write)] {
    write_status(node, path);
    env.schedule_after(period, [weak] {
      if (auto w = weak.lock()) (*w)();
    });
  };
  (*write)();
  return write;
}

Duration status_period(const NodeArgs& a) {
  if (!a.status_period.empty()) return duration_arg("--status-period", a.status_period, kMillisecond);
  return a.dashboard.wanted() ? duration_arg("--status-period", kDashboardStatusPeriod) : kSecond;
}

// The node's options from the command line. `epochs` receives the epoch store the options point
// to (the caller keeps it alive for the node's lifetime).
site::NodeOptions node_options(const NodeArgs& a, const experiment::Experiment& e, Duration warmup,
                               std::unique_ptr<wire::DirEpochStore>& epochs) {
  site::NodeOptions no;
  no.out_dir = a.out;
  no.resume = a.resume;
  no.warmup_ns = warmup;
  no.sync_timeout_ns = duration_arg("--sync-timeout", a.sync_timeout, 1);
  no.aes_ni = wire::aes256gcm_available();
  const std::string key_dir = a.keys.empty() ? e.security.key_dir : a.keys;
  no.keys = [key_dir](const std::string& x, const std::string& y) { return wire::load_pair_key(key_dir, x, y); };
  no.key_dir = key_dir;
  // The forward-only epoch state lives beside the keys (docs/protocol.md §4.1). Without a key
  // directory there is no key to protect (insecure links), and a missing key fails on its own.
  std::error_code ec;
  if (std::filesystem::is_directory(key_dir, ec)) epochs = std::make_unique<wire::DirEpochStore>(key_dir);
  no.epochs = epochs.get();
  no.on_warning = [site = a.site](const std::string& text) {
    std::fprintf(stderr, "ion node: site %s: %s\n", site.c_str(), text.c_str());
  };
  return no;
}

int run_node(const NodeArgs& a) {
  experiment::Experiment e = load_experiment_args(a.exp);
  const Duration warmup = duration_arg("--warmup", a.warmup);
  RealEnvOptions eo;
  eo.name = a.site;
  eo.seed = e.seed;
  RealEnv env(eo);
  require_pinned_ports(e, a.site);
  if (a.socket_fd >= 0) {
    if (Status adopted = env.adopt_socket(a.socket_fd); !adopted)
      throw CliError("--socket-fd: " + adopted.message(), 2);
  }
  // Before the node is built (a culture calibrates for seconds): a signal meanwhile stops the
  // Env, and the node is interrupted as soon as it exists.
  g_env = &env;
  struct Unset {
    ~Unset() { g_env = nullptr; }  // also when an error unwinds: no signal may reach a dead Env
  } unset;
  site::install_interrupt_handlers(stop_env);
  std::unique_ptr<wire::DirEpochStore> epochs;
  site::NodeOptions no = node_options(a, e, warmup, epochs);
  no.make_waker = [&env](std::function<void()> on_wake) { return env.make_waker(std::move(on_wake)); };
  auto node = site::Node::create(e, a.site, env, no);
  if (!node) throw CliError(node.status().message(), 1);
  const std::string status = a.out + "/" + a.site + ".status";
  const auto status_writer = start_status_file(env, **node, status, status_period(a));
  const auto dash = open_dashboard(a.dashboard, e, a.out, {a.site});  // on an error its destructor ends it
  Status s = interrupt_signal() ? Status::ok() : env.run();
  if (int sig = interrupt_signal(); sig && !(*node)->ended()) {
    (*node)->interrupt(signal_name(sig));
    if (dash) dash->finish({record::RunStatus::interrupted, (*node)->experiment_now(), signal_name(sig)});
    if ((*node)->state() == site::NodeState::failed) throw CliError((*node)->failure().message(), 1);  // its log
    write_status(**node, status);
    const std::string when = (*node)->link().synced()
                                 ? "at experiment time " + format_duration((*node)->experiment_now())
                                 : "before clock synchronisation";
    std::fprintf(stderr, "ion node: site %s interrupted by %s %s; its log is closed and intact\n", a.site.c_str(),
                 signal_name(sig).c_str(), when.c_str());
    return interrupt_exit_code(sig);
  }
  if (!s) throw CliError("site " + a.site + ": " + s.message(), 1);
  if ((*node)->state() == site::NodeState::failed) throw CliError((*node)->failure().message(), 1);
  // Each problem was printed as a warning when the run ended; the exit status says it again.
  // The site ran to its end, but a required peer never authenticated or stopped answering: its
  // recording is complete for this site and incomplete for the experiment (docs/reliability.md).
  if (dash) dash->finish({record::RunStatus::complete, (*node)->experiment_now(), ""});
  if (!(*node)->peer_problems().empty()) return exit_code::kNodePeerProblem;
  return 0;
}

}  // namespace

void add_node_command(CLI::App& app) {
  auto a = std::make_shared<NodeArgs>();
  CLI::App* c = app.add_subcommand("node", "Run one site of an experiment in real time (one per lab machine)");
  c->add_option("experiment", a->exp.file, "Experiment file (default: the built-in three-neuron experiment)");
  c->add_option("--site", a->site, "Name of the site to run")->required();
  c->add_option("--out", a->out, "Directory for this site's event log and device state")->capture_default_str();
  c->add_option("--keys", a->keys, "Directory of pre-shared key files (default: [security] key_dir)");
  c->add_option("--duration", a->exp.duration, "Scale the experiment to this total duration");
  c->add_option("--seed", a->exp.seed, "Override the experiment seed")->check(unsigned_in());
  c->add_option("--set", a->exp.sets, "KEY=VALUE: change one value of the experiment (repeatable)")
      ->allow_extra_args(false);
  c->add_option("--warmup", a->warmup, "Time for clock sync before experiment time 0")->capture_default_str();
  c->add_option("--sync-timeout", a->sync_timeout, "Give up if the time master has not answered by then")
      ->capture_default_str();
  c->add_flag("--resume", a->resume, "Continue this site's log and device state after a crash");
  // Set by `ion run` only: a UDP socket it bound for this site (whose port it chose), inherited.
  c->add_option("--socket-fd", a->socket_fd, "")->group("")->check(CLI::NonNegativeNumber);
  c->add_option("--status-period", a->status_period,
                "How often <out>/<site>.status is rewritten (default 1s; 200ms with --dashboard)");
  add_dashboard_option(c, a->dashboard);
  c->footer(
      "Exit status: 0 done; 1 failed (message on stderr); 3 ran to the end, but a peer never "
      "authenticated or stopped answering (named on stderr); 128 + the signal when stopped cleanly by "
      "SIGINT (130), SIGTERM (143) or SIGHUP (129).");
  c->callback([a] {
    int rc = run_node(*a);
    if (rc != 0) throw CliError("", rc);
  });
}

}  // namespace ion::cli
