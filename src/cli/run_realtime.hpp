// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion run` in real time: one `ion node` process per site over loopback UDP, supervised until
// every site is done — or until the run is interrupted (SIGINT to the group or to the runner,
// SIGTERM, SIGHUP), a site fails (non-zero exit, killed), or a site stops answering (its process
// stopped, or no progress in its status file). In every case the other sites are stopped cleanly
// (they close their logs with a final note) and the outcome says which site and why.
#include <optional>
#include <string>

#include "experiment/model.hpp"
#include "record/run_outcome.hpp"

namespace ion::cli {

struct RealtimeRun {
  std::string file;      // experiment file the nodes load ("" = the built-in, written to <out>)
  std::string out;       // output directory (logs, keys, node output)
  std::string warmup;    // as given on the command line
  std::string duration;  // "" or --duration, passed on to the nodes
  std::optional<uint64_t> seed;
  Duration warmup_ns = 0;
  bool quiet = false;
};

// A site whose process has been stopped this long is declared not answering.
inline constexpr Duration kStoppedSiteGrace = kSecond;
// A site whose status file (rewritten every second by its event loop) has not changed for this
// long is declared not answering (its loop is stuck).
inline constexpr Duration kSilentSiteGrace = 10 * kSecond;
// How long a site gets to close its log after SIGTERM before SIGKILL.
inline constexpr Duration kStopGrace = 10 * kSecond;

// Runs every site; returns how the run ended (ended_at_ns: the runner's estimate of experiment
// time, refined from the logs by write_run_outputs).
record::RunOutcome run_processes(const RealtimeRun& run, const experiment::Experiment& e);

}  // namespace ion::cli
