// SPDX-License-Identifier: Apache-2.0
#pragma once
// The hub site's Role: builds the crossbar instrument and the HubCore from the experiment,
// forwards weighted inputs, applies plasticity and records every device read-back.
#include <functional>
#include <memory>
#include <string>

#include "device/crossbar.hpp"
#include "env/storage.hpp"
#include "experiment/model.hpp"
#include "site/hub/hub_core.hpp"
#include "site/role.hpp"

namespace ion::hub {

// Where a HubRole's HubCore outputs go: forwarded inputs and device read-backs, in order.
struct HubOutputs {
  std::function<void(const SynapticInput&)> forward;
  UpdateSink update;
};

// Runs the HubRole's calls of its HubCore. The default runs them inline, on the caller's thread.
// node/hub_threads.hpp runs them on a logic thread and delivers the outputs back on the caller's
// thread later (but in order); finish() returns once every output has been delivered.
class HubEngine {
 public:
  virtual ~HubEngine() = default;
  // The session's first call: history_starts(t) when resumed, then read_all(t).
  virtual void start(Time t, bool resumed) = 0;
  virtual void on_spike(const Spike& s) = 0;
  virtual void advance(Time t) = 0;
  // advance(end) and drain(end); returns when every output was delivered, with the core's
  // counters (safe to read on the caller's thread until the next call).
  virtual const HubCounters& finish(Time end) = 0;
  // Appended to the final `hub:` note ("" inline; " ring_full_waits=N" on two threads).
  virtual std::string note_suffix() const { return {}; }
};

// Builds the engine of a HubRole around its core. A null engine: run inline.
using HubEngineFactory = std::function<Result<std::unique_ptr<HubEngine>>(HubCore& core, HubOutputs out)>;

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

// `engine` empty, or giving no engine: the HubCore runs inline, on the caller's thread.
Result<std::unique_ptr<site::Role>> make_hub_role(const experiment::Experiment& e, const experiment::Site& hub,
                                                  site::RoleHost& host, const HubRoleOptions& opt,
                                                  const HubEngineFactory& engine = {});

}  // namespace ion::hub
