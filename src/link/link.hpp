// SPDX-License-Identifier: Apache-2.0
#pragma once
// Link: one node's transport endpoint on an Env — one UDP socket, one Peer per remote site.
// Drives the Peer state machines from Env callbacks only: datagrams from open_socket's handler,
// one service timer (schedule_at) at the earliest peer deadline, flushes via Env::defer (linger 0)
// or a timer (linger > 0). No threads, no I/O of its own; identical on RealEnv and SimEnv.
//
// Time: the time master (LinkConfig::time_master) maps local time to experiment time by
// identity; every other node maps through its ClockSync against the peer marked time_master
// (identity until the first wave has completed; see synced()).
//
// Lifetime: Env callbacks hold only a weak token, so destroying the Link (or calling close())
// makes pending callbacks no-ops. REQUIRES: the Env outlives the Link; the Link is not destroyed
// from inside one of its own handlers (close() there is fine).
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/status.hpp"
#include "env/env.hpp"
#include "link/peer.hpp"

namespace ion::link {

struct LinkHandlers {
  // Accepted inbound events, one call per events datagram that carries any: its events in wire
  // order (docs/protocol.md §3), all of them: a datagram is accepted or refused whole, so a refused
  // one delivers nothing. The span lives only during the call (it is the Peer's receive buffer).
  std::function<void(SiteId from, std::span<const Event> events)> on_events;
  // Monitors: the framed copies of an accepted status message (wire::for_each_copy).
  std::function<void(SiteId from, std::span<const uint8_t> copies)> on_copies;
  std::function<void(const LinkStats& s)> on_stats;            // every heartbeat + transitions
  std::function<void(SiteId peer, PeerTransition t)> on_peer;  // up/down/recovered/restarted
  // Capture tap (diagnostics, tests): every datagram the socket receives, before any check.
  std::function<void(const Datagram& d)> on_raw;
  // A peer's datagrams refused by class, reported when that class's count reaches 1, 10, 100, …
  // (count = the total so far), so that a refusal is never silent and a flood is not a log flood.
  std::function<void(SiteId peer, wire::WireError e, uint64_t count)> on_refused;
  // The newest authenticated epoch of a peer moved up: the owner persists it (the epoch floor of
  // PeerSpec in the next run).
  std::function<void(SiteId peer, uint64_t epoch)> on_peer_epoch;
};

// Adapts a per-event handler f(SiteId from, const Event& e) to LinkHandlers::on_events: one
// indirect call per datagram, and f called directly (inlined) for each of its events in order.
template <class F>
auto each_event(F f) {
  return [f = std::move(f)](SiteId from, std::span<const Event> events) mutable {
    for (const Event& e : events) f(from, e);
  };
}

// Datagrams that could not be attributed to a configured peer.
struct LinkCounters {
  uint64_t unknown_peer = 0;                                   // parsed header from a site we have no peer for
  std::array<uint64_t, wire::kWireErrorCount> unattributed{};  // header refused, sender unknown
};

class Link {
 public:
  // Validates the configuration (message names the bad field), opens the socket, starts timers.
  // Insecure peers are refused unless both the bind address and the peer address are loopback.
  static Result<std::unique_ptr<Link>> create(Env& env, LinkConfig cfg, std::vector<PeerSpec> peers,
                                              LinkHandlers handlers);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Queues one event for a peer; it leaves when the loop is idle (or on size / linger).
  Status send(SiteId to, const Event& e);
  // Monitor feed: copies for a monitor peer (Peer::send_copies). False: not sent (no such peer,
  // closed, or the monitor not addressed yet); the caller keeps them.
  bool send_copies(SiteId to, std::span<const wire::CopyView> copies, uint64_t* oversize);
  // Sends every pending batch now.
  void flush_all();
  // Goodbye to every addressed peer, then closes the socket. Idempotent.
  void close();

  Time to_experiment(Time local_ns) const;
  Time experiment_now() const { return to_experiment(env_.now()); }
  // True on the master, or once ClockSync has an estimate.
  bool synced() const;
  // 2σ statistical uncertainty of experiment_now() (0 on the master; kTimeNever if unsynced).
  Duration clock_uncertainty_ns() const;
  const ClockSync* clock() const;

  Result<LinkStats> stats(SiteId peer) const;
  std::vector<LinkStats> all_stats() const;
  const Peer* peer(SiteId site) const;
  const LinkCounters& counters() const { return counters_; }
  SockAddr local_address() const { return local_; }
  uint64_t epoch() const { return epoch_; }

 private:
  Link(Env& env, LinkConfig cfg, LinkHandlers handlers);
  Status init(std::vector<PeerSpec> peers);
  PeerContext context_for(size_t index);
  void on_datagram(const Datagram& d);
  Peer* find_site(SiteId s) const;
  Peer* find_addr(const SockAddr& a) const;
  void after_transition(Peer& p, PeerTransition t);
  void arm_flush(size_t index);
  void run_flush(size_t index);
  void service();
  void rearm();
  void rearm_for(const Peer& p);
  void arm_timer(Time next);

  Env& env_;
  LinkConfig cfg_;
  LinkHandlers handlers_;
  uint64_t epoch_ = 0;
  SocketId sock_ = 0;
  bool open_ = false;
  SockAddr local_;
  std::vector<std::unique_ptr<Peer>> peers_;
  // Peer lookups of the receive and send paths in O(1) whatever the number of peers. By site: a
  // table indexed by site id, as long as the highest peer site id + 1 (at most 64 Ki entries of 2
  // bytes), kNoPeer where no peer: one bounds check and one load per event sent or datagram
  // received (a hash map costs a division per lookup; docs/benchmarks.md, "Receive path per
  // event"). By address (only refusals of unparseable headers): the first peer with that address.
  static constexpr uint16_t kNoPeer = UINT16_MAX;
  std::vector<uint16_t> by_site_;
  std::unordered_map<SockAddr, size_t> by_addr_;
  size_t site_index(SiteId s) const { return s < by_site_.size() ? by_site_[s] : kNoPeer; }
  std::vector<bool> flush_armed_;
  std::vector<OutDatagram> out_;  // send_many's batch, reused across flushes
  Peer* master_ = nullptr;
  LinkCounters counters_;
  TimerId timer_ = 0;
  Time timer_at_ns_ = kTimeNever;
  std::shared_ptr<Link*> token_;  // callbacks hold a weak_ptr; reset on close/destroy
};

}  // namespace ion::link
