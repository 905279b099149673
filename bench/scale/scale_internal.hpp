// SPDX-License-Identifier: Apache-2.0
#pragma once
// Pieces of `ion bench scale` shared by its source files.
#include <cstdint>
#include <string>
#include <vector>

#include "bench/scale/bench_scale.hpp"
#include "site/hub/hub_core.hpp"

namespace ion::scale::bench::detail {

// CLOCK_MONOTONIC, ns.
Time mono_now();
// CLOCK_PROCESS_CPUTIME_ID, ns.
Time process_cpu_now();

// heap_bytes: glibc mallinfo2().uordblks (bytes allocated and not freed, mmapped chunks included
// via hblkhd); rss_bytes: resident pages of /proc/self/statm. Deltas of heap_bytes are exact for
// what a structure allocates; RSS deltas also see pages the allocator kept from earlier rows.
struct MemorySample {
  int64_t heap_bytes = 0, rss_bytes = 0;
};
MemorySample memory_now();

// The q-quantile of v (reorders v); 0 when empty.
double percentile_ns(std::vector<int64_t>& v, double q);

// One point of each in-process table; every loop is bounded by bound_ns and a spike count.
Result<Point> synapse_point(uint64_t n, Duration bound_ns, uint64_t& device_errors);
Result<Point> peer_point(uint32_t sites, uint64_t n, Duration bound_ns, uint64_t& device_errors);
Result<MemoryRow> synapse_memory(uint64_t n);
// The loopback table: a hub Link with `peers` authenticated peers on host (real UDP), the peers
// offering rate_hz spikes/s in total for `span`; bounded by handshake (5 s) and span + 5 s.
Result<Point> loopback_point(uint32_t peers, const std::string& host, Duration span, double rate_hz);
std::vector<hub::HubSynapse> loopback_synapses(uint32_t peers);
// Heap per neuron of a Population of `model` (n neurons) and the cost of one step per neuron.
Result<MemoryRow> neuron_memory(const std::string& model, uint64_t n, Duration bound_ns);
// run_sim of the generated experiment in a fresh temporary directory (removed afterwards).
Result<RunRow> run_point(const RunSize& size, uint64_t seed);

}  // namespace ion::scale::bench::detail
