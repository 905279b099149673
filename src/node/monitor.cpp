// SPDX-License-Identifier: Apache-2.0
#include "node/monitor.hpp"

#include "node/roles.hpp"
#include "record/log_open.hpp"
#include "wire/crypto.hpp"
#include "wire/epoch_state.hpp"

namespace ion::site {

MonitorNode::MonitorNode(const experiment::Experiment& e, const experiment::Monitor& m, Env& env, MonitorOptions opt)
    : exp_(e), self_(m), env_(env), opt_(std::move(opt)) {}

MonitorNode::~MonitorNode() {
  // Normally closed by the owner, which reports the outcome; a destructor cannot report it.
  (void)close();
}

Result<std::unique_ptr<MonitorNode>> MonitorNode::create(const experiment::Experiment& e, const std::string& monitor,
                                                         Env& env, MonitorOptions opt) {
  const experiment::Monitor* m = e.find_monitor(monitor);
  if (!m) return error(Errc::not_found, "no monitor named '" + monitor + "' in " + e.source_name);
  std::unique_ptr<MonitorNode> n(new MonitorNode(e, *m, env, std::move(opt)));
  auto epoch = wire::next_epoch(n->opt_.epoch ? n->opt_.epoch : wire::clock_epoch(), 0);
  if (!epoch) return epoch.status().prefixed("monitor " + monitor + ": ");
  n->epoch_ = *epoch;
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
  std::vector<link::PeerSpec> peers;
  for (const auto& s : exp_.sites) {
    auto p = site_spec(s);
    if (!p) return p.status().prefixed("monitor " + self_.name + ": ");
    peers.push_back(std::move(p).value());
  }
  link::LinkHandlers h;
  h.on_copies = [this](SiteId from, std::span<const uint8_t> c) { on_copies(from, c); };
  h.on_event = [this](SiteId, const wire::Event&) { ++counters_.events; };
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
  });
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
