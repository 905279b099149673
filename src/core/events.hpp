// SPDX-License-Identifier: Apache-2.0
#pragma once
// The plain event structs that flow between layers, over the wire and into recordings.
// All times are experiment time in ns; all physical values in SI units (V, s, ohm).
#include <cstdint>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace ion {

// What kind of activity a spike reports (legacy aux byte of the biological site: 0/1/2).
enum class SpikeKind : uint8_t { spike = 0, psp = 1, evoked = 2, spontaneous = 3 };

struct Spike {
  NeuronAddr source;
  Time t = 0;
  SpikeKind kind = SpikeKind::spike;
};

inline constexpr Time kNoArrival = INT64_MIN;

// A weighted input delivered to a postsynaptic neuron (hub → post site).
struct SynapticInput {
  NeuronAddr post;
  SynapseId synapse = 0;
  float weight = 0;  // 0..1 normalised efficacy (hub's weight map); validated by receivers
  Time t = 0;        // time of the presynaptic spike that caused it
  // Recordings only, never sent on the wire: the experiment time at which the post site received
  // the input, so that a recording gives each spike's delivery latency (arrival - t). kNoArrival
  // when not known (an input a hub records for a legacy partner, a log written before the field).
  Time arrival_ns = kNoArrival;
};

enum class StimulusOutcome : uint8_t { delivered = 0, clamped = 1, refused = 2 };

// A stimulus the bio site delivered (or refused) on an electrode: biphasic, charge balanced.
struct Stimulus {
  ElectrodeId electrode = 0;
  Time t = 0;
  float amplitude = 0;  // per-phase amplitude: V (voltage mode) or A (current mode)
  float width_s = 0;    // per-phase width
  float charge_c = 0;   // per-phase charge actually delivered (0 when refused)
  SynapseId synapse = 0;
  StimulusOutcome outcome = StimulusOutcome::delivered;
  bool cathodic_first = true;
};

enum class PlasticityAction : int8_t { depress = -1, read = 0, potentiate = 1 };

// A device state after a read or a plasticity pulse on the hub.
struct WeightUpdate {
  SynapseId synapse = 0;
  Time t = 0;
  float resistance_ohm = 0;
  float weight = 0;
  PlasticityAction action = PlasticityAction::read;
};

// Per-peer link counters, as a snapshot at time t (receiver side unless noted).
struct LinkStats {
  SiteId peer = kNoSite;
  Time t = 0;
  uint64_t sent = 0;      // datagrams sent to the peer
  uint64_t received = 0;  // datagrams accepted from the peer
  uint64_t events_sent = 0;
  uint64_t events_received = 0;
  uint64_t lost = 0;  // sequence gaps not filled later
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
  uint64_t late = 0;      // arrived beyond the delivery deadline
  uint64_t rejected = 0;  // failed authentication / replay / old epoch
  uint64_t malformed = 0;
  Duration rtt_ns = 0;           // latest min-RTT estimate
  Duration clock_offset_ns = 0;  // local − master, estimated
  Duration clock_uncertainty_ns = 0;
  bool peer_up = false;
};

}  // namespace ion
