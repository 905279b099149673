// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Env: every node's only door to time, timers, randomness, datagrams and files.
// The same node code runs on RealEnv (monotonic clock, UDP sockets, real-time pacing, the real
// file system) and on a SimEnv node (virtual integer-ns clock, simulated network, files with
// injectable failures) — see docs/architecture.md, section env/.
//
// Threading: an Env and everything driven by it is single-threaded. Callbacks (timers, receivers,
// deferred work) run on the loop, one at a time, never re-entrantly.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/prng.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "env/sockaddr.hpp"
#include "env/storage.hpp"

namespace ion {

using TimerId = uint64_t;  // 0 is never a valid id
using SocketId = uint32_t;

// A received datagram. `data` is valid only during the callback.
struct Datagram {
  SockAddr from;
  std::span<const uint8_t> data;
  Time rx_time_ns = 0;  // local clock at reception (kernel timestamp where available)
};
using DatagramHandler = std::function<void(const Datagram&)>;

// One outgoing datagram of a batch (see Env::send_batch). `data` must stay valid during the call.
struct OutDatagram {
  SockAddr to;
  std::span<const uint8_t> data;
};

class Env {
 public:
  virtual ~Env() = default;

  // This node's local clock (ns). Monotonic. On SimEnv it includes the node's offset and drift.
  virtual Time now() const = 0;
  // Wall-clock time (ns since the Unix epoch, UTC) for labelling a recording with when it was
  // made — never for timing. RealEnv: CLOCK_REALTIME. SimEnv: 0, so simulated runs (and their
  // logs) stay identical for a seed whatever the date.
  virtual int64_t wall_now_ns() const = 0;

  // Runs fn once when now() >= t (local clock). Timers due at the same instant run in the order
  // they were scheduled. Returns an id usable with cancel().
  virtual TimerId schedule_at(Time t, std::function<void()> fn) = 0;
  TimerId schedule_after(Duration d, std::function<void()> fn) { return schedule_at(now() + d, std::move(fn)); }
  // True if the timer was pending and will no longer run.
  virtual bool cancel(TimerId id) = 0;
  // Runs fn once the loop has no other work ready at the current instant (after every timer and
  // datagram that is already due). Used by link batchers: "send when nothing else is ready".
  virtual void defer(std::function<void()> fn) = 0;

  // Binds a UDP socket at `local` (port 0: any free port). Datagrams arriving there go to
  // `on_receive`. Fails with a clear message if the address is in use or not local.
  virtual Result<SocketId> open_socket(const SockAddr& local, DatagramHandler on_receive) = 0;
  virtual Result<SockAddr> local_address(SocketId s) const = 0;
  // Sends one datagram; never blocks. A full socket buffer is an error the caller counts.
  virtual Status send_to(SocketId s, const SockAddr& to, std::span<const uint8_t> bytes) = 0;
  virtual void close_socket(SocketId s) = 0;
  // Sends datagrams in order (RealEnv: one sendmmsg per up to 64). Returns how many were sent; it
  // stops at the first failure and returns that failure only if nothing was sent.
  virtual Result<size_t> send_batch(SocketId s, std::span<const OutDatagram> batch) {
    size_t sent = 0;
    for (const OutDatagram& d : batch) {
      Status st = send_to(s, d.to, d.data);
      if (!st.is_ok()) {
        if (sent == 0) return st;
        break;
      }
      ++sent;
    }
    return sent;
  }

  // True if sending many datagrams in one send_batch is much cheaper than one at a time (RealEnv:
  // one sendmmsg, equal-size runs as UDP_SEGMENT), so senders may hold full datagrams briefly.
  // SimEnv: false, so simulated send order and times stay as they were.
  virtual bool prefers_held_sends() const { return false; }

  // A reproducible random stream for a named subsystem of this node (same seed → same numbers).
  virtual Rng rng(std::string_view stream) const = 0;

  // The storage facet: every file the node persists (event log, crossbar state and write-ahead
  // log, clock origin, keys) is opened, written, synced, renamed, read and removed through it.
  // Contract (errors, short writes, failed syncs, locks) in env/storage.hpp. RealEnv: the real
  // file system; SimEnv: the world's SimStorage (real files, injectable ENOSPC/EIO/fsync faults).
  virtual Storage& storage() = 0;

  // Asks the loop driving this node to stop (RealEnv: run() returns; SimEnv: the node's timers
  // and sockets are dropped). Idempotent.
  virtual void stop() = 0;
  virtual bool stopped() const = 0;

  // The node's name (for logs and random streams).
  virtual const std::string& name() const = 0;
};

}  // namespace ion
