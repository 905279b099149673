// SPDX-License-Identifier: Apache-2.0
#pragma once
// The synapse hub's logic, free of I/O: connectivity (pre neuron → synapses), forwarding of
// weighted inputs, plasticity pulses on the crossbar instrument and weight read-back.
//
// Forwarding never waits: a presynaptic spike becomes SynapticInput{post, weight} at once, with
// the synapse's latest read-back weight. Plasticity waits `horizon` of experiment time so that
// spikes from different sites reach the rules in true order (EventOrderer); each decision is
// one pulse_read on the synapse's cell, and the new resistance becomes the weight. A
// WeightUpdate is stamped with the experiment time at which the hub pulsed and read the device
// (at least `horizon` after the postsynaptic spike that triggered it), never with the spike's.
//
// A spike of kind `psp` (a legacy 'D' partner's postsynaptic potential) is no action potential:
// it takes part in plasticity as a postsynaptic event only, is never forwarded and never counts
// as a presynaptic spike (docs/protocol.md §8.1; arc1_pyqt UDPmod.py at 63b6fb3 l.481–483, 597–600).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "device/crossbar.hpp"
#include "site/hub/event_orderer.hpp"
#include "site/hub/neuron_routes.hpp"
#include "site/hub/plasticity.hpp"
#include "site/hub/weight_map.hpp"

namespace ion::hub {

struct PulseSpec {
  double amplitude_v = 0;
  Duration width_ns = 0;
};

// Fields in the order a plastic event reads them (forward, pulse, weight), so that they share
// cache lines; what only set-up reads comes last.
struct HubSynapse {
  SynapseId id = 0;
  uint32_t word = 0, bit = 0;
  NeuronAddr post;
  PulseSpec ltp, ltd;
  WeightMap map;
  NeuronAddr pre;
  RuleParams rule;
  std::string name;  // the experiment's name, for progress lines ("" → "syn<id>")
};

struct HubCounters {
  uint64_t spikes = 0;         // spikes received
  uint64_t unrouted = 0;       // spikes of neurons that are neither pre nor post of a synapse
  uint64_t forwarded = 0;      // SynapticInputs produced
  uint64_t late = 0;           // spikes too late for the plasticity order (still forwarded)
  uint64_t potentiations = 0;  // LTP pulses applied
  uint64_t depressions = 0;    // LTD pulses applied
  uint64_t device_errors = 0;  // failed instrument operations
  uint64_t withheld = 0;       // decisions withheld: window not fully observed (run start, resume)
};

// Receives each device read-back as soon as the instrument returned it, before the next pulse: a
// hub that records it there never has more than one pulse on the device that its log lacks. A
// hub on two threads (node/hub_threads.hpp) records it later, on its loop thread: a crash can
// then leave every pulse still in flight unlogged; --resume records them from the crossbar's
// write-ahead log, any number of them (hub_recovery.hpp).
using UpdateSink = std::function<void(const WeightUpdate&)>;

class HubCore {
 public:
  // REQUIRES: every synapse's cell lies inside the instrument (validated with the experiment).
  HubCore(std::vector<HubSynapse> synapses, device::Crossbar& instrument, Duration horizon);

  // Reads every synapse's device once; emits one WeightUpdate (action read) per synapse at t.
  void read_all(Time t, const UpdateSink& out);
  // A spike from any site. Appends the inputs to forward now.
  void on_spike(const Spike& s, std::vector<SynapticInput>& forward);
  // Runs the rules over spikes up to now_exp − horizon; emits device changes stamped now_exp.
  void advance(Time now_exp, const UpdateSink& out);
  // End of experiment at now_exp: runs the rules over every pending spike.
  void drain(Time now_exp, const UpdateSink& out);
  // The same, appending to a vector (tests, benchmarks, a pipeline's batch): no call through a
  // std::function per update.
  void read_all(Time t, std::vector<WeightUpdate>& updates);
  void advance(Time now_exp, std::vector<WeightUpdate>& updates);
  void drain(Time now_exp, std::vector<WeightUpdate>& updates);
  // A resumed hub: the rules' history starts at t (see PlasticityRule::history_starts).
  void history_starts(Time t);

  const HubCounters& counters() const { return counters_; }
  float weight(SynapseId id) const;
  const std::vector<HubSynapse>& synapses() const { return synapses_; }

 private:
  // What a plastic event writes, one cache line per synapse (the rule refers to rule_params_).
  struct alignas(64) State {
    PlasticityRule rule;
    float weight = 0;
  };
  // Out: const UpdateSink or std::vector<WeightUpdate> (hub_core.cpp's emit()).
  template <class Out>
  void read_all_to(Time t, Out& out);
  template <class Out>
  void advance_to(Time now_exp, Out& out);
  template <class Out>
  void drain_to(Time now_exp, Out& out);
  template <class Out>
  void apply_rule(const Spike& s, uint32_t route, Time now_exp, Out& out);
  template <class Out>
  void act(size_t i, PlasticityAction a, Time t, Out& out);
  std::vector<uint32_t> share_rule_params();
  template <class Out>
  void record(size_t i, const Result<double>& r, PlasticityAction a, Time t, Out& out);

  std::vector<HubSynapse> synapses_;
  std::vector<RuleParams> rule_params_;  // the distinct rules of synapses_; fixed once built
  std::vector<State> state_;
  NeuronRoutes routes_;  // neuron key → synapse indices it is pre / post of
  device::Crossbar& instrument_;
  EventOrderer orderer_;
  HubCounters counters_;
};

}  // namespace ion::hub
