// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion bench hub`: the paired, per-spike split of bio → hub → silicon latency (pure logic).
//
// Every time is CLOCK_MONOTONIC ns; the three endpoints are threads of one process, so their
// clocks are the same clock. For one spike:
//   stamp            bio stamps the spike (Spike.t)
//   sent             bio hands the datagram to the kernel (clock read just before sendto/sendmmsg)
//   hub.kernel_rx    the kernel's SO_TIMESTAMPNS receive stamp at the hub socket
//   hub.woke         the hub loop's last return from its wait (epoll_wait / poll) before the read
//   hub.done         the hub hands the forwarded datagram to the kernel
//   sil.kernel_rx, sil.woke as above at silicon; sil.done: silicon's handler sees the input.
// Split (exact: e2e = software + wakeup + wire):
//   software  time in user space on the path: (sent − stamp) + Σ_hop (done − max(kernel_rx, woke)).
//             A datagram that arrives while its loop is already awake waits in software.
//   wakeup    Σ_hop max(0, woke − kernel_rx): the datagram was queued while its thread slept, until
//             the scheduler ran the thread again (scheduling/hypervisor, not the program's work).
//   wire      (hub.kernel_rx − sent) + (sil.kernel_rx − hub.done): send syscall + loopback stack.
// software + wakeup is the literal "stamp → handoff" software time of the brief.
// software_cpu  the same sites' thread CPU time (CLOCK_THREAD_CPUTIME_ID) over stamp → sent and
//             woke → done: the work itself, without the time the thread was preempted while awake
//             (from `woke`, so it may include work on earlier datagrams of the same pass).
#include <cstdint>
#include <vector>

#include "bench/hub/bench_hub.hpp"
#include "core/time.hpp"

namespace ion::hub::bench {

struct HopTrace {
  Time kernel_rx = 0, woke = 0, done = 0;
  Duration cpu = 0;  // thread CPU time over woke → done
};

struct PathTrace {
  Time stamp = 0, sent = 0;
  HopTrace hub, sil;
  Duration bio_cpu = 0;  // bio thread CPU time over stamp → sent
};

struct Split {
  int64_t e2e = 0, software = 0, wakeup = 0, wire = 0, software_cpu = 0;
  int64_t sw_bio = 0, sw_hub = 0, sw_silicon = 0;  // software = their sum
};

// The split of one spike's trip (see the header comment).
Split split_of(const PathTrace& t);

// Per-site records, keyed by the spike's stamp (carried unchanged in Spike.t → SynapticInput.t).
struct BioRecord {
  Time stamp = 0, sent = 0;
  Duration cpu = 0;
};
struct HopRecord {
  Time stamp = 0;
  HopTrace hop;
};

// The spikes present in all three record sets, in stamp order. A key repeated in one set (a
// duplicate datagram) counts once, with its first record. Sorts its arguments.
std::vector<PathTrace> join_traces(std::vector<BioRecord>& bio, std::vector<HopRecord>& hub,
                                   std::vector<HopRecord>& sil);

// Percentiles (p50, p99, p99.9, max; nearest-rank) of each part over the traces; `sent` is copied
// into every Lat. Empty input: all zero.
Breakdown breakdown_of(const std::vector<PathTrace>& traces, uint64_t sent);

}  // namespace ion::hub::bench
