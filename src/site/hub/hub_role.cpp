// SPDX-License-Identifier: Apache-2.0
#include "site/hub/hub_role.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "device/sim_crossbar.hpp"
#include "site/hub/device_ranges.hpp"
#include "site/hub/hub_recovery.hpp"

namespace ion::hub {
namespace {

RuleParams rule_params(const experiment::Plasticity& p) {
  RuleParams r;
  switch (p.rule) {
    case experiment::PlasticityRule::srdp:
      r.kind = RuleKind::srdp;
      break;
    case experiment::PlasticityRule::stdp:
      r.kind = RuleKind::stdp;
      break;
    case experiment::PlasticityRule::none:
      r.kind = RuleKind::none;
      break;
  }
  r.window_ns = p.window_ns;
  r.ltp_above = p.ltp_above;
  r.ltd_below = p.ltd_below;
  r.tau_plus_ns = p.tau_plus_ns;
  r.tau_minus_ns = p.tau_minus_ns;
  return r;
}

// The HubCore's calls on the caller's thread (single-threaded hub; every simulated run).
class InlineEngine final : public HubEngine {
 public:
  InlineEngine(HubCore& core, HubOutputs out) : core_(core), out_(std::move(out)) {}
  void start(Time t, bool resumed) override {
    if (resumed) core_.history_starts(t);  // plasticity history restarts empty (see plasticity.hpp)
    core_.read_all(t, out_.update);
  }
  void on_spike(const Spike& s) override {
    core_.on_spike(s, forward_);
    for (const auto& in : forward_) out_.forward(in);
    forward_.clear();
  }
  void advance(Time t) override { core_.advance(t, out_.update); }
  const HubCounters& finish(Time end) override {
    core_.advance(end, out_.update);
    core_.drain(end, out_.update);
    return core_.counters();
  }

 private:
  HubCore& core_;
  HubOutputs out_;
  std::vector<SynapticInput> forward_;
};

std::string hub_note(const HubCounters& c, const std::string& suffix) {
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "hub: spikes=%llu forwarded=%llu unrouted=%llu late=%llu ltp=%llu ltd=%llu device_errors=%llu withheld=%llu",
      (unsigned long long)c.spikes, (unsigned long long)c.forwarded, (unsigned long long)c.unrouted,
      (unsigned long long)c.late, (unsigned long long)c.potentiations, (unsigned long long)c.depressions,
      (unsigned long long)c.device_errors, (unsigned long long)c.withheld);
  return buf + suffix;
}

class HubRole final : public site::Role {
 public:
  HubRole(std::unique_ptr<device::Crossbar> xb, std::vector<HubSynapse> syn, Duration horizon, site::RoleHost& host,
          bool resumed, Recovery recovery)
      : xb_(std::move(xb)),
        core_(std::move(syn), *xb_, horizon),
        host_(host),
        resumed_(resumed),
        recovery_(std::move(recovery)) {
    for (const auto& y : core_.synapses()) {
      index_.emplace(y.id, shown_.size());
      shown_.emplace_back().name = y.name.empty() ? "syn" + std::to_string(y.id) : y.name;
    }
  }

  // Builds the engine (`factory` empty or giving none: inline). Called once, before any event.
  Status use_engine(const HubEngineFactory& factory) {
    // Every read-back is recorded as soon as the engine delivers it (see UpdateSink).
    HubOutputs out{[this](const SynapticInput& in) { host_.emit_input(in); },
                   [this](const WeightUpdate& u) { record_weight(u); }};
    if (factory) {
      ION_TRY_ASSIGN(engine_, factory(core_, out));
    }
    if (!engine_) engine_ = std::make_unique<InlineEngine>(core_, std::move(out));
    return Status::ok();
  }

  void advance(Time now) override {
    ensure_started(now);
    engine_->advance(now);
  }
  void on_spike(const Spike& s) override { engine_->on_spike(s); }
  void finish(Time end) override {
    ensure_started(end);
    host_.record_note(hub_note(engine_->finish(end), engine_->note_suffix()));
  }
  void status(site::RoleStatus& out) const override {
    const size_t n = std::min(shown_.size(), site::kStatusMaxEntries);
    out.synapses.assign(shown_.begin(), shown_.begin() + static_cast<std::ptrdiff_t>(n));
  }

 private:
  void ensure_started(Time now) {
    if (started_) return;
    started_ = true;
    record_recovered(now);
    engine_->start(now, resumed_);
  }
  // Pulses of the crashed incarnation that its log lacks, stamped at the restart (hub_recovery.hpp).
  void record_recovered(Time now) {
    if (!recovery_.note.empty()) host_.record_note(recovery_.note);
    for (WeightUpdate u : recovery_.updates) {
      u.t = now;
      record_weight(u);
    }
    recovery_ = {};
  }
  // Records `u` and shows it in the status: a synapse's status is its last recorded update. On
  // the caller's (loop) thread with any engine, so status() reads only this thread's writes.
  void record_weight(const WeightUpdate& u) {
    host_.record_weight(u);
    auto it = index_.find(u.synapse);
    if (it == index_.end()) return;
    site::SynapseStatus& s = shown_[it->second];
    s.weight = u.weight;
    s.resistance_ohm = u.resistance_ohm;
    if (u.action == PlasticityAction::potentiate) ++s.ltp;
    if (u.action == PlasticityAction::depress) ++s.ltd;
  }
  std::unique_ptr<device::Crossbar> xb_;
  HubCore core_;
  site::RoleHost& host_;
  bool started_ = false;
  bool resumed_ = false;
  Recovery recovery_;
  std::vector<site::SynapseStatus> shown_;       // by core_.synapses() order
  std::unordered_map<SynapseId, size_t> index_;  // synapse id → shown_ index
  // Last member: destroyed first, so that a logic thread stops before the core and device go.
  std::unique_ptr<HubEngine> engine_;
};

// On resume, what the persisted crossbar applied that the hub's log lacks. Only a simulated
// crossbar keeps a write-ahead log; an ArC ONE's state is read at the restart instead.
Result<Recovery> recover(const std::vector<HubSynapse>& syn, device::Crossbar& xb, const HubRoleOptions& opt) {
  const auto* sim = dynamic_cast<const device::SimulatedCrossbar*>(&xb);
  if (!opt.resume || opt.log_path.empty() || sim == nullptr) return Recovery{};
  ION_TRY_ASSIGN(auto logged, read_logged_pulses(opt.storage != nullptr ? *opt.storage : real_storage(), opt.log_path));
  return unlogged_pulses(syn, logged, sim->pulses_applied(), sim->replayed());
}

}  // namespace

std::vector<HubSynapse> hub_synapses(const experiment::Experiment& e, const experiment::Site& hub) {
  std::vector<HubSynapse> out;
  for (const auto& s : e.synapses) {
    if (s.hub != hub.name) continue;
    HubSynapse h;
    h.id = s.id;
    h.name = s.name;
    h.pre = e.find_neuron(s.pre)->addr;
    h.post = e.find_neuron(s.post)->addr;
    h.word = static_cast<uint32_t>(s.word);
    h.bit = static_cast<uint32_t>(s.bit);
    h.map = WeightMap{s.weight.r_min_ohm, s.weight.r_max_ohm,
                      s.weight.polarity == experiment::WeightPolarity::low_r_strong};
    h.rule = rule_params(s.plasticity);
    h.ltp = {s.plasticity.ltp_pulse.amplitude_v, s.plasticity.ltp_pulse.width_ns};
    h.ltd = {s.plasticity.ltd_pulse.amplitude_v, s.plasticity.ltd_pulse.width_ns};
    out.push_back(h);
  }
  return out;
}

Result<std::unique_ptr<site::Role>> make_hub_role(const experiment::Experiment& e, const experiment::Site& hub,
                                                  site::RoleHost& host, const HubRoleOptions& opt,
                                                  const HubEngineFactory& engine) {
  ION_TRY_ASSIGN(auto xb, make_instrument(e, hub, opt));
  auto syn = hub_synapses(e, hub);
  auto recovery = recover(syn, *xb, opt);
  if (!recovery)
    return recovery.status().prefixed("hub " + hub.name +
                                      ": cannot read its event log to compare it with the "
                                      "crossbar state: ");
  Duration horizon = 0;
  for (const auto& s : e.synapses)
    if (s.hub == hub.name) horizon = std::max(horizon, s.plasticity.horizon_ns);
  // The recording says when its device numbers are an extrapolation (docs/models.md).
  for (const auto& w : device_range_warnings(e))
    if (w.hub == hub.name) host.record_note("hub: warning: " + w.message);
  auto role = std::make_unique<HubRole>(std::move(xb), std::move(syn), horizon, host, opt.resume,
                                        std::move(recovery).value());
  if (Status s = role->use_engine(engine); !s) return s.prefixed("hub " + hub.name + ": ");
  return std::unique_ptr<site::Role>(std::move(role));
}

}  // namespace ion::hub
