// SPDX-License-Identifier: Apache-2.0
#pragma once
// The node runtime: one site of an experiment on an Env. Owns the site's Link (authenticated
// transport, clock sync), its Role (hub, bio or silicon), and its event log; routes events
// between them; paces the role in experiment time.
//
// Experiment time: the time master's clock since its start, minus `warmup`; every other site
// maps its local clock onto it through clock sync. Sites start at experiment time 0 (once
// synchronised), stop at the experiment's duration, wait `grace` for the last datagrams, then
// record final link statistics, close the log and stop their Env.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "env/env.hpp"
#include "env/loop_waker.hpp"
#include "experiment/model.hpp"
#include "link/link.hpp"
#include "node/legacy_bridge.hpp"
#include "node/monitor_feed.hpp"
#include "node/peer_report.hpp"
#include "node/routing.hpp"
#include "node/shifted_env.hpp"
#include "node/status.hpp"
#include "record/event_log.hpp"
#include "site/role.hpp"
#include "wire/crypto.hpp"
#include "wire/epoch_state.hpp"

namespace ion::site {

// Pre-shared key of a site pair (by name). Real runs read key files; simulations may derive keys.
using KeyProvider = std::function<Result<wire::Psk>(const std::string& a, const std::string& b)>;

struct NodeOptions {
  std::string out_dir = ".";         // <out_dir>/<site>.ionlog, hub state <out_dir>/<site>.xbar
  bool resume = false;               // continue the log and the hub's crossbar state
  Duration warmup_ns = 3 * kSecond;  // time for clock sync before experiment time 0
  Duration tick_ns = kMillisecond;   // role pacing step
  Duration tick_phase_ns = 0;        // delay of the first tick: sites' ticks need not be in phase
  Duration grace_ns = 500 * kMillisecond;
  Duration sync_timeout_ns = 15 * kSecond;  // non-master without clock sync by then → failure
  Duration stats_interval_ns = kSecond;     // link statistics and clock samples into the log
  // Session epoch candidate; 0 = wire::clock_epoch() (real runs). The epoch used is
  // wire::next_epoch(candidate, the last one saved in `epochs`): it only moves forward.
  uint64_t epoch = 0;
  KeyProvider keys;     // required unless every link is insecure
  std::string key_dir;  // where `keys` reads key files (for messages); "" = derived keys
  // Forward-only epoch state (own last epoch, newest peer epochs per key); not owned, may be null
  // (then nothing persists across runs: docs/protocol.md §4.3). Real nodes keep it in key_dir.
  wire::EpochStore* epochs = nullptr;
  // Optional: warnings worth a line on the terminal (refused peers, state that cannot be saved).
  std::function<void(const std::string&)> on_warning;
  // May this node's links use AES-256-GCM? Real nodes pass wire::aes256gcm_available(); simulated
  // runs pass it only when [security] aead pins aes256gcm, so that "auto" chooses
  // XChaCha20-Poly1305 on every machine and a seed gives the same trace everywhere.
  bool aes_ni = false;
  // Optional capture tap: every datagram the link's socket receives (tests, diagnostics).
  std::function<void(const Datagram&)> on_raw;
  // Real nodes: wakers of the loop that drives this node (RealEnv::make_waker), for a hub with
  // `threads = 2` (node/hub_threads.hpp). Empty (simulation): every role runs on the loop thread.
  LoopWakerFactory make_waker;
};

// The AEAD offer of a node's links under the experiment's [security] aead (wire::aead_offer);
// an error naming the key when aes256gcm is pinned on a machine without AES-NI (aes_ni false).
Result<uint8_t> link_aead_offer(const experiment::Experiment& e, bool aes_ni);

enum class NodeState { waiting, running, finishing, done, failed, interrupted };
const char* to_string(NodeState s);

class Node final : public RoleHost {
 public:
  // Errors name the site and what is wrong (unknown site, port in use, missing key file, …).
  static Result<std::unique_ptr<Node>> create(const experiment::Experiment& e, const std::string& site, Env& env,
                                              NodeOptions opt);
  ~Node() override;

  NodeState state() const { return state_; }
  // done, failed or interrupted: the session is over and the log closed.
  bool ended() const {
    return state_ == NodeState::done || state_ == NodeState::failed || state_ == NodeState::interrupted;
  }
  // Stops the site before the end (a signal, or the runner stopping every site): records the
  // final link statistics and its final note (record::interrupted_note: "site NAME interrupted
  // by WHY at experiment time T: counts", or "... before clock synchronisation: counts"), closes
  // the link and the log, stops the Env. No-op once done, failed or interrupted.
  void interrupt(const std::string& why);
  const Status& failure() const { return failure_; }
  // After a finished run (state done): the peers that never authenticated or stopped answering
  // for good, one message each (node/peer_report.hpp). Non-empty ⇒ the run is incomplete.
  const std::vector<std::string>& peer_problems() const { return peer_problems_; }
  const experiment::Site& site() const { return site_; }
  // Experiment time now (meaningful once synchronised).
  Time experiment_now() const;
  // This site's status now (node/status.hpp); pid is left 0 for the caller (a process) to set.
  NodeStatus status() const;
  const link::Link& link() const { return *link_; }
  // Flushes, syncs and closes the event log now (an owner stopping the node early, e.g. on a
  // signal). Returns the log's failure, if any, naming the file. Idempotent.
  Status close_log();
  const LegacyBridge* legacy_bridge() const { return legacy_.get(); }  // null unless hosted here

  // RoleHost
  void emit_spike(const Spike& s) override;
  void emit_input(const SynapticInput& in) override;
  void record_stimulus(const Stimulus& s) override;
  void record_weight(const WeightUpdate& w) override;
  void record_note(std::string_view text) override;
  void fail_site(const Status& s) override { fail(s.prefixed("site " + site_.name + ": ")); }
  Rng rng(std::string_view stream) const override;

 private:
  Node(const experiment::Experiment& e, const experiment::Site& site, Env& env, NodeOptions opt);
  Status init();
  std::string log_path() const;  // <out>/<site>.ionlog
  Status lock_log();             // opens and locks <out>/<site>.ionlog before anything is written
  Status choose_epoch();         // forward-only: after the last epoch saved in opt_.epochs
  Status peer_spec(SiteId id, link::PeerSpec& p);
  // node_peers.cpp: the declared monitors as receive-only peers, and their feeds.
  Status monitor_specs(std::vector<link::PeerSpec>& peers);
  Status key_for(SiteId id, const std::string& other, link::PeerSpec& p, PeerLabel& label);
  void start_feeds();
  void feed_monitors(const record::Record& r);
  void service_feeds(bool final);
  bool is_monitor(SiteId id) const { return exp_.monitor_by_id(id) != nullptr; }
  void on_refused(SiteId peer, wire::WireError e, uint64_t count);
  void on_peer_epoch(SiteId peer, uint64_t epoch);
  void warn(const std::string& text);
  std::string sync_failure_reason() const;
  Status restore_clock();  // <out>/<site>.origin: persisted on a fresh start, reused on --resume
  Status open_log();
  Status open_link();
  Status make_role();
  void record(const record::Record& r);
  void check_log(Status s);
  void on_event(SiteId from, const wire::Event& ev);
  void deliver_input(const SynapticInput& in);
  void refuse_event(SiteId from, const char* why);
  void tick();
  void record_stats();
  void begin_finish();
  void shutdown();
  // The end of a session: final statistics, refusal counters and `final_note` at time t, then
  // the link and the log are closed. False if closing the log failed (the node has failed).
  bool close_session(Time t, const std::string& final_note);
  std::string counts() const;
  void fail(Status s);

  const experiment::Experiment& exp_;
  const experiment::Site& site_;
  ShiftedEnv env_;
  NodeOptions opt_;
  Routing routing_;
  uint64_t epoch_ = 0;
  std::unique_ptr<OutputFile> log_file_;             // locked by lock_log, handed to the writer by open_log
  wire::EpochState epoch_state_;                     // what opt_.epochs holds for this site
  std::map<SiteId, uint64_t> key_ids_;               // wire::key_id of each secure peer's key
  std::vector<PeerLabel> peer_labels_;               // by routing_.peers order, then routing_.monitors
  std::vector<std::unique_ptr<MonitorFeed>> feeds_;  // one per monitor, once the link is open
  std::vector<std::string> peer_problems_;
  std::unique_ptr<record::LogWriter> log_;
  bool log_done_ = false;  // the log failed or is closed: no more records go to it
  std::unique_ptr<link::Link> link_;
  std::unique_ptr<Role> role_;
  std::unique_ptr<LegacyBridge> legacy_;  // the [legacy] bridge if this site hosts it
  NodeState state_ = NodeState::waiting;
  Status failure_;
  Time last_advance_ns_ = 0;
  bool resumed_ = false;        // restarted with --resume on a persisted clock origin
  bool log_continued_ = false;  // the log existed: this session continues it
  Time start_local_ns_ = 0;     // node clock when this process started (sync timeout base)
  Time next_stats_ns_ = 0;
  uint64_t spikes_ = 0, inputs_ = 0, refused_ = 0;
  std::vector<RecentRate> neuron_rates_;  // by index among this site's neurons, the first kStatusMaxEntries
};

}  // namespace ion::site
