// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs every site of an experiment in one process on one SimWorld: deterministic for a seed,
// faster than real time, with the experiment's link impairments and per-site clock offsets.
#include <functional>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "env/env.hpp"
#include "env/sim_storage.hpp"
#include "experiment/model.hpp"
#include "node/status.hpp"
#include "record/run_outcome.hpp"
#include "wire/crypto.hpp"
#include "wire/epoch_state.hpp"

namespace ion {
class SimWorld;
}

namespace ion::site {

struct SimRunOptions {
  std::string out_dir;  // site logs go here
  Duration warmup_ns = 3 * kSecond;
  // Called about once per simulated second with (experiment time, each site's status).
  std::function<void(Time, const std::vector<NodeStatus>&)> progress;
  // Forward-only epoch state shared by the simulated sites (not owned). Null: every run of a seed
  // uses the same epochs (and keys), so runs are byte-identical but cannot be told apart on the
  // wire; a store shared by several runs makes each later run's epochs newer, like real sites'
  // key directories do (docs/protocol.md §4.3). Used by the replay tests.
  wire::EpochStore* epochs = nullptr;
  // Tests: every datagram a site's link receives, before any check.
  std::function<void(const std::string& site, const Datagram&)> on_raw;
  // Tests: called once the nodes exist, before the world runs (to add attackers, partitions).
  std::function<void(SimWorld&)> on_world;
  // Tests: called after the run, before the world is destroyed (to close what on_world added).
  std::function<void(SimWorld&)> on_end;
  // Simulate the experiment's [[monitors]] too: each writes its copies to <out_dir>/<monitor>/.
  bool run_monitors = true;
  // Storage failures injected into the world's files (a full disk, an I/O error, a failed sync).
  std::vector<StorageFault> storage_faults;
  // Polled every 100 ms of simulated time: a non-empty reason ("SIGINT") stops every site
  // cleanly there (Node::interrupt) and ends the run as interrupted.
  std::function<std::string()> stop_requested;
};

struct SimRunReport {
  std::vector<std::string> logs;  // one event log per site
  // The simulated monitors' copies: <out_dir>/<monitor>/<site>.ionlog, by monitor then site.
  std::vector<std::string> monitor_logs;
  Time simulated_ns = 0;  // true time the world ran
  uint64_t events = 0;    // world events processed
  uint64_t digest = 0;    // trace digest of the world (same seed → same digest)
  // complete; interrupted (stop_requested); incomplete: a site failed (the others were stopped
  // at once, detail names it), a site's peer never authenticated or stopped answering, or the
  // world did not finish in time. The logs are closed.
  record::RunOutcome outcome;
};

// Errors: a site that could not be created (message names it). How the run ended — including a
// site that ran to its end while a peer never authenticated or stopped answering
// (Node::peer_problems) — is in SimRunReport::outcome.
Result<SimRunReport> run_sim(const experiment::Experiment& e, const SimRunOptions& opt);

// Pre-shared keys derived from the experiment seed and the site pair: for simulations only (the
// same code path authenticates every datagram; the keys are just not secret).
wire::Psk simulation_psk(uint64_t seed, const std::string& a, const std::string& b);

}  // namespace ion::site
