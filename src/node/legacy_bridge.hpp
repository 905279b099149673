// SPDX-License-Identifier: Apache-2.0
#pragma once
// Legacy bridge: lets 2017–2020 lab programs that speak the 8-byte datagram format
// (wire/legacy.hpp) take part in an ion experiment through the hub that hosts `[legacy]`, with
// the meanings the reference hub gave the fields (arc1_pyqt ProgPanels/UDPmod.py at 63b6fb3;
// every rule and its line is in docs/protocol.md §8, which also says which parts are ion's).
//
// Inbound, per datagram from an allowed address (ion: allow-list, counted refusals):
//   'A': an action potential whatever its aux. Its tick field is the time since the previous
//        'A' packet of ANY partner: one hub clock, advanced by every 'A' packet, mapped or not.
//   'D': aux 0 PSP, 1 stimulated AP, 2 spontaneous AP (other values: ignored). Its time is the
//        latest spike of the neuron's presynaptic neurons (this hub's synapses) + the tick field,
//        or the neuron's own previous spike + the field when it has no presynaptic neuron.
//        Only APs are registered as a neuron's spike (a PSP is never anyone's reference).
//   'S', 'R': hub → partner packets; counted `ignored`. 'R' binds nothing.
// ion's additions to time keeping: the first 'A' anchors the hub clock at its arrival; a time
// later than the arrival is taken at the arrival (`clamped`), one more than max_lag earlier is
// taken at the arrival (`reanchored`); a field that fits 20 bits and lags by whole 2^20-tick
// turns is unwrapped (old 20-bit senders); a 'D' with no reference spike yet is taken at its
// arrival (`no_reference`).
//
// Outbound: a SynapticInput for a mapped neuron leaves as one 'S' datagram: aux = the
// reference byte of the synapse's latest recorded read-back (hub::WeightMap::legacy_byte), time
// = the presynaptic spike on the hub clock in ticks, masked to 20 bits. Destination, binding
// "configured" (the reference): inputs caused by an 'A' spike go to post_partner, those caused
// by a 'D' spike to pre_partner, those caused by an ion spike over ion. Binding "learned"
// (ion): the address that last sent an 'A'/'D' packet for the id.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/events.hpp"
#include "core/status.hpp"
#include "env/env.hpp"
#include "experiment/model.hpp"
#include "site/hub/hub_core.hpp"
#include "wire/legacy.hpp"

namespace ion::site {

struct LegacyCounters {
  uint64_t received = 0;         // well-formed datagrams from allowed addresses
  uint64_t refused_address = 0;  // source IP not in allowed_peers (not decoded)
  uint64_t malformed = 0;        // wrong length or unknown sender code
  uint64_t unmapped = 0;         // 'A'/'D' with a neuron id not in legacy.neurons
  uint64_t ignored = 0;          // 'S' or 'R' sent to us, 'D' with aux > 2
  uint64_t forwarded = 0;        // spikes handed to the hub role
  uint64_t dropped = 0;          // spikes the node did not take (outside the running phase)
  uint64_t clamped = 0;          // rebuilt time later than the arrival: taken at the arrival
  uint64_t reanchored = 0;       // rebuilt time more than max_lag before the arrival: taken at it
  uint64_t no_reference = 0;     // 'D' whose reference neurons have not spiked: taken at arrival
  uint64_t sent = 0;             // 'S' datagrams sent
  uint64_t send_errors = 0;
  bool operator==(const LegacyCounters&) const = default;
};
std::string to_string(const LegacyCounters& c);

enum class LegacyBinding : uint8_t { configured, learned };

struct LegacyCoreConfig {
  std::vector<SockAddr> allowed;           // port ignored: address family + address only
  std::map<uint32_t, NeuronAddr> neurons;  // legacy id → ion neuron
  std::vector<hub::HubSynapse> synapses;   // this hub's: presynaptic neurons, weight maps
  std::optional<SockAddr> pre_partner;     // gets the 'S' of inputs caused by 'D' spikes
  std::optional<SockAddr> post_partner;    // gets the 'S' of inputs caused by 'A' spikes
  LegacyBinding binding = LegacyBinding::configured;
  Duration max_lag_ns = kSecond;
};

// A spike rebuilt from an 'A' or 'D' datagram.
struct LegacySpike {
  Spike spike;
  wire::legacy::Sender sender = wire::legacy::Sender::presynaptic;
};

// The bridge's logic, free of I/O and clocks (experiment times are passed in).
class LegacyCore {
 public:
  struct Out {
    SockAddr to;
    std::array<uint8_t, wire::legacy::kBytes> bytes{};
  };

  explicit LegacyCore(LegacyCoreConfig cfg);
  // One datagram from `from`, arrived at experiment time arrival_exp. The spike to forward, if any.
  std::optional<LegacySpike> on_datagram(const SockAddr& from, std::span<const uint8_t> bytes, Time arrival_exp);
  // A spike the hub got over ion: a reference for 'D' times (PSPs and unknown neurons are not).
  void saw_spike(const Spike& s);
  // A device read-back the hub recorded: the resistance the next 'S' bytes of its synapse use.
  void on_weight(const WeightUpdate& w);
  // The 'S' datagram for `in`, if it goes to a legacy partner. `cause`: the sender code of the
  // legacy spike that made the hub emit `in`, or nullopt for a spike that came over ion.
  std::optional<Out> on_input(const SynapticInput& in, std::optional<wire::legacy::Sender> cause);
  bool allowed(const SockAddr& from) const;
  LegacyCounters& counters() { return counters_; }
  const LegacyCounters& counters() const { return counters_; }

 private:
  // The reference's running tick count of 'A' packets and the experiment time of its tick 0.
  struct HubClock {
    bool anchored = false;
    uint64_t ticks = 0;
    Time origin_ns = 0;
  };
  std::optional<LegacySpike> on_presynaptic(const SockAddr& from, const wire::legacy::Packet& p, Time arrival);
  std::optional<LegacySpike> on_postsynaptic(const SockAddr& from, const wire::legacy::Packet& p, Time arrival);
  const NeuronAddr* mapped(uint32_t id);
  Time advance_clock(uint32_t field, Time arrival);
  Time postsynaptic_time(const NeuronAddr& n, uint32_t field, Time arrival);
  std::optional<Time> reference(const NeuronAddr& n) const;
  Time settle(Time candidate, Time arrival);
  std::optional<SockAddr> destination(uint32_t id, std::optional<wire::legacy::Sender> cause) const;
  uint8_t weight_byte(const SynapticInput& in) const;
  uint32_t hub_ticks(Time t) const;

  LegacyCoreConfig cfg_;
  std::unordered_map<uint64_t, uint32_t> ids_;                  // ion neuron key → legacy id
  std::unordered_map<uint64_t, std::vector<uint64_t>> pre_of_;  // neuron key → presynaptic keys
  std::unordered_set<uint64_t> tracked_;                        // neurons whose spikes are kept
  std::unordered_map<SynapseId, hub::WeightMap> maps_;
  std::unordered_map<SynapseId, double> resistance_;  // latest recorded read-back
  std::unordered_map<uint64_t, Time> last_spike_;     // neuron key → last registered spike
  std::unordered_map<uint32_t, SockAddr> bound_;      // learned binding: id → address
  HubClock clock_;
  LegacyCounters counters_;
};

// What the node gives the bridge.
struct LegacyHooks {
  std::function<Time(Time local)> to_experiment;  // local clock → experiment time
  std::function<bool(const Spike&)> on_spike;     // true if the node took it
  std::function<void(std::string_view)> note;     // recorded in the node's log
};

// The bridge on an Env: its own UDP socket at <hub host>:<legacy.port>; a Note with the
// counters every second when they changed, and on report_now() (the node calls it at the end).
class LegacyBridge {
 public:
  // nullptr when the bridge is off or hosted by another site. Errors: bad address, port in use.
  static Result<std::unique_ptr<LegacyBridge>> create_for(const experiment::Experiment& e, const experiment::Site& site,
                                                          Env& env, LegacyHooks hooks);
  ~LegacyBridge();
  LegacyBridge(const LegacyBridge&) = delete;
  LegacyBridge& operator=(const LegacyBridge&) = delete;

  // True if the input was for a legacy partner (sent, or counted as a send error). Relies on
  // the hub role emitting an input synchronously inside on_spike (hub_core.hpp: forwarding
  // never waits), which is how an input is traced to the legacy spike that caused it.
  bool forward(const SynapticInput& in);
  void saw_spike(const Spike& s) { core_.saw_spike(s); }
  void on_weight(const WeightUpdate& w) { core_.on_weight(w); }
  const LegacyCounters& counters() const { return core_.counters(); }
  // Records the counters now (Note), whether or not they changed.
  void report_now();
  SockAddr local_address() const { return local_; }

 private:
  LegacyBridge(Env& env, LegacyCoreConfig cfg, LegacyHooks hooks);
  void on_datagram(const Datagram& d);
  void report();

  Env& env_;
  LegacyCore core_;
  LegacyHooks hooks_;
  SocketId sock_ = 0;
  SockAddr local_;
  LegacyCounters reported_;
  TimerId timer_ = 0;
  std::optional<wire::legacy::Sender> cause_;  // set while the node takes a legacy spike
};

// Parses a numeric IP ("127.0.0.1", "::1") as a SockAddr with port 0.
Result<SockAddr> parse_ip(const std::string& ip);

}  // namespace ion::site
