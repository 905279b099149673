// SPDX-License-Identifier: Apache-2.0
// The Node's peers: the sites it exchanges events with, and the monitors (docs/protocol.md §3.3).
// Each declared monitor is a receive-only
// peer of this site (link::PeerSpec::monitor — what it sends beyond handshake, probes and
// heartbeats is refused as not_permitted) and gets a MonitorFeed of what this site records.
// A monitor is never a required peer: it is left out of the peer problems, and its link
// statistics are summed up in the site's final monitor note rather than logged every second.
#include <filesystem>

#include "node/node.hpp"
#include "wire/keyfile.hpp"

namespace ion::site {

Result<uint8_t> link_aead_offer(const experiment::Experiment& e, bool aes_ni) {
  const auto policy = wire::parse_aead_policy(e.security.aead);
  if (!policy) return error(Errc::invalid_argument, "[security] aead = \"" + e.security.aead + "\" is not a suite");
  const auto offer = wire::aead_offer(*policy, aes_ni);
  if (!offer)
    return error(Errc::invalid_argument,
                 "[security] aead = \"aes256gcm\" needs AES-NI and PCLMUL, which this machine lacks (libsodium "
                 "crypto_aead_aes256gcm_is_available() is 0); use \"auto\" or \"xchacha20poly1305\"");
  return *offer;
}

// One peer's link settings: address, key (and its id for the epoch state), epoch floor, label.
Status Node::peer_spec(SiteId id, link::PeerSpec& p) {
  const experiment::Site& other = exp_.sites[id];
  p.site = id;
  auto addr = SockAddr::parse(other.address.text);
  if (!addr) return error(Errc::invalid_argument, "site " + other.name + ": " + addr.status().message());
  p.addr = *addr;
  p.insecure = exp_.link_between(site_.name, other.name).insecure;
  p.time_master = id == routing_.time_master;
  PeerLabel label{other.name, "insecure link (no key)", other.address.text};
  ION_TRY(key_for(id, other.name, p, label));
  peer_labels_.push_back(std::move(label));
  return Status::ok();
}

// The pre-shared key of the link to `other` (unless insecure), its epoch floor and label.
Status Node::key_for(SiteId id, const std::string& other, link::PeerSpec& p, PeerLabel& label) {
  if (p.insecure) return Status::ok();
  if (!opt_.keys) return error(Errc::not_found, "no key source for link " + site_.name + "-" + other);
  ION_TRY_ASSIGN(auto psk, opt_.keys(site_.name, other));
  p.psk = psk;
  key_ids_[id] = wire::key_id(psk);
  p.epoch_floor = epoch_state_.peer_floor(other, key_ids_[id]);
  label.key = opt_.key_dir.empty()
                  ? "simulated key of seed " + std::to_string(exp_.seed)
                  : "key file " +
                        (std::filesystem::path(opt_.key_dir) / wire::key_file_name(site_.name, other)).string();
  return Status::ok();
}

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
