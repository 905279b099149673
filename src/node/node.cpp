// SPDX-License-Identifier: Apache-2.0
#include "node/node.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "node/clock_origin.hpp"
#include "node/roles.hpp"
#include "record/run_outcome.hpp"

namespace ion::site {
namespace {

// Inbound events further than this from our experiment clock are refused as absurd.
constexpr Duration kMaxEventSkew = 30 * kSecond;

// "class=count" for the non-zero refusal counters (wire error classes), space separated.
std::string error_classes(const std::array<uint64_t, wire::kWireErrorCount>& counts) {
  std::string out;
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i])
      out += std::string(" ") + wire::wire_error_name(static_cast<wire::WireError>(i)) + "=" +
             std::to_string(counts[i]);
  return out;
}

// One line with every refusal counter of the link: datagrams from unknown senders by class, and
// per peer (tests/node/flood_test.py reconciles them with what a flooder sent).
std::string describe_refusals(const link::Link& l, const experiment::Experiment& e, const Routing& r) {
  std::string s = "link refusals: unknown_peer=" + std::to_string(l.counters().unknown_peer) +
                  " unattributed:" + error_classes(l.counters().unattributed);
  std::vector<SiteId> ids = r.peers;
  ids.insert(ids.end(), r.monitors.begin(), r.monitors.end());
  for (SiteId id : ids)
    if (const link::Peer* p = l.peer(id))
      s += "; peer " + e.participant_name(id) + ":" + error_classes(p->counters().errors);
  return s;
}

// Datagrams that authenticated but arrived after their gap had been counted lost (not delivered).
std::string describe_stale(const link::Link& l, const experiment::Experiment& e, const Routing& r) {
  std::string s = "link stale (arrived after being counted lost, not delivered):";
  for (SiteId id : r.peers)
    if (const link::Peer* p = l.peer(id))
      s += " " + e.participant_name(id) + "=" + std::to_string(p->seq_counters().stale);
  return s;
}

}  // namespace

const char* to_string(NodeState s) {
  switch (s) {
    case NodeState::waiting:
      return "waiting";
    case NodeState::running:
      return "running";
    case NodeState::finishing:
      return "finishing";
    case NodeState::done:
      return "done";
    case NodeState::failed:
      return "failed";
    case NodeState::interrupted:
      return "interrupted";
  }
  return "?";
}

Node::Node(const experiment::Experiment& e, const experiment::Site& site, Env& env, NodeOptions opt)
    : exp_(e), site_(site), env_(env), opt_(std::move(opt)) {
  size_t n = 0;
  for (const auto& x : e.neurons) n += x.addr.site == site.id ? 1 : 0;
  neuron_rates_.resize(std::min(n, kStatusMaxEntries));
}

Node::~Node() {
  if (link_) link_->close();
  // Normally closed already (shutdown, fail, or close_log() by the owner, which reports the
  // outcome); a destructor cannot report a failure of this last close.
  if (log_) (void)log_->close();
}

Result<std::unique_ptr<Node>> Node::create(const experiment::Experiment& e, const std::string& site, Env& env,
                                           NodeOptions opt) {
  const experiment::Site* s = e.find_site(site);
  if (!s) return error(Errc::not_found, "no site named '" + site + "' in " + e.source_name);
  std::unique_ptr<Node> n(new Node(e, *s, env, std::move(opt)));
  ION_TRY(n->init());
  return n;
}

Status Node::init() {
  routing_ = compute_routing(exp_, site_.id);
  // The log's lock first: a second process for this site (a fresh start or --resume against a
  // running site) is refused before it has written, truncated or re-based anything.
  ION_TRY(lock_log());
  ION_TRY(choose_epoch());
  ION_TRY(restore_clock());
  ION_TRY(open_log());
  if (state_ == NodeState::failed) return failure_;  // a write of the first records failed
  // The link before the role: building a role can take seconds (the culture calibrates its
  // background drive); meanwhile the peers' datagrams wait in the open socket instead of being
  // sent to a closed port (where the sequence accounting would count them as lost).
  ION_TRY(open_link());
  ION_TRY(make_role());
  ION_TRY_ASSIGN(legacy_, LegacyBridge::create_for(
                              exp_, site_, env_,
                              LegacyHooks{[this](Time local) { return link_->to_experiment(local) - opt_.warmup_ns; },
                                          [this](const Spike& s) {
                                            if (state_ != NodeState::running) return false;
                                            record(s);
                                            role_->on_spike(s);
                                            return true;
                                          },
                                          [this](std::string_view text) { record_note(text); }}));
  env_.schedule_after(opt_.tick_ns + opt_.tick_phase_ns, [this] { tick(); });
  return Status::ok();
}

// Session epochs only move forward (docs/protocol.md §4.1): after every epoch this site saved,
// and on real runs after the wall clock, so that a replay of an earlier run is always older.
Status Node::choose_epoch() {
  if (opt_.epochs) {
    auto st = opt_.epochs->load(site_.name);
    if (!st) return st.status().prefixed("site " + site_.name + ": ");
    epoch_state_ = std::move(st).value();
  }
  auto e = wire::next_epoch(opt_.epoch ? opt_.epoch : wire::clock_epoch(), epoch_state_.self);
  if (!e) return e.status().prefixed("site " + site_.name + ": ");
  epoch_ = *e;
  epoch_state_.self = epoch_;
  return Status::ok();
}

// A resumed site reuses its persisted clock origin so that its node clock (on the time master:
// experiment time) continues across the crash; a fresh start persists the new origin.
Status Node::restore_clock() {
  const std::string path = opt_.out_dir + "/" + site_.name + ".origin";
  const std::string boot = current_boot_id();
  Storage& storage = env_.storage();
  auto existing = storage.stat(path);
  if (!existing) return existing.status().prefixed("site " + site_.name + ": ");
  if (opt_.resume && existing->exists) {
    auto o = load_clock_origin(storage, path, boot);
    if (!o) return o.status().prefixed("site " + site_.name + ": ");
    env_.set_origin(o->origin_ns);
    resumed_ = true;
  } else {
    Status s = save_clock_origin(storage, path, ClockOrigin{env_.origin(), boot});
    if (!s) return s.prefixed("site " + site_.name + ": ");
  }
  start_local_ns_ = env_.now();
  return Status::ok();
}

std::string Node::log_path() const { return opt_.out_dir + "/" + site_.name + ".ionlog"; }

Status Node::lock_log() {
  const std::string path = log_path();
  auto file = record::lock_log(env_.storage(), path);
  if (!file && file.status().code() == Errc::unavailable)
    return error(Errc::unavailable, "site " + site_.name + ": " + file.status().message() +
                                        " — is this site already running? Nothing was written");
  if (!file) return file.status().prefixed("site " + site_.name + ": ");
  if (!opt_.resume && (*file)->size() > 0)
    return error(Errc::already_exists, "site " + site_.name + ": " + path +
                                           " exists; use --resume to continue it, or another --out directory");
  log_file_ = std::move(*file);
  return Status::ok();
}

Status Node::open_log() {
  record::LogHeader h;
  h.site_id = site_.id;
  h.site_name = site_.name;
  h.session_epoch = epoch_;
  h.start_wall_ns = env_.wall_now_ns();  // 0 in simulation (Env::wall_now_ns)
  record::WriterOptions w;
  w.flush_interval_ns = exp_.recording.flush_interval_ns;
  auto opened = record::start_log(env_.storage(), std::move(log_file_), h, w, env_.now());
  if (!opened) return opened.status().prefixed("site " + site_.name + ": ");
  log_ = std::move(opened->writer);
  log_continued_ = opened->resumed;
  for (const auto& note : describe_experiment(exp_)) record(note);
  // The raw clock this node's local time counts from (lets tests on one kernel know the truth).
  record(record::Note{0, record::NoteKind::text, "clock origin " + std::to_string(env_.origin()) + " ns"});
  return Status::ok();
}

Status Node::open_link() {
  link::LinkConfig cfg;
  cfg.self = site_.id;
  auto bind = SockAddr::parse(site_.address.text);
  if (!bind) return error(Errc::invalid_argument, "site " + site_.name + ": " + bind.status().message());
  cfg.bind = *bind;
  cfg.epoch = epoch_;
  cfg.time_master = site_.id == routing_.time_master;
  auto offer = link_aead_offer(exp_, opt_.aes_ni);
  if (!offer) return offer.status().prefixed("site " + site_.name + ": ");
  cfg.aead_offer = *offer;
  std::vector<link::PeerSpec> peers;
  for (SiteId id : routing_.peers) {
    link::PeerSpec p;
    ION_TRY(peer_spec(id, p));
    peers.push_back(std::move(p));
  }
  ION_TRY(monitor_specs(peers));
  // The new epoch is durable before any datagram carries it.
  if (opt_.epochs) {
    Status saved = opt_.epochs->save(site_.name, epoch_state_);
    if (!saved) return saved.prefixed("site " + site_.name + ": cannot save the epoch state: ");
  }
  link::LinkHandlers h;
  h.on_events = link::each_event([this](SiteId from, const wire::Event& ev) { on_event(from, ev); });
  h.on_stats = [this](const LinkStats& s) {
    if (!is_monitor(s.peer)) record(s);  // a monitor's link: in the final monitor note instead
  };
  h.on_peer = [this](SiteId peer, link::PeerTransition t) {
    const std::string text = "peer " + exp_.participant_name(peer) + ": " + link::transition_name(t);
    record(record::Note{experiment_now(), record::NoteKind::text, text});
    // Down while the experiment runs is news for the terminal too; at the end peers say goodbye.
    if (t == link::PeerTransition::down && state_ == NodeState::running && opt_.on_warning)
      opt_.on_warning(text + " (stopped answering at experiment time " + format_duration(experiment_now()) + ")");
  };
  h.on_refused = [this](SiteId peer, wire::WireError e, uint64_t count) { on_refused(peer, e, count); };
  h.on_peer_epoch = [this](SiteId peer, uint64_t epoch) { on_peer_epoch(peer, epoch); };
  h.on_raw = opt_.on_raw;
  auto link = link::Link::create(env_, cfg, std::move(peers), std::move(h));
  if (!link) return link.status().prefixed("site " + site_.name + ": ");
  link_ = std::move(link).value();
  start_feeds();
  return Status::ok();
}

void Node::warn(const std::string& text) {
  record(record::Note{experiment_now(), record::NoteKind::text, text});
  if (opt_.on_warning) opt_.on_warning(text);
}

// Every class of refusal is noted when its count reaches 1, 10, 100, … (never silent, never a
// flood of notes); the ones that stop a peer from ever authenticating are also warnings.
void Node::on_refused(SiteId peer, wire::WireError e, uint64_t count) {
  for (size_t i = 0; i < peer_labels_.size(); ++i) {
    const SiteId id = i < routing_.peers.size() ? routing_.peers[i] : routing_.monitors[i - routing_.peers.size()];
    if (id != peer) continue;
    const std::string text = describe_refusal(peer_labels_[i], e, count);
    const bool loud = e == wire::WireError::auth_failed || e == wire::WireError::old_epoch ||
                      e == wire::WireError::bad_version || e == wire::WireError::aead_mismatch;
    if (loud) warn(text);
    else record(record::Note{experiment_now(), record::NoteKind::text, text});
  }
}

// A newer epoch of a peer was authenticated: keep it, so that the next run refuses older ones.
void Node::on_peer_epoch(SiteId peer, uint64_t epoch) {
  auto key = key_ids_.find(peer);
  if (!opt_.epochs || key == key_ids_.end()) return;
  if (!epoch_state_.raise_peer(exp_.participant_name(peer), key->second, epoch)) return;
  Status s = opt_.epochs->save(site_.name, epoch_state_);
  if (!s)
    warn("cannot save the epoch state (" + s.message() + "): the next run will not know peer " +
         exp_.participant_name(peer) + "'s current epoch");
}

Status Node::make_role() {
  RoleOptions ro;
  ro.state_dir = opt_.out_dir;
  ro.resume = opt_.resume;
  ro.storage = &env_.storage();
  if (log_continued_) ro.log_path = log_path();  // what the earlier sessions recorded
  ro.make_waker = opt_.make_waker;
  ION_TRY_ASSIGN(auto role, site::make_role(exp_, site_, *this, ro));
  role_ = std::move(role);
  return Status::ok();
}

Time Node::experiment_now() const { return link_ ? link_->experiment_now() - opt_.warmup_ns : 0; }

void Node::record(const record::Record& r) {
  if (log_ && !log_done_) check_log(log_->append(r));
  if (!feeds_.empty()) feed_monitors(r);
}

// The first failed write or sync of the log stops the node: nothing it does afterwards could be
// recorded. What was written before stays readable (see LogWriter).
void Node::check_log(Status s) {
  if (s || log_done_) return;
  log_done_ = true;
  if (state_ == NodeState::failed) {  // already stopping for another reason: report both
    failure_ = error(failure_.code(), failure_.message() + "; and the event log: " + s.message());
    return;
  }
  fail(s.prefixed("site " + site_.name + ": event log failed, site stopped: "));
}

Status Node::close_log() {
  if (log_ && !log_done_) check_log(log_->close());
  log_done_ = true;
  return state_ == NodeState::failed ? failure_ : Status::ok();
}

void Node::on_event(SiteId from, const wire::Event& ev) {
  if (ended()) return;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Spike>) {
          if (std::llabs(e.t - experiment_now()) > kMaxEventSkew) return refuse_event(from, "spike time out of range");
          if (legacy_) legacy_->saw_spike(e);  // a reference for legacy 'D' times
          role_->on_spike(e);
        } else if constexpr (std::is_same_v<T, SynapticInput>) {
          if (e.post.site != site_.id) return refuse_event(from, "input for another site");
          // Not synchronised or not started yet: a role that has not started cannot place it in time.
          if (state_ == NodeState::waiting) return refuse_event(from, "input before the site is running");
          // After the end the role no longer runs: the input could take no effect at its arrival.
          if (state_ != NodeState::running) return refuse_event(from, "input after the end of the experiment");
          if (!std::isfinite(e.weight)) return refuse_event(from, "non-finite weight");
          if (std::llabs(e.t - experiment_now()) > kMaxEventSkew) return refuse_event(from, "input time out of range");
          deliver_input(e);
        } else {
          refuse_event(from, "unexpected event kind");
        }
      },
      ev);
}

// An input takes effect when it arrives: the role is first brought to the arrival instant, so
// that what the input causes (a stimulus, a chip spike) is stamped at or after its arrival and
// never at the earlier tick the role last ran to.
void Node::deliver_input(const SynapticInput& in) {
  const Time now = std::min(experiment_now(), exp_.duration_ns);
  if (now > last_advance_ns_) {
    role_->advance(now);
    last_advance_ns_ = now;
  }
  ++inputs_;
  SynapticInput received = in;
  received.arrival_ns = now;  // recorded, so the report gives each spike's delivery latency
  record(received);
  role_->on_input(received);
}

void Node::refuse_event(SiteId from, const char* why) {
  if (refused_++ < 10)
    record(record::Note{experiment_now(), record::NoteKind::text,
                        "refused event from " + exp_.participant_name(from) + ": " + why});
}

void Node::tick() {
  if (ended()) return;
  env_.schedule_after(opt_.tick_ns, [this] { tick(); });
  if (env_.now() >= next_stats_ns_) {
    next_stats_ns_ = env_.now() + opt_.stats_interval_ns;
    record_stats();
  }
  if (log_ && !log_done_) check_log(log_->maybe_flush(env_.now()));
  if (state_ == NodeState::failed) return;
  service_feeds(false);
  if (!link_->synced()) {
    if (state_ == NodeState::waiting && env_.now() - start_local_ns_ > opt_.sync_timeout_ns)
      fail(error(Errc::timeout, "site " + site_.name + ": no clock synchronisation with the time master '" +
                                    exp_.sites[routing_.time_master].name + "' after " +
                                    format_duration(opt_.sync_timeout_ns) + ": " + sync_failure_reason()));
    return;
  }
  const Time t = experiment_now();
  if (state_ == NodeState::waiting && t >= 0) {
    state_ = NodeState::running;
    if (resumed_) {
      // Experiment already running: no warm-up; the role starts at the current time.
      last_advance_ns_ = std::min(t, exp_.duration_ns);
      record(record::Note{t, record::NoteKind::gap,
                          "site " + site_.name + " restarted (--resume) at experiment time " + format_duration(t) +
                              "; events while it was down were not recorded by this site"});
    }
  }
  if (state_ != NodeState::running) return;
  const Time until = std::min(t, exp_.duration_ns);
  if (until > last_advance_ns_) {
    role_->advance(until);
    last_advance_ns_ = until;
  }
  if (t >= exp_.duration_ns) begin_finish();
}

std::string Node::sync_failure_reason() const {
  for (size_t i = 0; i < routing_.peers.size(); ++i) {
    if (routing_.peers[i] != routing_.time_master) continue;
    const link::Peer* p = link_->peer(routing_.time_master);
    if (!p->liveness().ever_heard()) return never_heard_reason(*p, peer_labels_[i]);
    return p->liveness().up() ? "it answers, but no wave of clock replies completed"
                              : "it stopped answering (last heard at local time " +
                                    format_duration(p->liveness().last_heard_ns()) + ")";
  }
  return "it is not a peer of this site";
}

void Node::record_stats() {
  for (const LinkStats& s : link_->all_stats())
    if (!is_monitor(s.peer)) record(s);
  if (link_->synced() && site_.id != routing_.time_master) {
    record::ClockSample c;
    c.local_ns = env_.now();
    c.experiment_ns = experiment_now();
    c.offset_ns = env_.now() - link_->experiment_now();
    c.uncertainty_ns = link_->clock_uncertainty_ns();
    record(c);
  }
}

void Node::begin_finish() {
  if (state_ == NodeState::failed) return;  // the role failed while advancing (fail_site)
  state_ = NodeState::finishing;
  role_->finish(exp_.duration_ns);
  if (state_ == NodeState::failed) return;  // … or while finishing: fail() has stopped the node
  link_->flush_all();
  env_.schedule_after(opt_.grace_ns, [this] { shutdown(); });
}

std::string Node::counts() const {
  return "spikes=" + std::to_string(spikes_) + " inputs=" + std::to_string(inputs_) +
         " refused=" + std::to_string(refused_);
}

bool Node::close_session(Time t, const std::string& final_note) {
  record_stats();
  if (legacy_) legacy_->report_now();
  record(record::Note{t, record::NoteKind::text, describe_refusals(*link_, exp_, routing_)});
  record(record::Note{t, record::NoteKind::text, describe_stale(*link_, exp_, routing_)});
  peer_problems_ = site::peer_problems(*link_, peer_labels_, routing_.peers, t,
                                       [this](Time local) { return link_->to_experiment(local) - opt_.warmup_ns; });
  for (const auto& p : peer_problems_) warn("incomplete: " + p);
  record(record::Note{t, record::NoteKind::text, final_note});
  // The monitors get what the bucket allows now, the final note included; the feed notes after it
  // count the rest (they are the site's own: never copied).
  service_feeds(true);
  std::vector<std::unique_ptr<MonitorFeed>> feeds = std::move(feeds_);
  for (const auto& f : feeds) record(record::Note{t, record::NoteKind::text, f->describe()});
  link_->close();
  return close_log().is_ok();  // else fail() has stopped the node
}

void Node::shutdown() {
  if (!close_session(exp_.duration_ns, "site " + site_.name + " done: " + counts())) return;
  state_ = NodeState::done;
  env_.stop();
}

void Node::interrupt(const std::string& why) {
  if (ended()) return;
  // Before its first clock sync a site does not know experiment time: its note says so.
  const std::optional<Time> t = link_->synced() ? std::optional<Time>(experiment_now()) : std::nullopt;
  if (!close_session(t.value_or(0), record::interrupted_note(site_.name, why, t) + ": " + counts())) return;
  state_ = NodeState::interrupted;
  env_.stop();
}

// Stops the node with `s` (the first failure is the one reported).
void Node::fail(Status s) {
  if (state_ == NodeState::failed) return;
  failure_ = std::move(s);
  state_ = NodeState::failed;
  record(record::Note{0, record::NoteKind::text, "failed: " + failure_.message()});
  if (link_) link_->close();
  (void)close_log();  // returns failure_, which this function has just set
  env_.stop();
}

void Node::emit_spike(const Spike& s) {
  ++spikes_;
  if (s.source.site == site_.id && s.source.index < neuron_rates_.size()) neuron_rates_[s.source.index].add(s.t);
  record(s);
  auto it = routing_.spike_hubs.find(s.source.key());
  if (it == routing_.spike_hubs.end()) return;
  for (SiteId hub : it->second) (void)link_->send(hub, wire::Event{s});
}

void Node::emit_input(const SynapticInput& in) {
  if (in.post.site == site_.id) {
    role_->on_input(in);
    return;
  }
  if (legacy_ && legacy_->forward(in)) return record(in);  // post neuron lives on a legacy peer
  (void)link_->send(in.post.site, wire::Event{in});
}

void Node::record_stimulus(const Stimulus& s) { record(s); }
// Flushed at once: a device change must reach the log before a crash can lose it (the crossbar's
// write-ahead log already holds it), so that a replay of the logged pulses matches the device.
void Node::record_weight(const WeightUpdate& w) {
  record(w);
  if (legacy_) legacy_->on_weight(w);  // the resistance of the next legacy 'S' bytes
  if (log_ && !log_done_) check_log(log_->flush());
}
void Node::record_note(std::string_view text) {
  record(record::Note{experiment_now(), record::NoteKind::text, std::string(text)});
}
Rng Node::rng(std::string_view stream) const { return env_.rng(stream); }

}  // namespace ion::site
