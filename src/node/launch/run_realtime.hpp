// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion run` in real time: one `ion node` process per site over loopback UDP, supervised until
// every site is done — or until the run is interrupted (SIGINT to the group or to the runner,
// SIGTERM, SIGHUP), a site fails (non-zero exit, killed), or a site stops answering (its process
// stopped, or no progress in its status file). In every case the other sites are stopped cleanly
// (they close their logs with a final note) and the outcome says which site and why.
// Printing is the caller's: progress lines and the reason a run ends come through callbacks.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "experiment/model.hpp"
#include "node/status.hpp"
#include "record/run_outcome.hpp"

namespace ion::site {

struct RealtimeRun {
  std::string file;      // experiment file the nodes load ("" = the built-in, written to <out>)
  std::string out;       // output directory (logs, keys, node output)
  std::string warmup;    // as given on the command line
  std::string duration;  // "" or --duration, passed on to the nodes
  std::optional<uint64_t> seed;
  Duration warmup_ns = 0;
  // --base-port: auto site i gets base_port + i; unset: the kernel chooses free ports. Either way
  // the runner binds them and hands each site its socket (bound_ports.hpp).
  std::optional<long long> base_port;
  // Called about once a second with (experiment time, per-site status lines).
  std::function<void(Time, const std::vector<NodeStatus>&)> progress;
  // Called once when the run must end early (interrupted or incomplete), before the sites are
  // stopped (which may take up to kStopGrace).
  std::function<void(const record::RunOutcome&)> on_ending;
  // Called once per site when its process was started (the live dashboard watches the pids).
  std::function<void(const std::string& site, int pid)> on_spawn;
  // How often each node rewrites its status file ("" = the node's default, 1 s; a dashboard: 200ms).
  std::string status_period;
};

// A site whose process has been stopped this long is declared not answering.
inline constexpr Duration kStoppedSiteGrace = kSecond;
// A site whose status file (rewritten every second by its event loop) has not changed for this
// long is declared not answering (its loop is stuck).
inline constexpr Duration kSilentSiteGrace = 10 * kSecond;
// How long a site gets to close its log after SIGTERM before SIGKILL.
inline constexpr Duration kStopGrace = 10 * kSecond;

// Runs every site; returns how the run ended (ended_at_ns: the runner's estimate of experiment
// time, to be refined from the logs' stop notes). Errors: a port could not be bound (--base-port
// taken or out of range), the keys or a site's process could not be created (nothing ran).
Result<record::RunOutcome> run_processes(const RealtimeRun& run, const experiment::Experiment& e);

}  // namespace ion::site
