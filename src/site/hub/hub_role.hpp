// SPDX-License-Identifier: Apache-2.0
#pragma once
// The hub site's Role: builds the crossbar instrument and the HubCore from the experiment,
// forwards weighted inputs, applies plasticity and records every device read-back.
#include <memory>
#include <string>

#include "device/crossbar.hpp"
#include "env/storage.hpp"
#include "experiment/model.hpp"
#include "site/hub/hub_core.hpp"
#include "site/role.hpp"

namespace ion::hub {

struct HubRoleOptions {
  // Directory for the persistent crossbar state (simulated instrument): <dir>/<site>.xbar.
  // Empty: in-memory array (state lost at exit).
  std::string state_dir;
  bool resume = false;         // reopen the persisted state instead of programming r0 afresh
  Storage* storage = nullptr;  // where that state lives (a node's Env storage); null: real_storage()
  // With resume: the hub's own event log as its earlier sessions left it, to record the pulses
  // the persisted crossbar applied that it lacks (hub_recovery.hpp). Empty: no such log.
  std::string log_path;
};

// The synapses of `hub` with their neuron addresses, weight maps, rules and pulses.
std::vector<HubSynapse> hub_synapses(const experiment::Experiment& e, const experiment::Site& hub);

// The hub's instrument as configured (simulated crossbar with the synapses' device model and
// r0 programmed per cell, or an ArC ONE on a serial port). Errors name the site and the problem.
Result<std::unique_ptr<device::Crossbar>> make_instrument(const experiment::Experiment& e, const experiment::Site& hub,
                                                          const HubRoleOptions& opt);

Result<std::unique_ptr<site::Role>> make_hub_role(const experiment::Experiment& e, const experiment::Site& hub,
                                                  site::RoleHost& host, const HubRoleOptions& opt);

}  // namespace ion::hub
