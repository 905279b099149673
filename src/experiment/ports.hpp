// SPDX-License-Identifier: Apache-2.0
#pragma once
// Ports of sites whose address has none ("127.0.0.1": auto, docs/experiment.md): which sites they
// are, and how they are pinned — by `ion run` in real time (ports it bound, or --base-port), in
// simulation deterministically (no socket is ever bound there).
#include <set>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "experiment/model.hpp"
#include "experiment/overrides.hpp"

namespace ion::experiment {

bool has_auto_ports(const Experiment& e);

// Ports the experiment pins on `host`: its sites' (pinned so far) and the legacy bridge's.
std::set<long long> taken_on(const Experiment& e, const std::string& host);

// Gives site `id` the port (address.port and address.text "host:port").
void pin_port(Experiment& e, SiteId id, uint16_t port);

// --base-port N: auto site i (index in experiment order, pinned sites included) gets N + i.
// Errors: no site is auto; N + i outside 1..65535; or the port of a pinned site or the legacy
// bridge on that host.
// Returns one port per site (0 for pinned sites, which keep theirs).
Result<std::vector<uint16_t>> base_port_plan(const Experiment& e, long long base);

// Simulation: auto sites get the lowest ports from kSimAutoPortBase up that no site on their
// host uses, in experiment order (deterministic; a simulated network binds nothing).
inline constexpr uint16_t kSimAutoPortBase = 49152;
void assign_sim_ports(Experiment& e);

// `sites.NAME.address = "host:port"` for every site that was auto in `original` and is pinned in
// `resolved`: the edits that turn the experiment file into the one the sites' processes load.
std::vector<Override> pinned_address_overrides(const Experiment& original, const Experiment& resolved);

}  // namespace ion::experiment
