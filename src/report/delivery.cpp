// SPDX-License-Identifier: Apache-2.0
// Per-spike delivery of every synapse: presynaptic spikes against the inputs the post site recorded
// (loss), and arrival - spike time of each recorded input (latency). report/analysis.hpp.
#include <algorithm>

#include "report/analysis.hpp"

namespace ion::report {
namespace {

struct Received {
  Time spike_ns = 0;
  Time arrival_ns = kNoArrival;
};

// Inputs of each synapse at its post neuron, by spike time (duplicates of one spike kept once).
std::map<SynapseId, std::vector<Received>> received_inputs(const record::MergedRecording& m,
                                                           const experiment::Experiment& e) {
  std::map<SynapseId, std::vector<Received>> out;
  for (const auto& r : m.inputs) {
    if (r.synapse >= e.synapses.size()) continue;
    const auto* post = e.find_neuron(e.synapses[r.synapse].post);
    if (!post || post->addr != NeuronAddr{r.post_site, r.post_index}) continue;
    auto& v = out[r.synapse];
    if (!v.empty() && v.back().spike_ns == r.t) continue;  // m.inputs is sorted by t first
    v.push_back({r.t, r.arrival_ns});
  }
  return out;
}

bool has_spike(const std::vector<Received>& v, Time t) {
  auto it = std::lower_bound(v.begin(), v.end(), t, [](const Received& r, Time x) { return r.spike_ns < x; });
  return it != v.end() && it->spike_ns == t;
}

SiteId site_id(const experiment::Experiment& e, const std::string& name) {
  const auto* s = e.find_site(name);
  return s ? s->id : kNoSite;
}

// Counts over [0, end): the experiment, cut where the post site's log ends.
void count_delivery(SynapseDelivery& d, const std::vector<Time>& pre_train, const std::vector<Received>& in, Time end) {
  for (auto it = std::lower_bound(pre_train.begin(), pre_train.end(), Time{0}); it != pre_train.end() && *it < end;
       ++it) {
    ++d.pre_spikes;
    if (has_spike(in, *it)) ++d.delivered;
  }
  for (const auto& r : in) {
    if (r.spike_ns < 0 || r.spike_ns >= end) continue;
    if (r.arrival_ns == kNoArrival) {
      ++d.without_arrival;
      continue;
    }
    d.spike_ns.push_back(r.spike_ns);
    d.latency_ns.push_back(r.arrival_ns - r.spike_ns);
  }
  if (d.pre_spikes > 0) {
    d.loss_fraction = 1.0 - static_cast<double>(d.delivered) / static_cast<double>(d.pre_spikes);
  }
  d.latency = latency_stats(d.latency_ns);
}

}  // namespace

LatencyStats latency_stats(std::vector<int64_t> latencies_ns) {
  LatencyStats s;
  s.n = latencies_ns.size();
  std::sort(latencies_ns.begin(), latencies_ns.end());
  s.p50_ns = percentile(latencies_ns, 50);
  s.p99_ns = percentile(latencies_ns, 99);
  s.min_ns = percentile(latencies_ns, 0);
  s.max_ns = percentile(latencies_ns, 100);
  return s;
}

std::vector<SynapseDelivery> summarize_delivery(const record::MergedRecording& m, const experiment::Experiment& e,
                                                const SpikeTrains& trains, const std::vector<SiteCoverage>& coverage) {
  static const std::vector<Received> kNone;
  const auto inputs = received_inputs(m, e);
  std::vector<SynapseDelivery> out;
  for (const auto& syn : e.synapses) {
    SynapseDelivery d;
    d.id = syn.id;
    d.name = syn.name;
    d.pre = syn.pre;
    d.post = syn.post;
    const auto* pre = e.find_neuron(syn.pre);
    const auto* post = e.find_neuron(syn.post);
    d.hub_site = site_id(e, syn.hub);
    if (pre) d.pre_site = pre->addr.site;
    if (post) d.post_site = post->addr.site;
    const auto span = covered(find_coverage(coverage, d.post_site), 0, e.duration_ns);
    d.post_logged = pre && post && span.has_value();
    if (d.post_logged) {
      auto it = inputs.find(syn.id);
      count_delivery(d, train_of(trains, pre->addr), it == inputs.end() ? kNone : it->second, span->second);
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<RouteSummary> summarize_routes(const record::MergedRecording& m, const std::vector<SynapseDelivery>& d) {
  std::map<std::tuple<SiteId, SiteId, SiteId>, RouteSummary> by_route;
  for (const auto& x : d) {
    if (!x.post_logged) continue;
    auto& r = by_route[{x.pre_site, x.hub_site, x.post_site}];
    r.from = x.pre_site, r.via = x.hub_site, r.to = x.post_site;
    ++r.synapses;
    r.pre_spikes += x.pre_spikes;
    r.delivered += x.delivered;
    r.latency_ns.insert(r.latency_ns.end(), x.latency_ns.begin(), x.latency_ns.end());
  }
  std::vector<RouteSummary> out;
  for (auto& [key, r] : by_route) {
    r.from_name = m.site_name(r.from), r.via_name = m.site_name(r.via), r.to_name = m.site_name(r.to);
    if (r.pre_spikes > 0) r.loss_fraction = 1.0 - static_cast<double>(r.delivered) / static_cast<double>(r.pre_spikes);
    r.latency = latency_stats(r.latency_ns);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ion::report
