// SPDX-License-Identifier: Apache-2.0
#include "node/routing.hpp"

#include <algorithm>

namespace ion::site {
namespace {

void add_unique(std::vector<SiteId>& v, SiteId s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

SiteId time_master_of(const experiment::Experiment& e) {
  if (!e.time_master.empty())
    if (const auto* s = e.find_site(e.time_master)) return s->id;
  for (const auto& s : e.sites)
    if (s.role == experiment::Role::hub) return s.id;
  return kNoSite;
}

Routing compute_routing(const experiment::Experiment& e, SiteId self) {
  Routing r;
  r.time_master = time_master_of(e);
  for (const auto& syn : e.synapses) {
    const SiteId hub = e.find_site(syn.hub)->id;
    const NeuronAddr pre = e.find_neuron(syn.pre)->addr, post = e.find_neuron(syn.post)->addr;
    for (NeuronAddr n : {pre, post}) {
      if (n.site == self) add_unique(r.spike_hubs[n.key()], hub);
      if (n.site == self && hub != self) add_unique(r.peers, hub);
      if (hub == self && n.site != self) add_unique(r.peers, n.site);
    }
  }
  if (self == r.time_master) {
    for (const auto& s : e.sites)
      if (s.id != self) add_unique(r.peers, s.id);
  } else if (r.time_master != kNoSite) {
    add_unique(r.peers, r.time_master);
  }
  std::sort(r.peers.begin(), r.peers.end());
  for (const auto& m : e.monitors) r.monitors.push_back(m.id);
  return r;
}

}  // namespace ion::site
