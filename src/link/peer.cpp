// SPDX-License-Identifier: Apache-2.0
#include "link/peer.hpp"

#include <algorithm>
#include <utility>

#include "wire/records.hpp"

namespace ion::link {

namespace {
wire::ChannelConfig channel_config(const PeerSpec& spec, const LinkConfig& cfg, uint64_t epoch) {
  wire::ChannelConfig c;
  c.self = cfg.self;
  c.peer = spec.site;
  c.self_epoch = epoch;
  c.psk = spec.psk;
  c.insecure_allowed = spec.insecure;
  c.peer_epoch_floor = spec.epoch_floor;
  c.aead_offer = cfg.aead_offer;
  return c;
}

// Size estimate for the batcher: the record as encoded against a base 1 ms from its own time
// (a 3-byte time offset). Events wait between push and send, so their offsets are rarely 0; an
// estimate made at offset 0 was short by ~2 bytes per spike, and a full batch then left as one
// full datagram plus a ~40 % remainder (measured with `ion bench link`: 114 instead of ~160
// spikes per datagram).
size_t estimate_record(const Event& e) {
  return std::visit([](const auto& v) { return wire::records::size(v, v.t + kMillisecond); }, e);
}
}  // namespace

size_t estimated_record_bytes(const Event& e) { return estimate_record(e); }

Peer::Peer(const PeerSpec& spec, const LinkConfig& cfg, uint64_t self_epoch, PeerContext ctx)
    : spec_(spec),
      cfg_(cfg),
      ctx_(std::move(ctx)),
      channel_(channel_config(spec, cfg, self_epoch)),
      batcher_(cfg.batch),
      tracker_(cfg.seq),
      liveness_(cfg.liveness) {
  if (spec.time_master && !cfg.time_master) clock_.emplace(cfg.clock);
  // The most events one datagram can carry: decoding never grows this buffer afterwards.
  rx_.events.reserve((wire::kMaxDatagramBytes - wire::kHeaderBytes) / wire::records::kMinRecordBytes);
  const Time now = ctx_.local_now();
  liveness_.start(now);
  next_hello_ns_ = now;
}

// ---------------------------------------------------------------- outbound

bool Peer::push(const Event& e, Time now_local) {
  return push_lazy(e, [now_local] { return now_local; });
}

bool Peer::flush(Time now_local, bool force) {
  if (force ? !batcher_.empty() : batcher_.due(now_local)) send_pending();
  if (staged_n_ > 0) send_staged();  // held full datagrams never wait for a later flush
  return !batcher_.empty();
}

void Peer::send_pending(Closed why) {
  send_batch(batcher_.pending(), why);
  batcher_.clear_sent();
}

void Peer::send_batch(std::span<const Event> events, Closed why) {
  if (addressed()) return send_events_now(events, why);
  for (const Event& e : events) {
    if (unbound_.size() >= cfg_.max_unbound_events) {
      unbound_.pop_front();
      ++counters_.events_dropped;
    }
    unbound_.push_back(e);
  }
}

void Peer::drain_unbound() {
  if (!addressed() || unbound_.empty()) return;
  std::vector<Event> events(unbound_.begin(), unbound_.end());
  unbound_.clear();
  send_events_now(events, Closed::partial);
}

// Encodes events into as many datagrams as they need (the batcher's estimate may be short) and
// sends them together. Every datagram closed because the next record did not fit is padded to
// the size limit (docs/protocol.md §3.1), so full datagrams are of equal size; the last one is
// padded only when the batch left full. Full batches may be held (PeerContext).
void Peer::send_events_now(std::span<const Event> events, Closed why) {
  const Time exp_now = ctx_.to_experiment(ctx_.local_now());
  wire::DatagramBuilder* b = &staging_builder();
  channel_.begin(*b, wire::MsgType::events, exp_now);
  for (const Event& e : events) {
    wire::Append a = b->add(e);
    if (a == wire::Append::full && !b->empty()) {
      b->pad_full();
      stage(channel_.finish(*b), b->count());
      b = &staging_builder();
      channel_.begin(*b, wire::MsgType::events, exp_now);
      a = b->add(e);
    }
    if (a != wire::Append::added) ++counters_.events_invalid;
  }
  // Sent even if every event was invalid (count 0): the sequence number is taken, and a number
  // never sent would look lost to the peer.
  if (why == Closed::full && !b->empty()) b->pad_full();
  stage(channel_.finish(*b), b->count());
  const bool hold = why == Closed::full && ctx_.hold_full_datagrams && cfg_.batch.linger_ns == 0;
  if (!hold || staged_n_ >= kMaxHeldDatagrams) send_staged();
}

// The builder of the next staged datagram (sealed in place, sent from there by send_staged).
wire::DatagramBuilder& Peer::staging_builder() {
  if (staged_n_ == staging_.size()) staging_.emplace_back();
  return staging_[staged_n_];
}

void Peer::stage(std::span<const uint8_t> datagram, uint16_t events) {
  if (staged_n_ == staged_.size()) {
    staged_.emplace_back();
    staged_events_.push_back(0);
  }
  staged_[staged_n_] = datagram;
  staged_events_[staged_n_] = events;
  ++staged_n_;
}

void Peer::send_staged() {
  size_t sent = 0;
  if (staged_n_ > 1 && ctx_.send_many) {
    sent = ctx_.send_many(std::span<const std::span<const uint8_t>>(staged_.data(), staged_n_));
  } else {
    while (sent < staged_n_ && ctx_.send(staged_[sent])) ++sent;
  }
  for (size_t i = 0; i < sent; ++i) events_sent_ += staged_events_[i];
  sent_ += sent;
  counters_.send_errors += staged_n_ - sent;
  staged_n_ = 0;
}

void Peer::send_control(const wire::Control& c) {
  const Time exp_now = ctx_.to_experiment(ctx_.local_now());
  (void)emit(channel_.encode_control(builder_, c, exp_now));
}

bool Peer::emit(std::span<const uint8_t> bytes) {
  if (staged_n_ > 0) send_staged();  // held datagrams leave first, in sequence order
  if (!ctx_.send(bytes)) {
    ++counters_.send_errors;
    return false;
  }
  ++sent_;
  return true;
}

void Peer::goodbye() {
  if (addressed()) send_control(wire::Goodbye{wire::GoodbyeReason::shutdown});
}

// ---------------------------------------------------------------- inbound

void Peer::count_error(wire::WireError e) {
  const uint64_t n = ++counters_.errors[static_cast<size_t>(e)];
  if (ctx_.refused) ctx_.refused(e, n);
  if (wire::is_malformed(e)) {
    ++malformed_;
  } else if (e == wire::WireError::duplicate) {
    ++channel_duplicates_;  // the replay window caught a copy: network duplicate or replay
  } else {
    ++rejected_;
  }
}

PeerTransition Peer::on_datagram(std::span<const uint8_t> bytes, Time rx_local) {
  auto r = channel_.open(bytes, rx_);
  if (r) {
    if (r->floor_raised && ctx_.floor_raised) ctx_.floor_raised(channel_.floor());
    if (!permitted(rx_.header.type)) return refuse_not_permitted(rx_.header, rx_local);
    if (r->previous) return accept_previous(rx_.header, rx_local);
    if (!r->bound) return accept_hello(rx_.header, r->needs_reply, rx_local);
    return accept(rx_.header, rx_local);
  }
  wire::WireError e = r.error();
  if (e == wire::WireError::too_old) {
    if (recover_too_old(bytes)) {
      ++counters_.too_old_recovered;
      return accept(rx_.header, rx_local);
    }
    // A copy of one we accepted that way: a duplicate, as the replay window would have said.
    auto h = wire::peek_header(bytes);
    if (h && h->sender_epoch == tracked_epoch_ && tracker_.was_received(h->seq)) e = wire::WireError::duplicate;
  }
  count_error(e);
  return PeerTransition::none;
}

// A bound datagram of the adopted epoch (or the one adopting it): counted, heard, dispatched.
PeerTransition Peer::accept(const wire::Header& h, Time rx_local) {
  if (!track(h, rx_local)) return PeerTransition::none;
  const PeerTransition t = on_session(liveness_.on_heard(rx_local, h.sender_epoch, h.type == wire::MsgType::heartbeat),
                                      rx_local);
  const PeerTransition d = dispatch(h, rx_local);
  drain_unbound();
  return d != PeerTransition::none ? d : t;
}

// An unbound hello the Channel accepted. From the adopted session it is a late copy (counted by
// the tracker, nothing to answer); from any other epoch it only earns a reply, and its sequence
// number is kept for the accounting of that epoch's stream if it is ever adopted. Nothing else
// changes: a replayed hello can never move our stream accounting or liveness (issue 12).
PeerTransition Peer::accept_hello(const wire::Header& h, bool needs_reply, Time rx_local) {
  if (h.sender_epoch == tracked_epoch_ && h.sender_epoch == channel_.peer_epoch()) {
    (void)track(h, rx_local);  // duplicate/stale verdicts are counted inside the tracker
    return PeerTransition::none;
  }
  remember_hello(h);
  if (needs_reply) {
    const Time exp_now = ctx_.to_experiment(ctx_.local_now());
    if (emit(channel_.encode_reply(builder_, h.sender_epoch, exp_now))) ++counters_.hello_replies;
  }
  return PeerTransition::none;
}

// A straggler of the epoch adopted before the current one (sent before that incarnation died,
// addressed to us): it fills its stream's gap and its events are delivered; it is not "heard".
PeerTransition Peer::accept_previous(const wire::Header& h, Time rx_local) {
  if (track(h, rx_local) && h.type == wire::MsgType::events) deliver_events();
  return PeerTransition::none;
}

// The events of the datagram just opened, counted and handed over in one call (none: no call).
void Peer::deliver_events() {
  events_received_ += rx_.events.size();
  if (!rx_.events.empty() && ctx_.deliver) ctx_.deliver(spec_.site, rx_.events);
}

void Peer::remember_hello(const wire::Header& h) {
  if (hello_epoch_ != h.sender_epoch) {
    hello_epoch_ = h.sender_epoch;
    hello_seqs_.clear();
  }
  if (hello_seqs_.size() < kMaxRememberedHellos) hello_seqs_.push_back(h.seq);
}

// At the adoption of an epoch whose hellos we accepted: they are the start of its stream.
void Peer::count_remembered_hellos(const wire::Header& adopting, Time rx_local) {
  if (hello_epoch_ != adopting.sender_epoch) return;
  for (uint64_t seq : hello_seqs_) (void)tracker_.on_packet(seq, rx_local);  // verdict counted inside
  hello_seqs_.clear();
}

// The Channel's replay window starts at the datagram that adopted the peer's epoch, so a datagram
// of the same session that the network reordered before it is refused as too_old. If it fills a
// gap our tracker still has open and authenticates under the session key, it is a genuine late
// arrival: accepted once (the tracker then marks the slot received, so a replay is a duplicate).
bool Peer::recover_too_old(std::span<const uint8_t> bytes) {
  auto h = wire::peek_header(bytes);
  if (!h || h->sender_epoch != channel_.peer_epoch() || h->sender_epoch != tracked_epoch_ ||
      h->receiver_epoch != channel_.self_epoch() || !tracker_.is_open_gap(h->seq)) {
    return false;
  }
  return channel_.open_adopted_unwindowed(bytes, rx_).is_ok();
}

// Feeds the sequence tracker; false if the datagram must not be acted on (duplicate, stale).
bool Peer::track(const wire::Header& h, Time rx_local) {
  if (h.sender_epoch != tracked_epoch_) {
    if (h.sender_epoch == left_epoch_) return track_left(h, rx_local);
    switch_epoch(h, rx_local);
  }
  Time deliver_by = kTimeNever;
  if (cfg_.late_after_ns > 0 && h.type == wire::MsgType::events && ctx_.synced()) {
    const Time age_ns = ctx_.to_experiment(rx_local) - h.send_time_ns;
    deliver_by = rx_local + (cfg_.late_after_ns - age_ns);
  }
  const auto v = tracker_.on_packet(h.seq, rx_local, deliver_by);
  return v == SequenceTracker::Verdict::fresh || v == SequenceTracker::Verdict::reordered;
}

// A new sender epoch (first contact or restart): a fresh tracker counting from 0, unless we joined
// a running stream. The previous epoch's tracker stays until its open gaps settle, so datagrams
// of the old incarnation still in flight fill them instead of counting as lost.
void Peer::switch_epoch(const wire::Header& h, Time rx_local) {
  retire_left();
  if (tracked_epoch_ != 0) left_tracker_.emplace(std::move(tracker_));
  tracker_ = SequenceTracker(cfg_.seq);
  uint64_t first = h.seq;  // the first datagram of this stream we saw: a hello, or this one
  if (hello_epoch_ == h.sender_epoch)
    for (uint64_t seq : hello_seqs_) first = std::min(first, seq);
  tracker_.reset(first < kHandshakeAnchorSeq ? 0 : first);
  left_epoch_ = tracked_epoch_;
  tracked_epoch_ = h.sender_epoch;
  count_remembered_hellos(h, rx_local);
}

bool Peer::track_left(const wire::Header& h, Time rx_local) {
  if (!left_tracker_) {
    ++retired_.stale;  // its gaps were settled already
    return false;
  }
  const auto v = left_tracker_->on_packet(h.seq, rx_local);
  return v == SequenceTracker::Verdict::fresh || v == SequenceTracker::Verdict::reordered;
}

// Settles the previous epoch's tracker and folds its counters into the retired totals.
void Peer::retire_left() {
  if (!left_tracker_) return;
  left_tracker_->reset();
  const SeqCounters& c = left_tracker_->counters();
  retired_.received += c.received;
  retired_.reordered += c.reordered;
  retired_.duplicated += c.duplicated;
  retired_.lost += c.lost;
  retired_.late += c.late;
  retired_.stale += c.stale;
  left_tracker_.reset();
}

SeqCounters Peer::seq_counters() const {
  SeqCounters s = retired_;
  for (const SequenceTracker* t : {&tracker_, left_tracker_ ? &*left_tracker_ : nullptr}) {
    if (!t) continue;
    const SeqCounters& c = t->counters();
    s.received += c.received;
    s.reordered += c.reordered;
    s.duplicated += c.duplicated;
    s.lost += c.lost;
    s.late += c.late;
    s.stale += c.stale;
  }
  return s;
}

PeerTransition Peer::on_session(PeerTransition t, Time rx_local) {
  if ((t == PeerTransition::up || t == PeerTransition::restarted) && clock_) clock_->start(rx_local);
  return t;
}

// One handler per message type; returns a liveness transition (goodbye) or none.
PeerTransition Peer::dispatch(const wire::Header& h, Time rx_local) {
  switch (h.type) {
    case wire::MsgType::events:
      deliver_events();
      break;
    case wire::MsgType::hello:
      break;  // bound: the adoption (if any) happened in the Channel; unbound ones: accept_hello
    case wire::MsgType::clock_probe:
      on_clock_probe(std::get<wire::ClockProbe>(rx_.control), rx_local);
      break;
    case wire::MsgType::clock_reply:
      if (clock_) {
        const auto& c = std::get<wire::ClockReply>(rx_.control);
        (void)clock_->on_reply(c.wave, c.probe, c.t1_ns, c.t2_ns, c.t3_ns, rx_local);
      }
      break;
    case wire::MsgType::heartbeat:
      peer_view_ = std::get<wire::Heartbeat>(rx_.control).stats;
      break;
    case wire::MsgType::goodbye:
      return liveness_.on_goodbye(rx_local);
    case wire::MsgType::status:
      if (ctx_.copies) ctx_.copies(spec_.site, rx_.copies);
      break;
  }
  return PeerTransition::none;
}

void Peer::on_clock_probe(const wire::ClockProbe& p, Time rx_local) {
  if (!cfg_.time_master) return;  // only the master answers
  wire::ClockReply r{p.wave, p.probe, p.t1_ns, rx_local, ctx_.local_now()};
  ++counters_.probes_answered;
  send_control(r);
}

// ---------------------------------------------------------------- time

PeerTransition Peer::service(Time now_local) {
  tracker_.service(now_local);
  if (left_tracker_) {
    left_tracker_->service(now_local);
    if (left_tracker_->pending_gaps() == 0) retire_left();
  }
  if (channel_.peer_epoch() == 0 && now_local >= next_hello_ns_) {
    send_control(wire::Hello{false, wire::kMaxDatagramBytes});
    ++counters_.hellos_sent;
    next_hello_ns_ = now_local + cfg_.hello_interval_ns;
  }
  service_heartbeat(now_local);
  service_clock(now_local);
  return liveness_.service(now_local);
}

void Peer::service_heartbeat(Time now_local) {
  if (now_local < liveness_.next_heartbeat_at()) return;
  if (addressed()) send_control(wire::Heartbeat{stats(ctx_.to_experiment(now_local))});
  liveness_.on_heartbeat_sent(now_local);
}

void Peer::service_clock(Time now_local) {
  if (!clock_ || !clock_->started()) return;
  clock_->service(now_local);
  while (clock_->next_probe_at() <= now_local) {
    const ProbeToSend p = clock_->take_probe(now_local);
    if (addressed()) send_control(wire::ClockProbe{p.wave, p.probe, p.t1_ns});
  }
}

Time Peer::next_deadline() const {
  Time t = std::min(tracker_.next_deadline(), liveness_.next_deadline());
  if (left_tracker_) t = std::min(t, left_tracker_->next_deadline());
  if (channel_.peer_epoch() == 0) t = std::min(t, next_hello_ns_);
  if (clock_ && clock_->started()) t = std::min(t, clock_->next_deadline());
  return t;
}

LinkStats Peer::stats(Time now_exp) const {
  const SeqCounters c = seq_counters();
  LinkStats s;
  s.peer = spec_.site;
  s.t = now_exp;
  s.sent = sent_;
  s.received = c.received;
  s.events_sent = events_sent_;
  s.events_received = events_received_;
  s.lost = c.lost;
  s.duplicated = c.duplicated + channel_duplicates_;
  s.reordered = c.reordered;
  s.late = c.late;
  s.rejected = rejected_;
  s.malformed = malformed_;
  s.peer_up = liveness_.up();
  if (clock_ && clock_->estimator().estimate().valid) {
    const ClockEstimator& e = clock_->estimator();
    const Time local = ctx_.local_now();
    s.rtt_ns = e.estimate().best_rtt_ns;
    s.clock_offset_ns = -static_cast<Duration>(e.offset_at(local));  // local − master
    s.clock_uncertainty_ns = e.uncertainty_at(local);
  }
  return s;
}

}  // namespace ion::link
