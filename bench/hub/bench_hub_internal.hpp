// SPDX-License-Identifier: Apache-2.0
#pragma once
// Pieces of `ion bench hub` shared by its source files.
#include <memory>
#include <vector>

#include "bench/hub/bench_hub.hpp"
#include "bench/hub/bench_hub_trace.hpp"
#include "bench/link/bench_udp.hpp"
#include "device/sim_crossbar.hpp"
#include "env/sockaddr.hpp"
#include "link/link.hpp"
#include "site/hub/hub_core.hpp"

namespace ion::hub::bench::detail {

inline constexpr SiteId kBio = 0, kHub = 1, kSilicon = 2;

// The ring of SRDP synapses over n bio neurons (see bench_hub.hpp), cells row-major on 32 × 32;
// their counting window is kRingWindow.
inline constexpr Duration kRingWindow = 10 * kMillisecond;
std::vector<HubSynapse> ring_synapses(uint32_t n);
// The input HubCore forwards for spike s of ring neuron j (synapse j + 1: j → j + 1), weight 0.5:
// the forward-only baseline sends exactly these records, so both hubs put the same bytes on the wire.
SynapticInput ring_input(const Spike& s, uint32_t n);
// The ring's crossbar: 32 × 32 cells for up to 1024 synapses, 1024 × 1024 above (synapse j on
// word j / side, bit j % side).
uint32_t crossbar_side(uint32_t synapses);
Result<std::unique_ptr<device::SimulatedCrossbar>> bench_crossbar(uint32_t synapses);
using ::ion::link::bench::udp::mono_now;
// A UDP socket bound to host:port (0: any) with 4 MiB buffers; -1 on failure.
using ::ion::link::bench::udp::bound_socket;
using ::ion::link::bench::udp::port_of;
// host:port as a socket address. REQUIRES: host is an IP address (the bench's --host).
SockAddr addr(const std::string& host, uint16_t port);
// Datagrams refused (rejected + malformed) by l from peer.
uint64_t auth_failures(const link::Link& l, SiteId peer);
// Sorts samples (ns) and fills the percentiles (µs); warm-up samples must already be dropped.
Lat latency_of(std::vector<int64_t>& samples_ns, uint64_t sent);

// hub_monitor: hub with a read-only monitor attached (a 4th Link on its own thread): the hub
// copies every spike it receives and every input it forwards to it through a MonitorFeed.
// hub_mt: the hub with its HubCore on a second thread (bench_hub_mt.hpp, --hub-threads 2).
enum class HubMode { hub, forward, hub_monitor, hub_mt };
inline constexpr SiteId kMonitor = 3;
// The networked hubs run their rules at least every kRuleBatch spikes (bench_hub_net.cpp,
// DeferredRules), besides once per loop pass.
inline constexpr uint32_t kRuleBatch = 1024;

// Latency samples of one phase (ns, warm-up dropped) and the spikes offered after warm-up.
struct Samples {
  std::vector<int64_t> ns;
  uint64_t sent = 0;
  std::vector<PathTrace> traces;  // the paired split's timestamps, warm-up dropped
  uint64_t kernel_rx_missing = 0;
};

struct NetOutcome {
  Rate rate;
  Samples lat;
  uint64_t auth_failures = 0;
  uint64_t device_errors = 0;
  uint64_t monitor_records = 0, monitor_dropped = 0;  // hub_monitor: copies received / dropped by the feed
  uint64_t ring_full_waits = 0;                       // hub_mt: pushes that waited for a slot (both rings)
};

// Three Links on three threads (bio → hub → silicon). latency: paced at cfg.rate_hz, else
// saturating. Errors: handshake timeout, socket failures.
Result<NetOutcome> run_net_phase(const BenchHubConfig& cfg, HubMode mode, bool latency);
// Raw UDP relay: sender → hop → receiver, one timestamped 64-byte datagram per spike.
Result<Samples> run_raw_two_hop(const BenchHubConfig& cfg);

// The wake-up + fixed-work platform baseline (bench_hub_wake.cpp), appended to across rounds.
struct WakeWorkSamples {
  uint64_t iters = 0;                    // work size, calibrated to target_ns warm
  std::vector<int64_t> wall_ns, cpu_ns;  // right after each timerfd wake-up
  std::vector<int64_t> warm_ns;          // the same work back to back
  uint64_t sink = 0;                     // keeps the work observable
};
// memory: the work reads a 512 KiB working set (else registers only).
Status run_wake_work(const BenchHubConfig& cfg, Duration target_ns, bool memory, WakeWorkSamples& into);

}  // namespace ion::hub::bench::detail
