// SPDX-License-Identifier: Apache-2.0
#pragma once
// An emulated neuromorphic chip (DYNAP-SE style): cores of 256 adaptive-exponential DPI neurons
// ("dpi" model), each neuron with at most `max_fan_in` input synapses of four DPI types:
//   AMPA  excitatory, fast;       NMDA excitatory, slow, passes only while I_mem > nmda_gate_a;
//   GABA  subtractive inhibition; SHUNT shunting inhibition (enters the neuron as I_shunt).
// Recurrent connections (pre → post, type, weight) and external inputs (SynapticInput events whose
// weight in [0, 1] scales the synapse's efficacy I_w) both occupy fan-in slots.
//
// Time: the chip advances in fixed steps of dt (experiment time, ns). advance(t) runs every step
// that starts before t. An input received while the chip is at time T is applied in the first
// step starting at or after max(T, input.t): event-exact when the owner advances the chip to the
// arrival time first (ChipRunner does). Recurrent spikes are delivered in the next step.
// Spikes leave through the callback as Spike{ {site, neuron}, step start time }.
// Thread-safety: none. Errors: Status on bad configuration and bad inputs (counted, never thrown).
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "core/status.hpp"
#include "neuron/drives.hpp"
#include "neuron/population.hpp"
#include "neuron/synapses.hpp"

namespace ion::silicon {

inline constexpr uint32_t kNeuronsPerCore = 256;
enum class SynType : uint8_t { ampa = 0, nmda = 1, gaba = 2, shunt = 3 };
inline constexpr size_t kSynTypes = 4;
const char* syn_type_name(SynType t);
Result<SynType> parse_syn_type(std::string_view name);  // "ampa", "nmda", "gaba", "shunt"

struct ChipConfig {
  SiteId site = 0;
  uint32_t cores = 4;
  uint32_t max_fan_in = 64;
  Duration dt_ns = 100'000;
  std::vector<double> neuron_params;  // "dpi" model parameter vector; empty → defaults
  // DPI synapse parameters per type (C, I_tau → tau; I_th/I_tau gain; base weight I_w; pulse).
  std::array<neuron::SynapseParams, kSynTypes> synapse;
  double nmda_gate_a = 10e-12;            // NMDA passes current only while I_mem exceeds this
  SynType external_type = SynType::ampa;  // type of the synapse behind SynapticInput events
  double external_i_w_a = 0;              // base efficacy of external inputs; 0 → that type's I_w

  // AMPA tau ~5 ms, NMDA ~50 ms, GABA ~10 ms, SHUNT ~5 ms; I_w 100 pA, pulse 1 ms.
  static ChipConfig defaults();
  Status validate() const;
};

struct ChipStats {
  uint64_t steps = 0;
  uint64_t spikes_out = 0;
  uint64_t inputs_applied = 0;
  uint64_t inputs_rejected = 0;  // bad neuron index or weight (counted, dropped)
  uint64_t recurrent_deliveries = 0;
};

class Chip {
 public:
  using SpikeSink = std::function<void(const Spike&)>;
  static Result<Chip> create(const ChipConfig& config, SpikeSink sink, Time t0 = 0);

  uint32_t size() const { return static_cast<uint32_t>(pop_.size()); }
  Time now() const { return pop_.now(); }
  const ChipConfig& config() const { return config_; }
  const ChipStats& stats() const { return stats_; }

  // Adds a recurrent synapse. Errors: index out of range, weight outside [0, 1], post's fan-in full.
  Status connect(uint32_t pre, uint32_t post, SynType type, float weight);
  // Reserves one fan-in slot on `post` for external inputs (implicitly done on first input).
  Status reserve_external(uint32_t post);
  uint32_t fan_in(uint32_t post) const { return fan_in_[post]; }

  // Queues an external input (validated: neuron index < size(), weight finite in [0, 1]).
  Status on_input(const SynapticInput& in);
  // Runs every step that starts before t.
  void advance(Time t);

  // Drives. A pacemaker neuron spikes at the given times (sorted; each emitted in the step that
  // contains it, I_mem reset) whatever its input; a current drive is added to its input each step.
  Status add_pacemaker(uint32_t neuron, std::vector<Time> times);
  Status add_current_drive(uint32_t neuron, neuron::CurrentInput input);

  neuron::Population& population() { return pop_; }

 private:
  struct Edge {
    uint32_t post;
    SynType type;
    float weight;
  };
  struct Pending {
    Time t;
    uint64_t seq;
    uint32_t post;
    float weight;
  };
  Chip(const ChipConfig& config, SpikeSink sink, neuron::Population pop,
       std::array<neuron::SynapseBank, kSynTypes> syn);
  struct Pacemaker {
    uint32_t neuron;
    std::vector<Time> times;
    size_t next = 0;
  };
  struct CurrentDrive {
    uint32_t neuron;
    neuron::CurrentInput input;
  };
  void step_once();
  void fire_pacemakers(Time step_end);
  void apply_due_inputs(Time step_end);
  void deliver_recurrent();

  ChipConfig config_;
  SpikeSink sink_;
  neuron::Population pop_;
  std::array<neuron::SynapseBank, kSynTypes> syn_;
  std::vector<std::vector<Edge>> out_edges_;  // by pre
  std::vector<uint32_t> fan_in_;
  std::vector<uint8_t> has_external_slot_;
  std::vector<Pending> pending_;  // min-heap by (t, seq)
  uint64_t seq_ = 0;
  std::vector<uint32_t> last_spikes_;
  std::vector<Pacemaker> pacemakers_;
  std::vector<CurrentDrive> current_drives_;
  double external_scale_ = 1.0;  // external_i_w_a / I_w of the external type
  size_t i_reset_col_ = 0;       // the I_reset parameter column (a paced neuron resets to its own value)
  ChipStats stats_;
};

}  // namespace ion::silicon
