// SPDX-License-Identifier: Apache-2.0
#pragma once
// RealEnv: the Env of a node process. CLOCK_MONOTONIC time, timers in a binary min-heap, one
// epoll loop woken precisely by an absolute timerfd, non-blocking UDP sockets read with recvmmsg
// (kernel receive timestamps via SO_TIMESTAMPNS) and written with sendto/sendmmsg.
//
// One loop iteration: wait → due timers (by time, then scheduling order) → ready datagrams →
// deferred work (everything deferred before the pass started; new defers go to the next pass,
// which does not wait). Threading: single-threaded, except stop(), which any thread or a signal
// handler may call, and LoopWaker::notify() of make_waker's wakers (any thread).
#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "env/env.hpp"
#include "env/loop_waker.hpp"
#include "env/posix_storage.hpp"

namespace ion {

struct RealEnvOptions {
  std::string name = "node";
  uint64_t seed = 0;       // for rng(stream)
  std::string output_dir;  // relative storage() paths go under it (empty: the working directory)
  bool udp_gro = true;     // ask for UDP_GRO on every socket (false: one datagram per receive buffer)
};

// Counters of the loop, for diagnostics and tests.
struct RealEnvStats {
  uint64_t iterations = 0;
  uint64_t timers_fired = 0;
  uint64_t datagrams_received = 0;
  uint64_t recv_batches = 0;         // recvmmsg calls that returned data
  uint64_t datagrams_truncated = 0;  // larger than the receive buffer: dropped
  uint64_t kernel_timestamps = 0;    // datagrams whose rx_time_ns came from SO_TIMESTAMPNS
  uint64_t send_errors = 0;
  // UDP GSO (env/udp_segment.hpp): segmented messages sent, the datagrams they carried, and
  // sockets on which the kernel refused UDP_SEGMENT (those then send every datagram plainly).
  uint64_t gso_messages = 0;
  uint64_t gso_datagrams = 0;
  uint64_t gso_refused = 0;
  // UDP GRO (receive): buffers that held more than one datagram, the datagrams they held, and
  // sockets on which the kernel refused UDP_GRO (those receive one datagram per buffer).
  uint64_t gro_buffers = 0;
  uint64_t gro_datagrams = 0;
  uint64_t gro_refused = 0;
};

// Optional observers of the datagram path, for latency benchmarks (`ion bench hub` splits each
// spike's trip into software, wake-up and kernel/network time with them). Empty by default: the
// loop then pays one branch per wake-up, received datagram and send call. When set, the loop
// also reads the clock once per wake-up and once per send call (with thread_cpu, also the
// thread's CPU clock, a system call). Callbacks run on the loop thread and must not call back
// into the RealEnv's socket functions.
struct RealEnvProbe {
  struct Rx {
    SocketId socket = 0;
    std::span<const uint8_t> data;  // valid only during the callback
    Time kernel_rx_ns = 0;          // Datagram::rx_time (the SO_TIMESTAMPNS stamp when kernel_stamped)
    bool kernel_stamped = false;
    Time woke_ns = 0;      // when the loop's last epoll_wait returned (before this recvmmsg)
    Time user_rx_ns = 0;   // when the recvmmsg that returned the datagram came back
    Time woke_cpu_ns = 0;  // thread CPU clock just before woke_ns was read (thread_cpu only)
  };
  struct Tx {
    SocketId socket = 0;
    std::span<const uint8_t> data;  // valid only during the callback
    Time handoff_ns = 0;            // clock read just before the sendto/sendmmsg that accepted it
    Time handoff_cpu_ns = 0;        // thread CPU clock just after handoff_ns was read (thread_cpu only)
  };
  bool thread_cpu = false;               // also read CLOCK_THREAD_CPUTIME_ID (outside the woke → handoff span)
  std::function<void(const Rx&)> on_rx;  // before the datagram's handler
  std::function<void(const Tx&)> on_tx;  // after the kernel accepted the datagram
};

class RealEnv final : public Env {
 public:
  explicit RealEnv(RealEnvOptions options = {});
  ~RealEnv() override;
  RealEnv(const RealEnv&) = delete;
  RealEnv& operator=(const RealEnv&) = delete;

  // Runs the loop until stop(). Returns an error only if the OS loop itself fails.
  Status run();
  // Runs the loop for `d` (or until stop(), whichever is first). Does not set stopped().
  Status run_for(Duration d);
  // Runs one iteration, waiting at most until `deadline` (local clock) for work.
  Status run_once(Time deadline);

  Time now() const override;
  int64_t wall_now_ns() const override;
  TimerId schedule_at(Time t, std::function<void()> fn) override;
  bool cancel(TimerId id) override;
  void defer(std::function<void()> fn) override;

  // Takes over `fd`, a UDP socket already bound (by `ion run`, which chose its port): the next
  // open_socket for exactly its local address uses it instead of binding a new one. Errors: not
  // a bound UDP/IP socket, or a second adopted socket with the same address. Closed with the Env
  // if never used.
  Status adopt_socket(int fd);
  Result<SocketId> open_socket(const SockAddr& local, DatagramHandler on_receive) override;
  Result<SockAddr> local_address(SocketId s) const override;
  Status send_to(SocketId s, const SockAddr& to, std::span<const uint8_t> bytes) override;
  // One sendmmsg per up to 64 datagrams; runs of equal-size datagrams to one peer go as one
  // UDP_SEGMENT message each (the same datagrams on the wire). If the kernel refuses
  // UDP_SEGMENT on the socket, it is counted (stats().gso_refused) and never used there again;
  // the datagrams are then sent plainly.
  Result<size_t> send_batch(SocketId s, std::span<const OutDatagram> batch) override;
  bool prefers_held_sends() const override { return true; }
  void close_socket(SocketId s) override;

  Rng rng(std::string_view stream) const override;
  Storage& storage() override { return storage_; }

  void stop() override;
  bool stopped() const override { return stop_.load(std::memory_order_relaxed); }
  const std::string& name() const override { return options_.name; }

  // Calls on_readable (level-triggered, on the loop) while `fd` is readable, e.g. a serial port.
  // The fd stays owned by the caller, who must unwatch it before closing it.
  Result<uint32_t> watch_fd(int fd, std::function<void()> on_readable);
  void unwatch_fd(uint32_t watch);
  // A waker (env/loop_waker.hpp) whose notify() — from any thread — runs on_wake on the loop:
  // an eventfd watched like the fd above. The waker must be destroyed before this Env.
  Result<std::unique_ptr<LoopWaker>> make_waker(std::function<void()> on_wake);

  const RealEnvStats& stats() const { return stats_; }
  // Installs (or, with an empty probe, removes) the observers above. Bench instrumentation.
  void set_probe(RealEnvProbe probe) { probe_ = std::move(probe); }
  size_t pending_timers() const { return live_timers_; }
  size_t timer_heap_size() const { return heap_.size(); }  // pending + not yet dropped cancelled ones

 private:
  // Heap entries are small PODs; callbacks live in reusable slots. TimerId = gen << 32 | slot, so
  // a cancelled or fired timer's id never matches again (its stale heap entry is skipped).
  struct HeapEntry {
    Time t;
    uint64_t seq;  // scheduling order
    uint32_t slot;
    uint32_t gen;
  };
  struct TimerSlot {
    std::function<void()> fn;
    uint32_t gen = 1;
    bool live = false;
  };
  struct Socket {
    int fd = -1;
    SockAddr local;
    std::shared_ptr<DatagramHandler> handler;  // shared: a handler may close its own socket
    bool gso = true;                           // UDP_SEGMENT allowed (until the kernel refuses it)
  };
  struct SendPlan;
  struct RecvBuffers;

  Status wait(Time deadline);
  void arm_timerfd(Time deadline);
  void fire_due_timers();
  bool is_live(const HeapEntry& e) const { return slots_[e.slot].live && slots_[e.slot].gen == e.gen; }
  void release_slot(uint32_t slot);
  void compact_heap();
  void run_deferred();
  void drain_socket(SocketId id);
  bool deliver_buffer(SocketId id, int i, Time t_now, Time offset);
  const Socket* find(SocketId id) const;
  Result<int> bound_socket(const SockAddr& local);
  Status send_error(const Socket& sock, const SockAddr& to);  // after a failed send call
  static void plan_send(const Socket& sock, std::span<const OutDatagram> batch, SendPlan& plan);
  bool gso_refused(Socket& sock, const SendPlan& plan);
  size_t datagrams_sent(const SendPlan& plan, size_t messages);

  RealEnvOptions options_;
  PosixStorage storage_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int wake_fd_ = -1;  // eventfd written by stop()
  Status init_status_;
  std::atomic<bool> stop_{false};
  Time armed_at_ns_ = kTimeNever;
  RealEnvProbe probe_;
  Time woke_ns_ = 0;  // last epoll_wait return, read only while probe_.on_rx is set
  Time woke_cpu_ns_ = 0;
  Time probe_cpu_now() const;  // thread CPU clock if probe_.thread_cpu, else 0

  std::vector<HeapEntry> heap_;  // min-heap on (t, seq); may hold stale (cancelled) entries
  std::vector<TimerSlot> slots_;
  std::vector<uint32_t> free_slots_;
  size_t live_timers_ = 0;
  uint64_t next_seq_ = 0;
  std::vector<std::function<void()>> deferred_;
  std::vector<std::function<void()>> running_deferred_;

  std::unordered_map<SocketId, Socket> sockets_;
  std::unordered_map<SockAddr, int> adopted_;  // adopt_socket()'s, not yet opened
  SocketId next_socket_ = 1;
  std::vector<SocketId> ready_;
  struct Watch {
    int fd = -1;
    std::shared_ptr<std::function<void()>> fn;  // shared: a callback may unwatch itself
  };
  std::unordered_map<uint32_t, Watch> watches_;
  uint32_t next_watch_ = 1;
  std::vector<uint32_t> ready_watches_;
  std::unique_ptr<RecvBuffers> rx_;
  RealEnvStats stats_;
};

// The wall clock (CLOCK_REALTIME), ns since the Unix epoch: what RealEnv::wall_now_ns gives, for
// code that has no Env (the CLI's file metadata). Never for timing.
int64_t wall_clock_ns();

}  // namespace ion
