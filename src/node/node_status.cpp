// SPDX-License-Identifier: Apache-2.0
// Node::status(): the site's status as node/status.hpp defines it.
#include "node/node.hpp"

namespace ion::site {
namespace {

MonitorHealth monitor_health(const MonitorFeed& f, const link::Link* link) {
  const MonitorFeedCounters& c = f.counters();
  bool up = false;
  if (link) {
    auto st = link->stats(f.monitor());
    up = st && st->peer_up;
  }
  return MonitorHealth{f.name(), up, c.sent, c.dropped, c.oversize};
}

}  // namespace

NodeStatus Node::status() const {
  NodeStatus s;
  s.site = site_.name;
  s.role = experiment::to_string(site_.role);
  s.state = to_string(state_);
  if (link_ && link_->synced()) s.t_ns = experiment_now();
  s.duration_ns = exp_.duration_ns;
  s.spikes = spikes_;
  for (const auto& n : exp_.neurons) {
    if (n.addr.site != site_.id || n.addr.index >= neuron_rates_.size()) continue;
    s.neurons.push_back(NeuronRate{n.name, s.t_ns ? neuron_rates_[n.addr.index].rate_hz(*s.t_ns) : 0});
  }
  RoleStatus r;
  if (role_) role_->status(r);
  s.synapses = std::move(r.synapses);
  s.interlock = r.interlock;
  for (size_t i = 0; link_ && i < routing_.peers.size(); ++i)
    if (auto st = link_->stats(routing_.peers[i])) s.links.push_back(link_health(peer_labels_[i].name, *st));
  for (const auto& f : feeds_) s.monitors.push_back(monitor_health(*f, link_.get()));
  if (state_ == NodeState::failed) s.failure = failure_.message();
  return s;
}

}  // namespace ion::site
