// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who talks to whom, derived from the experiment: a site's spikes go to every hub holding a
// synapse of which the neuron is pre or post; a hub's inputs go to the post neuron's site; every
// site also peers with the time master (clock synchronisation), and with every monitor. Peering
// is symmetric.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/ids.hpp"
#include "experiment/model.hpp"

namespace ion::site {

struct Routing {
  std::unordered_map<uint64_t, std::vector<SiteId>> spike_hubs;  // local neuron key → hub sites
  std::vector<SiteId> peers;                                     // sorted, without self
  // Every declared monitor (ids after the sites'): peers of every site, never required ones.
  std::vector<SiteId> monitors;
  SiteId time_master = kNoSite;
};

Routing compute_routing(const experiment::Experiment& e, SiteId self);
// The time master's site id (the configured one, else the first hub).
SiteId time_master_of(const experiment::Experiment& e);

}  // namespace ion::site
