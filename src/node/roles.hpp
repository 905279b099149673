// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one place that maps a site's role to its implementation.
#include <memory>
#include <string>
#include <vector>

#include "env/loop_waker.hpp"
#include "env/storage.hpp"
#include "experiment/model.hpp"
#include "record/records.hpp"
#include "site/role.hpp"

namespace ion::site {

struct RoleOptions {
  std::string state_dir;  // persistent device state (hub crossbar)
  bool resume = false;
  Storage* storage = nullptr;  // where that state lives (the node's Env storage); null: real_storage()
  std::string log_path;        // the site's event log when this session continues it (resume), else ""
  // The node loop's wakers (real time). Empty in simulation: a hub with threads = 2 then runs
  // inline, so a seed records the same values whatever `threads` says.
  LoopWakerFactory make_waker;
};

Result<std::unique_ptr<Role>> make_role(const experiment::Experiment& e, const experiment::Site& site, RoleHost& host,
                                        const RoleOptions& opt);

// The notes every site log starts with: experiment name, file text, seed, site/neuron/synapse names.
std::vector<record::Record> describe_experiment(const experiment::Experiment& e);

}  // namespace ion::site
