// SPDX-License-Identifier: Apache-2.0
#pragma once
// Legacy bridge: lets 2017–2020 lab scripts that speak the 8-byte datagram format (SPEC.md §1,
// wire/legacy.hpp, docs/protocol.md §8) take part in an ion experiment through the hub that
// hosts `[legacy]`. Off unless `legacy.enabled`; only datagrams whose source IP is in
// `legacy.allowed_peers` are read; its traffic is counted separately from ion links.
//
// Inbound ('A' presynaptic partner, 'D' postsynaptic partner): the legacy neuron id is mapped to
// an ion neuron through `legacy.neurons` and the spike goes to the hub role. Times are rebuilt as
// the reference hub did, per partner (source address + sender code), in 50 µs ticks:
//   'A': t = t_prev + ticks (the time since that partner's previous packet);
//   'D': t = t_prev + (ticks − ticks_prev) with a 24-bit wrap (20-bit when both values fit
//        20 bits and the counter went backwards: old senders masked to 20 bits).
// The first packet of a partner is anchored at its arrival time. A rebuilt time is never later
// than the arrival (it is clamped to it, which keeps the anchor on the fastest path), and one
// more than max_lag before the arrival is re-anchored at the arrival (counted `reanchored`).
// 'R' (ready) and every spike bind the packet's neuron id to its source address.
//
// Outbound: a SynapticInput whose post neuron is mapped AND bound to a legacy peer leaves as an
// 'S' datagram to that address: aux = round(255 · weight) (clamped, NaN → 0), ticks =
// experiment time / 50 µs, masked to 24 bits.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/events.hpp"
#include "core/status.hpp"
#include "env/env.hpp"
#include "experiment/model.hpp"
#include "wire/legacy.hpp"

namespace ion::site {

struct LegacyCounters {
  uint64_t received = 0;         // well-formed datagrams from allowed addresses
  uint64_t refused_address = 0;  // source IP not in allowed_peers (not decoded)
  uint64_t malformed = 0;        // wrong length or unknown sender code
  uint64_t unmapped = 0;         // neuron id not in legacy.neurons
  uint64_t ignored = 0;          // 'S' datagrams sent to us (only the hub sends those)
  uint64_t forwarded = 0;        // spikes handed to the hub role
  uint64_t dropped = 0;          // spikes the node did not take (outside the running phase)
  uint64_t reanchored = 0;       // rebuilt time re-anchored at arrival
  uint64_t sent = 0;             // 'S' datagrams sent
  uint64_t send_errors = 0;
  bool operator==(const LegacyCounters&) const = default;
};
std::string to_string(const LegacyCounters& c);

struct LegacyCoreConfig {
  std::vector<SockAddr> allowed;                // port ignored: address family + address only
  std::map<uint32_t, NeuronAddr> neurons;       // legacy id → ion neuron
  Duration max_lag_ns = kSecond;
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
  std::optional<Spike> on_datagram(const SockAddr& from, std::span<const uint8_t> bytes, Time arrival_exp);
  // The 'S' datagram for `in` if its post neuron lives on a bound legacy peer.
  std::optional<Out> on_input(const SynapticInput& in);
  bool allowed(const SockAddr& from) const;
  LegacyCounters& counters() { return counters_; }
  const LegacyCounters& counters() const { return counters_; }

 private:
  struct PartnerClock {
    Time last_exp = 0;
    uint32_t last_ticks = 0;
  };
  Time rebuild_time(const SockAddr& from, const wire::legacy::Packet& p, Time arrival_exp);
  static constexpr size_t kMaxPartners = 4096;  // (address, sender code) time chains kept

  LegacyCoreConfig cfg_;
  std::unordered_map<uint64_t, uint32_t> ids_;      // ion neuron key → legacy id
  std::unordered_map<uint32_t, SockAddr> bound_;    // legacy id → peer address
  std::map<std::pair<SockAddr, uint8_t>, PartnerClock> partners_;
  LegacyCounters counters_;
};

// What the node gives the bridge.
struct LegacyHooks {
  std::function<Time(Time local)> to_experiment;   // local clock → experiment time
  std::function<bool(const Spike&)> on_spike;      // true if the node took it
  std::function<void(std::string_view)> note;      // recorded in the node's log
};

// The bridge on an Env: its own UDP socket at <hub host>:<legacy.port>; a Note with the
// counters every second when they changed, and on report_now() (the node calls it at the end).
class LegacyBridge {
 public:
  // nullptr when the bridge is off or hosted by another site. Errors: bad address, port in use.
  static Result<std::unique_ptr<LegacyBridge>> create_for(const experiment::Experiment& e,
                                                          const experiment::Site& site, Env& env,
                                                          LegacyHooks hooks);
  ~LegacyBridge();
  LegacyBridge(const LegacyBridge&) = delete;
  LegacyBridge& operator=(const LegacyBridge&) = delete;

  // True if the input was for a legacy peer (sent, or counted as a send error).
  bool forward(const SynapticInput& in);
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
};

// Parses a numeric IP ("127.0.0.1", "::1") as a SockAddr with port 0.
Result<SockAddr> parse_ip(const std::string& ip);

}  // namespace ion::site
