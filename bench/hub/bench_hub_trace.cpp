// SPDX-License-Identifier: Apache-2.0
#include "bench/hub/bench_hub_trace.hpp"

#include <algorithm>

#include "bench/hub/bench_hub_internal.hpp"

namespace ion::hub::bench {
namespace {

// One receive hop: (software, wakeup) of a datagram stamped by the kernel at kernel_rx, read by a
// loop that last woke at `woke`, finished at `done`.
struct HopSplit {
  int64_t software, wakeup;
};
HopSplit hop_split(const HopTrace& h) {
  const Time start = std::max(h.kernel_rx, h.woke);
  return {h.done - start, start - h.kernel_rx};
}

template <class R>
void sort_by_stamp(std::vector<R>& v) {
  std::stable_sort(v.begin(), v.end(), [](const R& a, const R& b) { return a.stamp < b.stamp; });
}

// Advances `i` to the first record of v with stamp >= key; true if it has stamp == key.
template <class R>
bool seek(const std::vector<R>& v, size_t& i, Time key) {
  while (i < v.size() && v[i].stamp < key) ++i;
  return i < v.size() && v[i].stamp == key;
}

}  // namespace

Split split_of(const PathTrace& t) {
  const HopSplit hub = hop_split(t.hub), sil = hop_split(t.sil);
  Split s;
  s.e2e = t.sil.done - t.stamp;
  s.sw_bio = t.sent - t.stamp;
  s.sw_hub = hub.software;
  s.sw_silicon = sil.software;
  s.software = s.sw_bio + s.sw_hub + s.sw_silicon;
  s.software_cpu = t.bio_cpu + t.hub.cpu + t.sil.cpu;
  s.wakeup = hub.wakeup + sil.wakeup;
  s.wire = (t.hub.kernel_rx - t.sent) + (t.sil.kernel_rx - t.hub.done);
  return s;
}

std::vector<PathTrace> join_traces(std::vector<BioRecord>& bio, std::vector<HopRecord>& hub,
                                   std::vector<HopRecord>& sil) {
  sort_by_stamp(bio);
  sort_by_stamp(hub);
  sort_by_stamp(sil);
  std::vector<PathTrace> out;
  out.reserve(std::min({bio.size(), hub.size(), sil.size()}));
  size_t h = 0, s = 0;
  Time last = 0;
  for (size_t b = 0; b < bio.size(); ++b) {
    const Time key = bio[b].stamp;
    if (b > 0 && key == last) continue;  // duplicate key: first record only
    last = key;
    if (!seek(hub, h, key) || !seek(sil, s, key)) continue;
    out.push_back(PathTrace{key, bio[b].sent, hub[h].hop, sil[s].hop, bio[b].cpu});
  }
  return out;
}

Breakdown breakdown_of(const std::vector<PathTrace>& traces, uint64_t sent) {
  std::vector<int64_t> e2e, sw, wake, wire, sw_wake, bio, hub, sil, cpu;
  for (auto* v : {&e2e, &sw, &wake, &wire, &sw_wake, &bio, &hub, &sil, &cpu}) v->reserve(traces.size());
  for (const PathTrace& t : traces) {
    const Split s = split_of(t);
    e2e.push_back(s.e2e);
    sw.push_back(s.software);
    wake.push_back(s.wakeup);
    wire.push_back(s.wire);
    sw_wake.push_back(s.software + s.wakeup);
    bio.push_back(s.sw_bio);
    hub.push_back(s.sw_hub);
    sil.push_back(s.sw_silicon);
    cpu.push_back(s.software_cpu);
  }
  Breakdown b;
  b.traced = traces.size();
  b.e2e = detail::latency_of(e2e, sent);
  b.software = detail::latency_of(sw, sent);
  b.wakeup = detail::latency_of(wake, sent);
  b.wire = detail::latency_of(wire, sent);
  b.software_wakeup = detail::latency_of(sw_wake, sent);
  b.sw_bio = detail::latency_of(bio, sent);
  b.sw_hub = detail::latency_of(hub, sent);
  b.sw_silicon = detail::latency_of(sil, sent);
  b.software_cpu = detail::latency_of(cpu, sent);
  return b;
}

}  // namespace ion::hub::bench
