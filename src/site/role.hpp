// SPDX-License-Identifier: Apache-2.0
#pragma once
// A site's role (hub, bio, silicon) as seen by the node runtime. The runtime owns the Env, the
// links, the clock mapping and the event log; a role owns its devices and models and works in
// EXPERIMENT time only. The runtime calls advance() at every tick with a non-decreasing
// experiment time, delivers inbound events between ticks, and routes what the role emits.
//
// Contract for roles: no I/O but through the Storage the runtime hands them (hub crossbar state,
// the bio signal session), no wall clock, no threads of their own (the one exception is the
// node's: a hub with `threads = 2` has its HubCore driven from a logic thread that the node
// starts, node/hub_threads.hpp; the role's host calls still come on the loop thread); all
// randomness from host.rng(); everything that must be recorded goes through the host.
#include <string>
#include <string_view>

#include "core/events.hpp"
#include "core/prng.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "site/role_status.hpp"

namespace ion::site {

// What the node runtime offers to its role.
class RoleHost {
 public:
  virtual ~RoleHost() = default;
  // A spike of one of this site's neurons; the runtime records it and sends it to every hub
  // that has a synapse with that neuron as pre or post.
  virtual void emit_spike(const Spike& s) = 0;
  // Hub only: a weighted input for a neuron on another (or this) site.
  virtual void emit_input(const SynapticInput& in) = 0;
  // Recorded only.
  virtual void record_stimulus(const Stimulus& s) = 0;
  virtual void record_weight(const WeightUpdate& w) = 0;
  virtual void record_note(std::string_view text) = 0;
  virtual Rng rng(std::string_view stream) const = 0;
  // The role cannot go on (e.g. its signal recording failed): the runtime stops the site with `s`.
  // The default (hosts of unit tests) only records it.
  virtual void fail_site(const Status& s) { record_note("failed: " + s.message()); }
};

class Role {
 public:
  virtual ~Role() = default;
  // Runs the role's models and devices up to experiment time `now` (non-decreasing).
  virtual void advance(Time now) = 0;
  // Any site's spike addressed to this site (hubs receive the spikes of their synapses' neurons).
  virtual void on_spike(const Spike&) {}
  // A weighted input for one of this site's neurons (bio, silicon). The runtime has just
  // advanced the role to the input's arrival (experiment time), so a role stamps what the input
  // causes (a stimulus, a neuron's response) with its current time: never before the arrival.
  virtual void on_input(const SynapticInput&) {}
  // End of the experiment at `end`: flush pending work (e.g. the hub drains its plasticity queue).
  virtual void finish(Time end) { advance(end); }
  // The role's part of the site's status (site/role_status.hpp): a hub's synapses, a bio site's
  // interlock counters. Called between ticks, about once a second.
  virtual void status(RoleStatus&) const {}
};

}  // namespace ion::site
