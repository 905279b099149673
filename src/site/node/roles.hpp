// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one place that maps a site's role to its implementation.
#include <memory>
#include <string>
#include <vector>

#include "experiment/model.hpp"
#include "record/records.hpp"
#include "site/role.hpp"

namespace ion::site {

struct RoleOptions {
  std::string state_dir;  // persistent device state (hub crossbar)
  bool resume = false;
};

Result<std::unique_ptr<Role>> make_role(const experiment::Experiment& e, const experiment::Site& site,
                                        RoleHost& host, const RoleOptions& opt);

// The notes every site log starts with: experiment name, file text, seed, site/neuron/synapse names.
std::vector<record::Record> describe_experiment(const experiment::Experiment& e);

}  // namespace ion::site
