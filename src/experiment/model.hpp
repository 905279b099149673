// SPDX-License-Identifier: Apache-2.0
#pragma once
// The validated in-memory experiment. Produced only by load_experiment*(): once you hold an
// Experiment, every reference (neuron → site, synapse → neurons/hub, cell → instrument array) is
// known to resolve, names are unique, durations are positive and units are SI (V, s, ohm, Hz, m²).
// Enum orders match the name lists of known_models.hpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace ion::experiment {

// Where a value came from in the experiment file (line/col 1-based; 0 if not from a file).
struct SourceLoc {
  std::string file;
  int line = 0;
  int col = 0;
};

// A model parameter as written: a number, or a unit string ("20ms", "-70mV") that the layer
// owning the model parses with the dimension it expects (core/units.hpp).
struct Param {
  std::variant<double, std::string> value;
  SourceLoc loc;
  std::string key_path;  // e.g. "neurons[0].params.tau_m", for that layer's error messages

  bool is_number() const { return std::holds_alternative<double>(value); }
};
using ParamMap = std::map<std::string, Param>;

enum class Mode { realtime, sim };
enum class Role { bio, hub, silicon };
enum class InstrumentKind { simulated, arc1 };
enum class SourceKind { culture, openephys, raw, hdf5 };
enum class StimPolicy { refuse, clamp };
enum class DriveKind { regular, poisson, schedule, step, ramp, none };
enum class SpikeProcess { regular, poisson };
enum class PlasticityRule { srdp, stdp, none };
enum class WeightPolarity { low_r_strong, high_r_strong };

const char* to_string(Mode m);
const char* to_string(Role r);

// A numeric UDP endpoint "IPv4:port" or "[IPv6]:port" (parsed; no DNS).
struct Endpoint {
  std::string text;   // as written
  std::string host;   // without brackets
  uint16_t port = 0;  // 0: not pinned ("auto"); `ion run` chooses it (docs/experiment.md)
  bool v6 = false;
  bool loopback = false;  // 127.0.0.0/8 or ::1
};

// Hub: the crossbar instrument holding the synapses' devices.
struct InstrumentConfig {
  InstrumentKind kind = InstrumentKind::simulated;
  int words = 32;           // word lines (rows)
  int bits = 32;            // bit lines (columns)
  std::string serial_port;  // arc1 only, e.g. "/dev/ttyACM0"
  std::string state_file;   // simulated only: device states persisted across runs ("" = none)
  double v_read = 0.5;      // read voltage, V
  double read_noise = 0.0;  // relative read noise (0.01 = ±1 %)
};

// Bio: where the neural signal comes from.
struct SourceConfig {
  SourceKind kind = SourceKind::culture;
  int neurons = 1;           // culture only: emulated neurons
  int electrodes = 1;        // culture only
  double rate_hz = 25000.0;  // sample rate (culture, raw)
  std::string path;          // openephys (directory), raw, hdf5
  int experiment = 0;        // openephys only: experiment<N> / recording<N> of the session (0: the only one)
  int recording = 0;
  int channels = 0;          // raw only
  std::string dataset;       // hdf5 only
  double threshold_k = 4.5;  // spike detection threshold in noise sigmas
};

// Bio: stimulator limits enforced by the safety interlock.
struct StimulatorConfig {
  double electrode_area_m2 = 2000e-12;
  std::string material = "TiN";
  double max_amplitude_v = 1.0;
  double max_charge_c = 0.0;  // per phase; 0 = derived from material and area
  double max_rate_hz = 50.0;
  double shannon_k = 1.5;                        // Shannon limit k (damage likely for k >= 1.85)
  Duration pulse_width_ns = 200 * kMicrosecond;  // per phase
  StimPolicy policy = StimPolicy::refuse;
};

// Silicon: the emulated neuromorphic chip.
struct ChipConfig {
  std::string kind = "emulated";
  int cores = 1;
  int neurons_per_core = 256;
  int synapses_per_neuron = 64;
};

struct Site {
  std::string name;
  SiteId id = kNoSite;  // order in the file
  Role role = Role::silicon;
  Endpoint address;
  Duration clock_offset_ns = 0;  // sim only: this node's clock offset
  double clock_drift_ppm = 0;    // sim only: linear drift
  // Hub only: 2 runs its HubCore on a second thread in real time (docs/architecture.md, "Hub on
  // two threads"); simulated runs always run it inline. 1 for every other role.
  unsigned threads = 1;
  std::optional<InstrumentConfig> instrument;  // set iff role == hub
  std::optional<SourceConfig> source;          // set iff role == bio
  std::optional<StimulatorConfig> stimulator;  // set iff role == bio
  std::optional<ChipConfig> chip;              // set iff role == silicon
  SourceLoc loc;
};

struct RatePhase {
  double rate_hz = 0;
  Duration duration_ns = 0;
};

struct Drive {
  DriveKind kind = DriveKind::none;
  double rate_hz = 0;                            // regular, poisson
  std::vector<RatePhase> phases;                 // schedule
  SpikeProcess process = SpikeProcess::regular;  // schedule
  double amplitude_a = 0;                        // step: injected current, A
  double from_a = 0, to_a = 0;                   // ramp
  Duration start_ns = 0;                         // step, ramp
  Duration stop_ns = 0;                          // step, ramp; 0 = end of experiment
  SourceLoc loc;                                 // the drive table in the file
  std::vector<SourceLoc> phase_locs;             // schedule: where each phase string is written
};

struct Neuron {
  std::string name;   // entry name, or "NAME[i]" for member i of an entry with count > 1
  std::string group;  // the [[neurons]] entry's name (== name when count == 1)
  std::string site;
  NeuronAddr addr;    // (site id, index among that site's neurons in file order)
  std::string model;  // one of neuron_model_names()
  ParamMap params;
  Drive drive;
  double spontaneous_hz = 0;
  SourceLoc loc;
  SourceLoc spontaneous_loc;  // where `spontaneous` is written (loc if absent)
};

struct Pulse {
  double amplitude_v = 0;
  Duration width_ns = 0;
  SourceLoc loc;  // where the file sets it (empty for the default)
};

struct DeviceConfig {
  std::string model;   // one of device_model_names()
  std::string preset;  // "" or one of device_preset_names() (matching the model)
  std::string window;  // linear-drift only: one of drift_window_names(); "" = model default
  double r0_ohm = 0;   // initial resistance; 0 = the preset's / model's default
  ParamMap params;
};

struct WeightMap {
  double r_min_ohm = 4000;
  double r_max_ohm = 9000;
  WeightPolarity polarity = WeightPolarity::low_r_strong;
};

struct Plasticity {
  PlasticityRule rule = PlasticityRule::none;
  Duration window_ns = kSecond;               // srdp: presynaptic counting window
  int ltp_above = 20;                         // srdp: pre count > this → LTP pulse
  int ltd_below = 5;                          // srdp: pre count < this → LTD pulse
  Duration tau_plus_ns = 20 * kMillisecond;   // stdp
  Duration tau_minus_ns = 20 * kMillisecond;  // stdp
  Pulse ltp_pulse{4.0, 100 * kMicrosecond, {}};
  Pulse ltd_pulse{-4.0, 100 * kMicrosecond, {}};
  Duration horizon_ns = 50 * kMillisecond;  // how long the hub waits for out-of-order events
};

struct Synapse {
  std::string name;   // entry name; "NAME[i,j]" (all-to-all) / "NAME[i]" (one-to-one) when expanded
  std::string group;  // the [[synapses]] entry's name
  SynapseId id = 0;   // index in file order
  std::string pre, post, hub;
  int word = 0, bit = 0;  // crossbar cell on the hub's instrument
  DeviceConfig device;
  WeightMap weight;
  Plasticity plasticity;
  SourceLoc loc;
};

struct LinkConfig {
  Duration latency_ns = 0;
  Duration jitter_ns = 0;
  double loss = 0, duplicate = 0, reorder = 0;  // probabilities per datagram
  bool insecure = false;                        // no authentication; only allowed between loopback addresses
  std::string key_file;                         // "" = <security.key_dir>/<a>-<b>.key
};

struct LinkPair {
  std::string a, b;   // site names, as written "a-b"
  LinkConfig config;  // default overlaid with the pair's keys
};

struct Links {
  LinkConfig defaults;
  std::vector<LinkPair> pairs;
};

struct LegacyBridge {
  bool enabled = false;
  std::string hub;  // hub site that hosts the bridge
  uint16_t port = 5005;
  std::vector<std::string> allowed_peers;   // IP addresses allowed to send legacy datagrams
  std::map<uint32_t, std::string> neurons;  // legacy 24-bit id → neuron name
  // Where 'S' datagrams go (docs/protocol.md §8.2): "IP:port" of the partner that gets the
  // inputs caused by 'D' spikes (pre_partner) and by 'A' spikes (post_partner); "" = none.
  std::string pre_partner;
  std::string post_partner;
  bool learned_binding = false;  // binding = "learned": to the address that last spoke for the id
};

struct Recording {
  std::string out = "runs/{name}-{timestamp}";
  Duration flush_interval_ns = 100 * kMillisecond;
  bool signal = false;  // bio sites record their raw MEA signal as an Open Ephys session (<out>/<site>.openephys)
};

// A read-only peer (docs/protocol.md §3.3): every site sends it copies of what it records. Never a
// required peer; anything it sends beyond handshake, probes and heartbeats is refused.
// A monitor's default and largest record rate per site (docs/experiment.md [[monitors]]).
inline constexpr double kDefaultMonitorRecordRateHz = 100000;
inline constexpr double kMaxMonitorRecordRateHz = 1e7;
struct Monitor {
  std::string name;
  SiteId id = kNoSite;  // wire id: sites.size() + index in the file
  Endpoint address;
  double max_record_rate_hz = kDefaultMonitorRecordRateHz;  // per site: records copied per second (token bucket)
  SourceLoc loc;
};
struct Security {
  std::string key_dir = "keys";
  // AEAD of the links (docs/protocol.md §4.2): "auto" (AES-256-GCM where both ends have AES-NI,
  // else XChaCha20-Poly1305), "xchacha20poly1305" or "aes256gcm" (pinned).
  std::string aead = "auto";
};

struct Experiment {
  std::string name;
  Duration duration_ns = 0;
  uint64_t seed = 1;
  Mode mode = Mode::realtime;
  std::string time_master;  // a hub site (default: the first hub)
  // Who ran it, where (optional; the NWB export's general/experimenter, lab, institution).
  std::string experimenter, lab, institution;
  std::vector<Site> sites;      // in file order; sites[i].id == i
  std::vector<Neuron> neurons;  // in file order
  std::vector<Synapse> synapses;
  std::vector<Monitor> monitors;  // ids follow the sites'
  Links links;
  LegacyBridge legacy;
  Recording recording;
  Security security;
  std::string source_name;  // file name or "<builtin>"
  std::string source_text;  // the file itself (recorded with the results)

  const Site* find_site(std::string_view name) const;
  const Neuron* find_neuron(std::string_view name) const;
  const Synapse* find_synapse(std::string_view name) const;
  const Monitor* find_monitor(std::string_view name) const;
  const Monitor* monitor_by_id(SiteId id) const;
  // The name of the site or monitor with this wire id ("site#ID" if neither).
  std::string participant_name(SiteId id) const;
  // Link parameters between two sites (pair entry in either order, else the defaults).
  const LinkConfig& link_between(std::string_view a, std::string_view b) const;
  // Recording directory with {name} and {timestamp} substituted.
  std::string output_dir(std::string_view timestamp) const;
};

// Scales the experiment to a new total duration: schedule phases and step/ramp times are
// multiplied by new/old (phase lengths stay integers of ns; the last phase absorbs rounding so
// a schedule that filled the experiment still fills it). REQUIRES: new_duration > 0.
void scale_duration(Experiment& e, Duration new_duration);

}  // namespace ion::experiment
