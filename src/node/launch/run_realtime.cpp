// SPDX-License-Identifier: Apache-2.0
#include "node/launch/run_realtime.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "experiment/builtin.hpp"
#include "experiment/overrides.hpp"
#include "experiment/ports.hpp"
#include "node/launch/bound_ports.hpp"
#include "node/launch/interrupts.hpp"
#include "node/launch/launcher.hpp"
#include "wire/crypto.hpp"
#include "wire/keyfile.hpp"

namespace ion::site {
namespace {

using record::RunOutcome;
using record::RunStatus;
namespace fs = std::filesystem;

// Fresh pre-shared keys for every site pair of a loopback run, and for every (monitor, site)
// pair (mode 0600, in <out>/keys).
Result<std::string> make_run_keys(const experiment::Experiment& e, const std::string& out) {
  const std::string dir = out + "/keys";
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all);
  for (size_t i = 0; i < e.sites.size(); ++i)
    for (size_t j = i + 1; j < e.sites.size(); ++j) {
      const auto& a = e.sites[i].name;
      const auto& b = e.sites[j].name;
      Status s = wire::write_key_file(fs::path(dir) / wire::key_file_name(a, b), a, b, wire::random_psk(), false);
      if (!s) return s.prefixed("writing keys: ");
    }
  // Each declared monitor's own keys: `ion monitor EXP --keys <out>/keys` joins the run with them.
  for (const auto& m : e.monitors)
    for (const auto& site : e.sites) {
      const std::string path = fs::path(dir) / wire::key_file_name(m.name, site.name);
      Status s = wire::write_key_file(path, m.name, site.name, wire::random_psk(), false);
      if (!s) return s.prefixed("writing keys: ");
    }
  return dir;
}

// socket_fd: the site's socket bound by the runner (inherited by its process), or -1.
std::vector<std::string> node_argv(const RealtimeRun& r, const std::string& file, const std::string& site,
                                   const std::string& keys, int socket_fd) {
  std::vector<std::string> v{self_executable(), "node", file,       "--site", site, "--out", r.out,
                             "--keys",          keys,   "--warmup", r.warmup};
  if (!r.duration.empty()) v.insert(v.end(), {"--duration", r.duration});
  if (r.seed) v.insert(v.end(), {"--seed", std::to_string(*r.seed)});
  if (socket_fd >= 0) v.insert(v.end(), {"--socket-fd", std::to_string(socket_fd)});
  if (!r.status_period.empty()) v.insert(v.end(), {"--status-period", r.status_period});
  return v;
}

std::string status_path(const std::string& out, const Child& c) { return out + "/" + c.name + ".status"; }

std::vector<NodeStatus> read_status(const ProcessGroup& g, const std::string& out) {
  std::vector<NodeStatus> sites;
  for (const auto& c : g.children())
    sites.push_back(read_status_or_starting(real_storage(), status_path(out, c), c.name));
  return sites;
}

// A running site whose status file (rewritten every second by its event loop once the site is
// built) has not changed for `at_least`: its loop is stuck.
const Child* silent_child(const ProcessGroup& g, const std::string& out, Duration at_least) {
  for (const auto& c : g.children()) {
    std::error_code ec;
    const auto written = fs::last_write_time(status_path(out, c), ec);
    if (!c.running || ec) continue;  // not built yet: no status file
    const auto age = fs::file_time_type::clock::now() - written;
    if (std::chrono::duration_cast<std::chrono::nanoseconds>(age).count() >= at_least) return &c;
  }
  return nullptr;
}

std::string failure_of(const Child& c, const std::string& out) {
  std::string why = "site " + c.name + " failed (" + describe_exit(c) + ")";
  const std::string last = last_message(c.output_path);
  return why + (last.empty() ? "; it printed nothing (" + out + "/" + c.name + ".out)" : ": " + last);
}

// Why the run must end now, if it must.
std::optional<RunOutcome> check(ProcessGroup& g, const RealtimeRun& run, Time t, Duration elapsed, Duration limit) {
  if (int sig = interrupt_signal()) return RunOutcome{RunStatus::interrupted, t, signal_name(sig)};
  if (const Child* c = g.poll()) return RunOutcome{RunStatus::incomplete, t, failure_of(*c, run.out)};
  if (const Child* c = g.stopped_for(kStoppedSiteGrace))
    return RunOutcome{RunStatus::incomplete, t - (steady_now() - c->stopped_since_ns),
                      "site " + c->name + " stopped answering: its process (pid " + std::to_string(c->pid) +
                          ") has been stopped for " + format_duration(kStoppedSiteGrace) +
                          " or more (SIGSTOP, SIGTSTP or a debugger)"};
  if (const Child* c = silent_child(g, run.out, kSilentSiteGrace))
    return RunOutcome{RunStatus::incomplete, t,
                      "site " + c->name + " stopped answering: its event loop made no progress for " +
                          format_duration(kSilentSiteGrace) + " (" + run.out + "/" + c->name + ".status unchanged)"};
  if (elapsed > limit)
    return RunOutcome{RunStatus::incomplete, t, "the experiment did not finish within " + format_duration(limit)};
  return std::nullopt;
}

// The file the sites load: the experiment as given, with the ports the runner chose written
// into the addresses that had none (so every site knows every peer's port, and the recorded
// experiment_file note says which ports the run used).
Result<std::string> experiment_file(const RealtimeRun& run, const experiment::Experiment& e,
                                    const experiment::Experiment& resolved) {
  const auto sets = experiment::pinned_address_overrides(e, resolved);
  if (!run.file.empty() && sets.empty()) return run.file;
  const std::string name = run.file.empty() ? std::string(experiment::kBuiltinName) : run.file;
  ION_TRY_ASSIGN(auto edited, experiment::apply_overrides(e.source_text, name, sets));
  const std::string file = run.out + "/experiment.toml";
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f << edited.text;
  f.close();
  if (!f) return error(Errc::io_error, "writing " + file + ": cannot write the file");
  return file;
}

Duration since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Result<RunOutcome> run_processes(const RealtimeRun& run, const experiment::Experiment& e) {
  experiment::Experiment resolved = e;
  ION_TRY_ASSIGN(BoundPorts ports, bind_auto_ports(resolved, run.base_port));
  ION_TRY_ASSIGN(const std::string file, experiment_file(run, e, resolved));
  ION_TRY_ASSIGN(auto keys, make_run_keys(e, run.out));
  ProcessGroup group;
  for (const auto& s : e.sites) {
    const int fd = ports.fd(s.id);
    Status st = group.spawn(s.name, node_argv(run, file, s.name, keys, fd), run.out + "/" + s.name + ".out", fd);
    if (!st) return st;
    if (run.on_spawn) run.on_spawn(s.name, group.children().back().pid);
  }
  // Each site's process holds its socket now. The runner restarts no site (a failed site ends the
  // run, docs/reliability.md), so it keeps no copy: a port is free again when its site exits.
  ports.close_all();
  const auto start = std::chrono::steady_clock::now();
  const Duration limit = run.warmup_ns + e.duration_ns + 60 * kSecond;
  for (int ticks = 1;; ++ticks) {
    const Duration elapsed = since(start);
    const Time t = std::min<Time>(elapsed - run.warmup_ns, e.duration_ns);
    if (auto ended = check(group, run, t, elapsed, limit)) {
      if (run.on_ending) run.on_ending(*ended);
      group.terminate_all(kStopGrace);
      return *ended;
    }
    if (!group.any_running()) break;
    if (ticks % 5 == 0 && run.progress) run.progress(t, read_status(group, run.out));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return RunOutcome{RunStatus::complete, e.duration_ns, ""};
}

}  // namespace ion::site
