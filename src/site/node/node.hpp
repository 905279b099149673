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
#include <memory>
#include <optional>
#include <string>

#include "core/status.hpp"
#include "env/env.hpp"
#include "experiment/model.hpp"
#include "link/link.hpp"
#include "record/event_log.hpp"
#include "site/node/legacy_bridge.hpp"
#include "site/node/routing.hpp"
#include "site/node/shifted_env.hpp"
#include "site/role.hpp"
#include "wire/crypto.hpp"

namespace ion::site {

// Pre-shared key of a site pair (by name). Real runs read key files; simulations may derive keys.
using KeyProvider = std::function<Result<wire::Psk>(const std::string& a, const std::string& b)>;

struct NodeOptions {
  std::string out_dir = ".";      // <out_dir>/<site>.ionlog, hub state <out_dir>/<site>.xbar
  bool resume = false;            // continue the log and the hub's crossbar state
  Duration warmup = 3 * kSecond;  // time for clock sync before experiment time 0
  Duration tick = kMillisecond;   // role pacing step
  Duration tick_phase = 0;        // delay of the first tick: sites' ticks need not be in phase
  Duration grace = 500 * kMillisecond;
  Duration sync_timeout = 15 * kSecond;  // non-master without clock sync by then → failure
  Duration stats_interval = kSecond;     // link statistics and clock samples into the log
  uint64_t epoch = 0;             // session epoch; 0 = random (real runs)
  KeyProvider keys;               // required unless every link is insecure
};

enum class NodeState { waiting, running, finishing, done, failed };
const char* to_string(NodeState s);

class Node final : public RoleHost {
 public:
  // Errors name the site and what is wrong (unknown site, port in use, missing key file, …).
  static Result<std::unique_ptr<Node>> create(const experiment::Experiment& e, const std::string& site, Env& env,
                                              NodeOptions opt);
  ~Node() override;

  NodeState state() const { return state_; }
  const Status& failure() const { return failure_; }
  const experiment::Site& site() const { return site_; }
  // Experiment time now (meaningful once synchronised).
  Time experiment_now() const;
  std::string status_line() const;
  const link::Link& link() const { return *link_; }
  const LegacyBridge* legacy_bridge() const { return legacy_.get(); }  // null unless hosted here

  // RoleHost
  void emit_spike(const Spike& s) override;
  void emit_input(const SynapticInput& in) override;
  void record_stimulus(const Stimulus& s) override;
  void record_weight(const WeightUpdate& w) override;
  void record_note(std::string_view text) override;
  Rng rng(std::string_view stream) const override;

 private:
  Node(const experiment::Experiment& e, const experiment::Site& site, Env& env, NodeOptions opt);
  Status init();
  Status restore_clock();  // <out>/<site>.origin: persisted on a fresh start, reused on --resume
  Status open_log();
  Status open_link();
  Status make_role();
  void record(const record::Record& r);
  void on_event(SiteId from, const wire::Event& ev);
  void deliver_input(const SynapticInput& in);
  void refuse_event(SiteId from, const char* why);
  void tick();
  void record_stats();
  void begin_finish();
  void shutdown();
  void fail(Status s);

  const experiment::Experiment& exp_;
  const experiment::Site& site_;
  ShiftedEnv env_;
  NodeOptions opt_;
  Routing routing_;
  uint64_t epoch_ = 0;
  std::unique_ptr<record::LogWriter> log_;
  std::unique_ptr<link::Link> link_;
  std::unique_ptr<Role> role_;
  std::unique_ptr<LegacyBridge> legacy_;  // the [legacy] bridge if this site hosts it
  NodeState state_ = NodeState::waiting;
  Status failure_;
  Time last_advance_ = 0;
  bool resumed_ = false;   // restarted with --resume on a persisted clock origin
  Time start_local_ = 0;   // node clock when this process started (sync timeout base)
  Time next_stats_ = 0;
  uint64_t spikes_ = 0, inputs_ = 0, refused_ = 0;
};

}  // namespace ion::site
