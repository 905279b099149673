// SPDX-License-Identifier: Apache-2.0
#include "node/monitor.hpp"

#include <cstdio>

#include "node/node.hpp"
#include "node/roles.hpp"
#include "record/log_open.hpp"
#include "wire/crypto.hpp"
#include "wire/epoch_state.hpp"

namespace ion::site {
namespace {

// A site's own spikes and the latest experiment time of its events, from its copies.
template <class Seen>
void saw(Seen& seen, const record::Record& r) {
  if (const auto* sp = std::get_if<Spike>(&r); sp && sp->kind == SpikeKind::spike) ++seen.spikes;
  const bool event = std::holds_alternative<Spike>(r) || std::holds_alternative<SynapticInput>(r) ||
                     std::holds_alternative<Stimulus>(r) || std::holds_alternative<WeightUpdate>(r);
  if (event) seen.t_ns = std::max(seen.t_ns.value_or(record::record_time(r)), record::record_time(r));
}

}  // namespace

MonitorNode::MonitorNode(const experiment::Experiment& e, const experiment::Monitor& m, Env& env, MonitorOptions opt)
    : exp_(e), self_(m), env_(env), opt_(std::move(opt)) {}

MonitorNode::~MonitorNode() {
  // Normally closed by the owner, which reports the outcome; here only standard error is left.
  if (Status s = close(); !s) std::fprintf(stderr, "ion monitor: closing the copies failed: %s\n", s.message().c_str());
}

Result<std::unique_ptr<MonitorNode>> MonitorNode::create(const experiment::Experiment& e, const std::string& monitor,
                                                         Env& env, MonitorOptions opt) {
  const experiment::Monitor* m = e.find_monitor(monitor);
  if (!m) return error(Errc::not_found, "no monitor named '" + monitor + "' in " + e.source_name);
  std::unique_ptr<MonitorNode> n(new MonitorNode(e, *m, env, std::move(opt)));
  auto epoch = wire::next_epoch(n->opt_.epoch ? n->opt_.epoch : wire::clock_epoch(), 0);
  if (!epoch) return epoch.status().prefixed("monitor " + monitor + ": ");
  n->epoch_ = *epoch;
  n->seen_.resize(e.sites.size());
  ION_TRY(n->open_logs());
  ION_TRY(n->open_link());
  return n;
}

// One log per site, started like the site's own: the experiment's description notes first.
Status MonitorNode::open_logs() {
  ION_TRY(env_.storage().make_dirs(opt_.out_dir));
  for (const auto& s : exp_.sites) {
    record::LogHeader h;
    h.site_id = s.id;
    h.site_name = s.name;
    h.session_epoch = epoch_;
    h.start_wall_ns = env_.wall_now_ns();
    record::WriterOptions w;
    w.flush_interval_ns = exp_.recording.flush_interval_ns;
    auto opened = record::open_log(env_, log_path(s.name), h, w);
    if (!opened) return opened.status().prefixed("monitor " + self_.name + ": ");
    if (opened->resumed)
      return error(Errc::already_exists,
                   "monitor " + self_.name + ": " + log_path(s.name) + " exists; use another --out directory");
    logs_.push_back(std::move(opened->writer));
    for (const auto& r : describe_experiment(exp_)) ION_TRY(logs_.back()->append(r));
    ION_TRY(logs_.back()->append(record::Note{0, record::NoteKind::text,
                                              "monitor " + self_.name + ": copy of site " + s.name +
                                                  "'s records as received (rate-limited; the site's own log "
                                                  "counts what it could not copy)"}));
    logs_.back()->start_periodic_flush(env_);
  }
  return Status::ok();
}

Result<link::PeerSpec> MonitorNode::site_spec(const experiment::Site& s) {
  link::PeerSpec p;
  p.site = s.id;
  auto addr = SockAddr::parse(s.address.text);
  if (!addr) return error(Errc::invalid_argument, "site " + s.name + ": " + addr.status().message());
  p.addr = *addr;
  p.insecure = exp_.links.defaults.insecure;
  if (p.insecure) return p;
  if (!opt_.keys) return error(Errc::not_found, "no key source for link " + self_.name + "-" + s.name);
  ION_TRY_ASSIGN(auto psk, opt_.keys(self_.name, s.name));
  p.psk = psk;
  return p;
}

Status MonitorNode::open_link() {
  link::LinkConfig cfg;
  cfg.self = self_.id;
  auto bind = SockAddr::parse(self_.address.text);
  if (!bind) return error(Errc::invalid_argument, "monitor " + self_.name + ": " + bind.status().message());
  cfg.bind = *bind;
  cfg.epoch = epoch_;
  cfg.monitor = true;
  auto offer = link_aead_offer(exp_, opt_.aes_ni);
  if (!offer) return offer.status().prefixed("monitor " + self_.name + ": ");
  cfg.aead_offer = *offer;
  std::vector<link::PeerSpec> peers;
  for (const auto& s : exp_.sites) {
    auto p = site_spec(s);
    if (!p) return p.status().prefixed("monitor " + self_.name + ": ");
    peers.push_back(std::move(p).value());
  }
  link::LinkHandlers h;
  h.on_copies = [this](SiteId from, std::span<const uint8_t> c) { on_copies(from, c); };
  h.on_events = [this](SiteId, std::span<const wire::Event> events) { counters_.events += events.size(); };
  h.on_peer = [this](SiteId peer, link::PeerTransition t) {
    note("site " + exp_.participant_name(peer) + ": " + link::transition_name(t));
  };
  h.on_refused = [this](SiteId peer, wire::WireError e, uint64_t count) {
    note("site " + exp_.participant_name(peer) + ": " + std::to_string(count) + " datagram(s) refused as " +
         wire::wire_error_name(e));
  };
  auto link = link::Link::create(env_, cfg, std::move(peers), std::move(h));
  if (!link) return link.status().prefixed("monitor " + self_.name + ": ");
  link_ = std::move(link).value();
  return Status::ok();
}

void MonitorNode::note(const std::string& text) {
  if (opt_.on_warning) opt_.on_warning("monitor " + self_.name + ": " + text);
}

// Each copy is decoded with the log's own decoder before it is written: a record the log could
// not read back is counted, never written.
void MonitorNode::on_copies(SiteId from, std::span<const uint8_t> copies) {
  if (closed_ || from >= logs_.size()) return;
  record::LogWriter& log = *logs_[from];
  wire::for_each_copy(copies, [&](wire::CopyView c) {
    auto r = record::decode_payload(c.kind, c.payload);
    if (!r) {
      if (counters_.undecodable++ == 0)
        note("a copy from site " + exp_.sites[from].name + " could not be decoded: " + r.status().message());
      return;
    }
    Status s = log.append(*r);
    if (!s && log_failure_) log_failure_ = s;
    if (s) ++counters_.records;
    if (s) saw(seen_[from], *r);
  });
}

NodeStatus MonitorNode::site_status(const experiment::Site& s) const {
  NodeStatus st;
  st.site = s.name;
  st.role = experiment::to_string(s.role);
  const link::Peer* p = link_ ? link_->peer(s.id) : nullptr;
  const bool heard = p && p->liveness().ever_heard();
  st.state = !heard ? "waiting" : p->liveness().up() ? "running" : "silent";
  st.duration_ns = exp_.duration_ns;
  if (s.id < seen_.size()) st.spikes = seen_[s.id].spikes, st.t_ns = seen_[s.id].t_ns;
  if (!link_) return st;
  if (auto ls = link_->stats(s.id)) st.links.push_back(link_health(self_.name, *ls));
  return st;
}

Status MonitorNode::write_site_statuses() {
  Status first;
  for (const auto& s : exp_.sites) {
    Status w = write_status_file(env_.storage(), opt_.out_dir + "/" + s.name + ".status", site_status(s));
    if (!w && first) first = w;
  }
  return first;
}

bool MonitorNode::sites_gone() const {
  for (const auto& s : exp_.sites) {
    const link::Peer* p = link_->peer(s.id);
    if (!p || !p->liveness().ever_heard() || p->liveness().up()) return false;
  }
  return true;
}

Status MonitorNode::close() {
  if (closed_) return log_failure_;
  closed_ = true;
  if (link_) link_->close();
  for (auto& log : logs_) {
    Status s = log->close();
    if (!s && log_failure_) log_failure_ = s;
  }
  return log_failure_;
}

}  // namespace ion::site
