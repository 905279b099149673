// SPDX-License-Identifier: Apache-2.0
#include "node/launch/sim_runner.hpp"

#include <memory>
#include <optional>

#include "env/sim_world.hpp"
#include "experiment/ports.hpp"
#include "node/monitor.hpp"
#include "node/node.hpp"

namespace ion::site {
namespace {

LinkImpairments impairments(const experiment::LinkConfig& c) {
  LinkImpairments imp;
  imp.latency_ns = c.latency_ns;
  imp.jitter_ns = c.jitter_ns;
  imp.jitter = c.jitter_ns > 0 ? Jitter::normal : Jitter::none;
  imp.loss = c.loss;
  imp.duplicate = c.duplicate;
  imp.reorder = c.reorder;
  imp.reorder_delay_ns = std::max<Duration>(2 * c.jitter_ns, kMillisecond);
  return imp;
}

Status configure_links(SimWorld& world, const experiment::Experiment& e) {
  ION_TRY(world.set_default_link(impairments(e.links.defaults)));
  for (const auto& p : e.links.pairs) ION_TRY(world.set_link_both(p.a, p.b, impairments(p.config)));
  return Status::ok();
}

// Deterministic, non-zero session epoch per site for a seed.
uint64_t sim_epoch(uint64_t seed, const std::string& site) {
  uint64_t x = Rng::stream(seed, "sim.epoch." + site).next_u64();
  return x ? x : 1;
}

bool all_ended(const std::vector<std::unique_ptr<Node>>& nodes) {
  for (const auto& n : nodes)
    if (!n->ended()) return false;
  return true;
}

const Node* failed_node(const std::vector<std::unique_ptr<Node>>& nodes) {
  for (const auto& n : nodes)
    if (n->state() == NodeState::failed) return n.get();
  return nullptr;
}

// Experiment time on the time master's clock (the first node's if there is none).
Time experiment_time(const std::vector<std::unique_ptr<Node>>& nodes, const experiment::Experiment& e) {
  for (const auto& n : nodes)
    if (n->site().name == e.time_master) return n->experiment_now();
  return nodes.front()->experiment_now();
}

// Stops every site still running; the run ends with `status` now.
record::RunOutcome stop_all(std::vector<std::unique_ptr<Node>>& nodes, const experiment::Experiment& e,
                            record::RunStatus status, const std::string& why, const std::string& detail) {
  const Time t = experiment_time(nodes, e);
  for (auto& n : nodes) n->interrupt(why);
  return {status, t, detail};
}

// One simulated second in steps of 100 ms; stops early when asked to or when a site failed.
std::optional<record::RunOutcome> run_second(SimWorld& world, std::vector<std::unique_ptr<Node>>& nodes,
                                             const experiment::Experiment& e, const SimRunOptions& opt) {
  for (int step = 0; step < 10; ++step) {
    world.run_for(100 * kMillisecond);
    if (const Node* f = failed_node(nodes))
      return stop_all(nodes, e, record::RunStatus::incomplete, "the runner (site " + f->site().name + " failed)",
                      "site " + f->site().name + " failed: " + f->failure().message());
    if (std::string why = opt.stop_requested ? opt.stop_requested() : ""; !why.empty())
      return stop_all(nodes, e, record::RunStatus::interrupted, why, why);
  }
  return std::nullopt;
}

}  // namespace

wire::Psk simulation_psk(uint64_t seed, const std::string& a, const std::string& b) {
  const std::string& lo = a < b ? a : b;
  const std::string& hi = a < b ? b : a;
  Rng r = Rng::stream(seed, "sim.psk." + lo + "." + hi);
  wire::Psk k;
  for (size_t i = 0; i < k.bytes.size(); i += 8) {
    uint64_t v = r.next_u64();
    for (size_t j = 0; j < 8 && i + j < k.bytes.size(); ++j) k.bytes[i + j] = static_cast<uint8_t>(v >> (8 * j));
  }
  return k;
}

namespace {

using Monitors = std::vector<std::unique_ptr<MonitorNode>>;

Result<Monitors> add_monitors(SimWorld& world, const experiment::Experiment& e, const SimRunOptions& opt,
                              SimRunReport& report) {
  Monitors out;
  if (!opt.run_monitors) return out;
  for (const auto& m : e.monitors) {
    ION_TRY_ASSIGN(SimEnv * env, world.add_node(m.name, NodeClock{}));
    MonitorOptions mo;
    mo.out_dir = opt.out_dir + "/" + m.name;
    mo.epoch = sim_epoch(e.seed, m.name);
    mo.aes_ni = e.security.aead == "aes256gcm" && wire::aes256gcm_available();  // NodeOptions::aes_ni
    mo.keys = [seed = e.seed](const std::string& a, const std::string& b) -> Result<wire::Psk> {
      return simulation_psk(seed, a, b);
    };
    ION_TRY_ASSIGN(auto node, MonitorNode::create(e, m.name, *env, mo));
    out.push_back(std::move(node));
    for (const auto& s : e.sites) report.monitor_logs.push_back(mo.out_dir + "/" + s.name + ".ionlog");
  }
  return out;
}

// After the sites: their last copies and goodbyes are still in flight. Then the logs are closed.
Status finish_monitors(SimWorld& world, Monitors& monitors) {
  for (int i = 0; i < 50 && !monitors.empty(); ++i) {
    bool gone = true;
    for (const auto& m : monitors) gone = gone && m->sites_gone();
    if (gone) break;
    world.run_for(100 * kMillisecond);
  }
  for (auto& m : monitors) ION_TRY(m->close());
  return Status::ok();
}

}  // namespace

Result<SimRunReport> run_sim(const experiment::Experiment& given, const SimRunOptions& opt) {
  experiment::Experiment e = given;
  experiment::assign_sim_ports(e);  // sites without a port: deterministic ones (nothing is bound)
  SimWorldOptions wo;
  wo.seed = e.seed;
  SimWorld world(wo);
  for (const StorageFault& f : opt.storage_faults) world.storage().inject(f);
  std::vector<std::unique_ptr<Node>> nodes;
  SimRunReport report;
  for (const auto& s : e.sites) {
    ION_TRY_ASSIGN(SimEnv * env, world.add_node(s.name, NodeClock{s.clock_offset_ns, s.clock_drift_ppm}));
    NodeOptions no;
    no.out_dir = opt.out_dir;
    no.warmup_ns = opt.warmup_ns;
    no.epoch = sim_epoch(e.seed, s.name);
    no.aes_ni = e.security.aead == "aes256gcm" && wire::aes256gcm_available();  // NodeOptions::aes_ni
    // Separate processes do not tick in phase; neither do simulated sites (so that a role
    // stamping an event with its last tick instead of the event's time shows in simulation too).
    no.tick_phase_ns = (Duration(s.id) * 600 * kMicrosecond) % no.tick_ns;
    no.keys = [seed = e.seed](const std::string& a, const std::string& b) -> Result<wire::Psk> {
      return simulation_psk(seed, a, b);
    };
    no.epochs = opt.epochs;
    if (opt.on_raw) no.on_raw = [tap = opt.on_raw, site = s.name](const Datagram& d) { tap(site, d); };
    ION_TRY_ASSIGN(auto node, Node::create(e, s.name, *env, no));
    nodes.push_back(std::move(node));
    report.logs.push_back(opt.out_dir + "/" + s.name + ".ionlog");
  }
  ION_TRY_ASSIGN(Monitors monitors, add_monitors(world, e, opt, report));
  ION_TRY(configure_links(world, e));  // after the nodes: links are named by node
  if (opt.on_world) opt.on_world(world);
  const Time limit = opt.warmup_ns + e.duration_ns + 60 * kSecond;
  while (!all_ended(nodes) && world.now() < limit) {
    if (auto stopped = run_second(world, nodes, e, opt)) {
      report.outcome = *stopped;
      break;
    }
    if (opt.progress) {
      std::vector<NodeStatus> sites;
      for (const auto& n : nodes) sites.push_back(n->status());
      opt.progress(nodes.front()->experiment_now(), sites);
    }
  }
  if (!all_ended(nodes))
    report.outcome = stop_all(nodes, e, record::RunStatus::incomplete, "the runner (time limit)",
                              "the simulation did not finish within " + format_duration(limit));
  for (const auto& n : nodes)  // ran to its end, but a peer never authenticated or stopped answering
    if (report.outcome.status == record::RunStatus::complete && !n->peer_problems().empty())
      report.outcome = {record::RunStatus::incomplete, e.duration_ns,
                        "site " + n->site().name + " ran to its end, but " + n->peer_problems().front()};
  if (report.outcome.status == record::RunStatus::complete) report.outcome.ended_at_ns = e.duration_ns;
  ION_TRY(finish_monitors(world, monitors));
  if (opt.on_end) opt.on_end(world);
  report.simulated_ns = world.now();
  report.events = world.events_processed();
  report.digest = world.digest();
  return report;
}

}  // namespace ion::site
