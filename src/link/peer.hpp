// SPDX-License-Identifier: Apache-2.0
#pragma once
// Peer: everything one link endpoint knows about one remote site — the wire Channel (epochs,
// send sequence, replay window, keys), the batcher, the receive SequenceTracker, Liveness and,
// toward the time master, ClockSync. Pure state machine: it never touches an Env; the owner
// (Link) gives it a PeerContext with the clock, the send function and the event sink.
//
// Handshake (docs/protocol.md §4.3): until the peer's epoch is adopted we send Hello{reply=false}
// every hello_interval_ns. An unbound hello the Channel accepts (a newer epoch than any known, or
// the one whose hellos we follow) is answered at once with Hello{reply=true} addressed to its
// epoch, which binds the peer to us; its bound traffic then binds us to it. An unbound hello
// changes nothing else: no stream accounting, no liveness, nothing we address. Its sequence number
// is remembered and counted once that epoch is adopted. Events pushed before we know the peer's
// epoch wait in a bounded queue (max_unbound_events).
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "core/events.hpp"
#include "env/sockaddr.hpp"
#include "link/batcher.hpp"
#include "link/clock_sync.hpp"
#include "link/liveness.hpp"
#include "link/sequence_tracker.hpp"
#include "wire/channel.hpp"
#include "wire/codec.hpp"

namespace ion::link {

struct PeerSpec {
  SiteId site = kNoSite;
  SockAddr addr;
  std::optional<wire::Psk> psk;  // absent: insecure link (only with insecure = true on loopback)
  bool insecure = false;
  bool time_master = false;  // this peer is our time master: we run ClockSync against it
  // A declared monitor (docs/protocol.md §3.3): receive-only. Its events, clock replies and status
  // messages are refused as not_permitted and never delivered; its silence is never a problem.
  bool monitor = false;
  // Newest epoch of this peer authenticated under this key in an earlier run (persisted by the
  // owner, wire/epoch_state.hpp); 0 = none. Older epochs are refused as replays.
  uint64_t epoch_floor = 0;
};

struct LinkConfig {
  SiteId self = kNoSite;
  SockAddr bind;  // local socket address (port 0: any)
  // Session epoch; epochs of one site only move forward (docs/protocol.md §4.1). 0: a fresh
  // wire::clock_epoch() (a repeated epoch under the same PSK would reuse nonces, and an older one
  // is refused by peers that saw a newer one). site::Node passes wire::next_epoch() over its saved
  // state; simulated runs that must be byte-reproducible pass a fixed non-zero value.
  uint64_t epoch = 0;
  bool time_master = false;  // we are the master: answer clock probes
  bool monitor = false;      // we are a monitor: accept status messages (copies), nothing else new
  // AEAD suites this node accepts (bits of wire::Aead, wire::aead_offer(); docs/protocol.md §4.2).
  uint8_t aead_offer = 0x01;
  Duration late_after_ns = 0;  // events datagram older than this on arrival (experiment time)
                               // counts as late; 0: no deadline
  Duration hello_interval_ns = 100 * kMillisecond;
  size_t max_unbound_events = 4096;  // events queued while the peer's epoch is unknown
  BatcherConfig batch;
  SequenceTrackerConfig seq;
  LivenessConfig liveness;
  ClockSyncConfig clock;
};

// Sequence numbers at or above this on first sight of a sender epoch mean we joined a running
// stream (we restarted): accounting starts there. Below it, the stream is counted from 0.
inline constexpr uint64_t kHandshakeAnchorSeq = 64;
// Unbound hellos of one not yet adopted epoch whose sequence numbers are remembered.
inline constexpr size_t kMaxRememberedHellos = 64;

// Counters beyond LinkStats (diagnostics; all cumulative).
struct PeerCounters {
  std::array<uint64_t, wire::kWireErrorCount> errors{};  // refused datagrams by class
  uint64_t events_dropped = 0;                           // unbound queue overflow
  uint64_t events_invalid = 0;                           // refused by the encoder (non-finite float, bad enum, site)
  uint64_t send_errors = 0;                              // Env::send_to failures
  uint64_t hellos_sent = 0;
  uint64_t hello_replies = 0;  // Hello{reply=true} sent to unbound hellos
  uint64_t probes_answered = 0;
  uint64_t too_old_recovered = 0;  // reordered across the adoption point, authenticated here
};

// The owner's services, valid for the Peer's lifetime.
struct PeerContext {
  std::function<Time()> local_now;                     // Env::now()
  std::function<Time(Time)> to_experiment;             // local → experiment (identity on the master)
  std::function<bool()> synced;                        // to_experiment is meaningful
  std::function<bool(std::span<const uint8_t>)> send;  // one datagram to the peer
  // Several datagrams to the peer in order (RealEnv: sendmmsg); returns how many were sent.
  // Optional: without it, send() is called for each.
  std::function<size_t(std::span<const std::span<const uint8_t>>)> send_many;
  // Optional: the accepted events of one datagram, in order (LinkHandlers::on_events).
  std::function<void(SiteId, std::span<const Event>)> deliver;
  // Optional (monitors): an accepted status message's framed copies (wire::for_each_copy).
  std::function<void(SiteId, std::span<const uint8_t>)> copies;
  // Optional: a refused datagram of class e; count = this peer's total for that class so far.
  std::function<void(wire::WireError e, uint64_t count)> refused;
  // Optional: the newest authenticated epoch of the peer moved up (persist it).
  std::function<void(uint64_t epoch)> floor_raised;
  // Hold datagrams closed full (padded to the size limit) and send them with the flush that
  // follows, up to kMaxHeldDatagrams at a time: one sendmmsg, in which RealEnv sends each run of
  // equal-size datagrams as one UDP_SEGMENT message. Only with linger 0 (the flush is deferred
  // to the end of the loop iteration). Env::prefers_held_sends(); false in SimEnv.
  bool hold_full_datagrams = false;
};

// The most full datagrams a peer holds before sending them (32 × 1200 B fits one GSO message).
inline constexpr size_t kMaxHeldDatagrams = 32;

// Estimated encoded size of one event record in an events datagram (the batcher's budget unit).
size_t estimated_record_bytes(const Event& e);

class Peer {
 public:
  Peer(const PeerSpec& spec, const LinkConfig& cfg, uint64_t self_epoch, PeerContext ctx);

  SiteId site() const { return spec_.site; }
  const SockAddr& addr() const { return spec_.addr; }

  // ---- outbound ----
  // Queues one event. Returns true when the caller must arrange a flush (see batcher.hpp).
  bool push(const Event& e, Time now_local);
  // The same with the local clock read only if the event opens a batch (now_fn() → local ns).
  // No per-event indirect call and no copy: the event is sized directly, and a batch it does not
  // fit into is encoded from the batcher's buffer straight into the sealing buffers.
  template <class NowFn>
  bool push_lazy(const Event& e, NowFn&& now_fn) {
    const size_t sz = estimated_record_bytes(e);
    if (!batcher_.fits(sz)) {
      batcher_.note_size_flush();
      send_pending(Closed::full);
    }
    return batcher_.add_sized(e, sz, now_fn);
  }
  // Monitor feed (peer_monitor.cpp): sends framed copies (wire::CopyView entries, in order) in as
  // many status datagrams as they need. Nothing is sent before the peer's epoch is known: returns
  // false then, and the caller keeps them. Entries too large for any datagram are skipped and
  // counted in *oversize.
  bool send_copies(std::span<const wire::CopyView> copies, uint64_t* oversize);
  // Sends the pending batch if due (or always with force). Returns true if events remain
  // pending (re-arm at flush_due()).
  bool flush(Time now_local, bool force);
  Time flush_due() const { return batcher_.flush_due(); }

  // ---- inbound ----
  // One datagram whose header names this peer as sender. Returns the liveness transition.
  PeerTransition on_datagram(std::span<const uint8_t> bytes, Time rx_local);
  // A refusal detected before the channel (header did not parse), attributed by address.
  void count_error(wire::WireError e);

  // ---- time ----
  // Hellos, heartbeats, probes, gap settling, down detection. Returns a liveness transition.
  PeerTransition service(Time now_local);
  Time next_deadline() const;
  // Says goodbye (if the peer is addressed).
  void goodbye();

  LinkStats stats(Time now_exp) const;
  const PeerCounters& counters() const { return counters_; }
  const ClockSync* clock() const { return clock_ ? &*clock_ : nullptr; }
  const Liveness& liveness() const { return liveness_; }
  // The tracker of the current sender epoch.
  const SequenceTracker& tracker() const { return tracker_; }
  // Receive accounting summed over every sender epoch seen (what LinkStats reports).
  SeqCounters seq_counters() const;
  const wire::Channel& channel() const { return channel_; }
  // The peer's own view of this link from its last heartbeat.
  const std::optional<LinkStats>& peer_view() const { return peer_view_; }
  uint64_t datagrams_sent() const { return sent_; }
  uint64_t events_sent() const { return events_sent_; }

 private:
  // Why a batch leaves: the next event did not fit (its last datagram is padded), or a flush.
  enum class Closed : uint8_t { partial, full };
  bool addressed() const { return channel_.addressed_epoch() != 0; }
  void send_pending(Closed why = Closed::partial);
  void send_batch(std::span<const Event> events, Closed why);
  void send_events_now(std::span<const Event> events, Closed why);
  wire::DatagramBuilder& staging_builder();
  void stage(std::span<const uint8_t> datagram, uint16_t events);
  void send_staged();
  void send_control(const wire::Control& c);
  bool emit(std::span<const uint8_t> bytes);
  void drain_unbound();
  PeerTransition accept_hello(const wire::Header& h, bool needs_reply, Time rx_local);
  PeerTransition accept_previous(const wire::Header& h, Time rx_local);
  void remember_hello(const wire::Header& h);
  void count_remembered_hellos(const wire::Header& adopting, Time rx_local);
  bool track(const wire::Header& h, Time rx_local);
  bool track_left(const wire::Header& h, Time rx_local);
  void switch_epoch(const wire::Header& h, Time rx_local);
  void retire_left();
  bool recover_too_old(std::span<const uint8_t> bytes);
  PeerTransition accept(const wire::Header& h, Time rx_local);
  bool permitted(wire::MsgType t) const;  // peer_monitor.cpp
  PeerTransition refuse_not_permitted(const wire::Header& h, Time rx_local);
  PeerTransition on_session(PeerTransition t, Time rx_local);
  PeerTransition dispatch(const wire::Header& h, Time rx_local);
  void deliver_events();
  void on_clock_probe(const wire::ClockProbe& p, Time rx_local);
  void service_clock(Time now_local);
  void service_heartbeat(Time now_local);

  PeerSpec spec_;
  LinkConfig cfg_;
  PeerContext ctx_;
  wire::Channel channel_;
  Batcher batcher_;
  SequenceTracker tracker_;                      // current sender epoch
  std::optional<SequenceTracker> left_tracker_;  // the previous one, until its gaps settle
  SeqCounters retired_;                          // trackers no longer kept
  Liveness liveness_;
  std::optional<ClockSync> clock_;
  wire::DatagramBuilder builder_;
  wire::Datagram rx_;
  std::deque<Event> unbound_;
  // Datagrams of one flush, each encoded and sealed in place in its own builder (a deque: stable
  // addresses as it grows) and sent together; every buffer is reused across flushes.
  std::deque<wire::DatagramBuilder> staging_;
  std::vector<std::span<const uint8_t>> staged_;
  std::vector<uint16_t> staged_events_;
  size_t staged_n_ = 0;
  uint64_t tracked_epoch_ = 0;  // sender epoch the tracker counts
  uint64_t left_epoch_ = 0;     // the one it counted before
  // Sequence numbers of the unbound hellos accepted from hello_epoch_ before it was adopted, in
  // arrival order (at most kMaxRememberedHellos): counted as received when it is adopted.
  std::vector<uint64_t> hello_seqs_;
  uint64_t hello_epoch_ = 0;
  Time next_hello_ns_ = 0;
  PeerCounters counters_;
  uint64_t sent_ = 0, events_sent_ = 0, events_received_ = 0;
  uint64_t rejected_ = 0, malformed_ = 0, channel_duplicates_ = 0;
  std::optional<LinkStats> peer_view_;
};

}  // namespace ion::link
