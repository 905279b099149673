// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs every site of an experiment in one process on one SimWorld: deterministic for a seed,
// faster than real time, with the experiment's link impairments and per-site clock offsets.
#include <functional>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "experiment/model.hpp"
#include "wire/crypto.hpp"

namespace ion::site {

struct SimRunOptions {
  std::string out_dir;              // site logs go here
  Duration warmup = 3 * kSecond;
  // Called about once per simulated second with (experiment time, per-site status lines).
  std::function<void(Time, const std::vector<std::string>&)> progress;
};

struct SimRunReport {
  std::vector<std::string> logs;    // one event log per site
  Time simulated_ns = 0;            // true time the world ran
  uint64_t events = 0;              // world events processed
  uint64_t digest = 0;              // trace digest of the world (same seed → same digest)
};

// Errors: a site that failed (message names it), or a world that did not finish in time.
Result<SimRunReport> run_sim(const experiment::Experiment& e, const SimRunOptions& opt);

// Pre-shared keys derived from the experiment seed and the site pair: for simulations only (the
// same code path authenticates every datagram; the keys are just not secret).
wire::Psk simulation_psk(uint64_t seed, const std::string& a, const std::string& b);

}  // namespace ion::site
