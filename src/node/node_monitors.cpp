// SPDX-License-Identifier: Apache-2.0
// The Node's side of the monitors (docs/protocol.md §3.3): each declared monitor is a receive-only
// peer of this site (link::PeerSpec::monitor — what it sends beyond handshake, probes and
// heartbeats is refused as not_permitted) and gets a MonitorFeed of what this site records.
// A monitor is never a required peer: it is left out of the peer problems, and its link
// statistics are summed up in the site's final monitor note rather than logged every second.
#include "node/node.hpp"

namespace ion::site {

Status Node::monitor_specs(std::vector<link::PeerSpec>& peers) {
  for (const auto& m : exp_.monitors) {
    link::PeerSpec p;
    p.site = m.id;
    auto addr = SockAddr::parse(m.address.text);
    if (!addr) return error(Errc::invalid_argument, "monitor " + m.name + ": " + addr.status().message());
    p.addr = *addr;
    p.insecure = exp_.links.defaults.insecure;
    p.monitor = true;
    PeerLabel label{m.name, "insecure link (no key)", m.address.text};
    ION_TRY(key_for(m.id, m.name, p, label));
    peer_labels_.push_back(std::move(label));
    peers.push_back(std::move(p));
  }
  return Status::ok();
}

void Node::start_feeds() {
  for (const auto& m : exp_.monitors)
    feeds_.push_back(std::make_unique<MonitorFeed>(m.id, m.name, m.max_record_rate_hz, env_.now()));
}

void Node::feed_monitors(const record::Record& r) {
  for (auto& f : feeds_) f->copy(r);
}

void Node::service_feeds(bool final) {
  if (!link_) return;
  for (auto& f : feeds_) f->service(*link_, env_.now(), final);
}

}  // namespace ion::site
