// SPDX-License-Identifier: Apache-2.0
#pragma once
// A synthetic three-neuron experiment and recording with known answers, shared by the report
// tests. Phases of ANpre: 10 Hz for 1 s, 30 Hz for 1 s, 2 Hz for 2 s (experiment 4 s).
//   phase 1: BN spikes 10 ms after every ANpre spike         → P(response) = 1
//   phase 2: BN spikes 10 ms after every other ANpre spike   → P = 0.5
//   phase 3: BN spikes 3 ms (not after the first) and 45 ms after each ANpre spike (outside 5–40 ms), and a psp
//            (not a spike) 10 ms after                       → P = 0
// ANpost never spikes. ABsyn weights: 0.5 @0.5s, 0.7 @1.5s, 0.9 @2.0s, 0.4 @3.0s (depress).
// Sites bio 0, hub 1, silicon 2, each with a log that ends with its end-of-run note at 4 s.
// Inputs recorded by the post sites (add_inputs):
//   ABsyn (ANpre -> BN): the 44 ANpre spikes in time order k = 0..43; k = 9, 19, 29, 39 are lost;
//     k < 40 arrive 20 + k % 5 ms after the spike, k >= 40 after 30 ms → delivered 40/44, latency
//     p50 22 ms, p99 30 ms, min 20 ms, max 30 ms.
//   BAsyn (BN -> ANpost): all 32 BN spikes arrive; the first 16 without an arrival time, the rest
//     15 ms after the spike.
#include <algorithm>

#include "experiment/model.hpp"
#include "record/merge.hpp"

namespace ion::report::testdata {

using namespace ion::literals;

inline experiment::Neuron neuron(const std::string& name, NeuronAddr a) {
  experiment::Neuron n;
  n.name = n.group = name;
  n.addr = a;
  return n;
}

inline experiment::Synapse synapse(const std::string& name, SynapseId id, const std::string& pre,
                                   const std::string& post) {
  experiment::Synapse s;
  s.name = s.group = name;
  s.id = id;
  s.pre = pre;
  s.post = post;
  s.hub = "hub";
  return s;
}

inline experiment::Site site(const std::string& name, SiteId id, experiment::Role role) {
  experiment::Site s;
  s.name = name;
  s.id = id;
  s.role = role;
  return s;
}

inline experiment::Experiment experiment() {
  experiment::Experiment e;
  e.name = "synthetic";
  e.sites = {site("bio", 0, experiment::Role::bio), site("hub", 1, experiment::Role::hub),
             site("silicon", 2, experiment::Role::silicon)};
  e.duration_ns = 4_s;
  e.seed = 7;
  auto pre = neuron("ANpre", {2, 0});
  pre.site = "silicon";
  pre.drive.kind = experiment::DriveKind::schedule;
  pre.drive.phases = {{10, 1_s}, {30, 1_s}, {2, 2_s}};
  e.neurons = {neuron("BN", {0, 0}), pre, neuron("ANpost", {2, 1})};
  e.neurons[0].site = "bio";
  e.neurons[2].site = "silicon";
  e.synapses = {synapse("ABsyn", 0, "ANpre", "BN"), synapse("BAsyn", 1, "BN", "ANpost")};
  return e;
}

inline void add_spike(record::MergedRecording& m, NeuronAddr a, Time t, SpikeKind k = SpikeKind::spike) {
  m.spikes.push_back({t, a.site, a.index, static_cast<uint8_t>(k), a.site});
}

inline void add_phase(record::MergedRecording& m, Time start, Time period, int n, int respond_every) {
  for (int k = 0; k < n; ++k) {
    const Time t = start + k * period;
    add_spike(m, {2, 0}, t);
    if (respond_every > 0 && k % respond_every == 0) add_spike(m, {0, 0}, t + 10_ms);
    if (respond_every == 0) {
      if (k > 0) add_spike(m, {0, 0}, t + 3_ms);  // (at k = 0 it would answer phase 2's last spike)
      add_spike(m, {0, 0}, t + 45_ms);
      add_spike(m, {0, 0}, t + 10_ms, SpikeKind::psp);
    }
  }
}

inline LinkStats link(SiteId peer, Time t, uint64_t received, uint64_t lost, Duration rtt_ns) {
  LinkStats l;
  l.peer = peer;
  l.t = t;
  l.sent = received + 5;
  l.received = received;
  l.events_sent = 2 * l.sent;
  l.events_received = 2 * received;
  l.lost = lost;
  l.rtt_ns = rtt_ns;
  l.clock_offset_ns = 1500;
  return l;
}

inline void add_inputs(record::MergedRecording& m) {
  std::vector<Time> anpre, bn;
  for (const auto& s : m.spikes) {
    if (s.kind == static_cast<uint8_t>(SpikeKind::psp)) continue;
    (s.site == 2 && s.index == 0 ? anpre : bn).push_back(s.t);
  }
  for (size_t k = 0; k < anpre.size(); ++k) {
    if (k % 10 == 9 && k < 40) continue;
    const Time latency = k < 40 ? 20_ms + static_cast<Time>(k % 5) * 1_ms : 30_ms;
    m.inputs.push_back({anpre[k], 0, 0, 0, 0.5f, 0, anpre[k] + latency});
  }
  for (size_t k = 0; k < bn.size(); ++k) {
    m.inputs.push_back({bn[k], 2, 1, 1, 0.3f, 2, k < 16 ? kNoArrival : bn[k] + 15_ms});
  }
  std::sort(m.inputs.begin(), m.inputs.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
}

inline void add_sites(record::MergedRecording& m, Time end) {
  for (SiteId id = 0; id < 3; ++id) {
    record::SiteRow row;
    row.id = id;
    row.name = m.site_names.at(id);
    row.records = 100;
    m.sites.push_back(row);
    m.notes.push_back({id, end, static_cast<uint16_t>(record::NoteKind::text), "site " + row.name + " done: spikes=1"});
  }
}

inline record::MergedRecording recording() {
  record::MergedRecording m;
  m.experiment_name = "synthetic";
  m.seed = "7";
  m.site_names = {{0, "bio"}, {1, "hub"}, {2, "silicon"}};
  m.neuron_names = {{{0, 0}, "BN"}, {{2, 0}, "ANpre"}, {{2, 1}, "ANpost"}};
  m.synapse_names = {{0, "ABsyn"}, {1, "BAsyn"}};
  add_phase(m, 0, 100_ms, 10, 1);
  add_phase(m, 1_s, 1_s / 30, 30, 2);
  add_phase(m, 2_s, 500_ms, 4, 0);
  std::sort(m.spikes.begin(), m.spikes.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  add_inputs(m);
  add_sites(m, 4_s);
  m.synapses[0] = {
      {500_ms, 6500, 0.5f, 0, 1}, {1500_ms, 5500, 0.7f, 1, 1}, {2_s, 4500, 0.9f, 1, 1}, {3_s, 7000, 0.4f, -1, 1}};
  // Hub about bio: RTT 100..199 us over 100 snapshots; last counters 990 received, 10 lost.
  auto& rows = m.links[{1, 0}];
  for (int i = 0; i < 100; ++i) {
    rows.push_back(link(0, (i + 1) * 40_ms, static_cast<uint64_t>(i) * 10, static_cast<uint64_t>(i) / 10,
                        (100 + (99 - i)) * 1_us));
  }
  m.links[{2, 1}] = {link(1, 1_s, 0, 0, 0)};  // no traffic, no RTT yet
  m.clocks[0] = {{0, 0, 1000, 200}, {2_s, 2_s, 1200, 200}};
  return m;
}

}  // namespace ion::report::testdata
