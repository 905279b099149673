// SPDX-License-Identifier: Apache-2.0
// [links.default], [links."a-b"] (simulated impairments, authentication) and [legacy] (bridge).
#include <charconv>
#include <map>

#include "experiment/endpoint.hpp"
#include "experiment/limits.hpp"
#include "experiment/load_internal.hpp"

namespace ion::experiment {
namespace {

// A simulated probe must be able to come back within clock sync's reply window.
void check_latency(TableReader& r, const LinkConfig& c) {
  if (c.latency_ns <= limits::kMaxLinkLatency || !r.raw().contains("latency"))
    return;  // else inherited: reported there
  r.error_at("latency", "found " + describe(*r.raw().get("latency")) + ", expected a latency of at most " +
                            format_duration(limits::kMaxLinkLatency) +
                            " (clock sync keeps a probe's reply only for 200ms, so no site would ever synchronise)");
}

LinkConfig load_link(TableReader& r, const LinkConfig& base) {
  LinkConfig c = base;
  c.latency_ns = r.duration("latency", Need::optional, Sign::non_negative).value_or(c.latency_ns);
  c.jitter_ns = r.duration("jitter", Need::optional, Sign::non_negative).value_or(c.jitter_ns);
  c.loss = r.number("loss", Need::optional, 0, 0.99).value_or(c.loss);
  c.duplicate = r.number("duplicate", Need::optional, 0, 1).value_or(c.duplicate);
  c.reorder = r.number("reorder", Need::optional, 0, 1).value_or(c.reorder);
  c.insecure = r.boolean("insecure", Need::optional).value_or(c.insecure);
  c.key_file = r.str("key", Need::optional).value_or(c.key_file);
  check_latency(r, c);
  r.finish();
  return c;
}

// The first listed site (of `names`) whose address is not loopback, or nullptr.
const Site* non_loopback(const Experiment& e, std::initializer_list<std::string_view> names, bool all) {
  for (const auto& site : e.sites) {
    bool listed = all;
    for (auto n : names) listed = listed || n == site.name;
    if (listed && !site.address.text.empty() && !site.address.loopback) return &site;
  }
  return nullptr;
}

void check_insecure(TableReader& r, const LinkConfig& c, const Site* outside) {
  if (!c.insecure || !outside || !r.raw().get("insecure")) return;
  r.error_at("insecure", "found insecure = true with site '" + outside->name + "' at " + outside->address.text +
                             ", expected insecure links only between loopback addresses (127.0.0.0/8, ::1)");
}

// Splits "a-b" into two declared site names (site names may contain '-': try every split).
bool split_pair(std::string_view key, const LoadState& s, std::string& a, std::string& b) {
  for (size_t dash = key.find('-'); dash != std::string_view::npos; dash = key.find('-', dash + 1)) {
    std::string_view l = key.substr(0, dash), rr = key.substr(dash + 1);
    if (s.declared_sites.count(l) && s.declared_sites.count(rr)) {
      a = std::string(l);
      b = std::string(rr);
      return true;
    }
  }
  return false;
}

// " (no site \"mars\")" when one side of "a-b" is a site and the other is not.
std::string unknown_half(std::string_view key, const LoadState& s) {
  for (size_t dash = key.find('-'); dash != std::string_view::npos; dash = key.find('-', dash + 1)) {
    std::string_view l = key.substr(0, dash), r = key.substr(dash + 1);
    bool has_l = s.declared_sites.count(l) > 0, has_r = s.declared_sites.count(r) > 0;
    if (has_l != has_r) return " (no site \"" + std::string(has_l ? r : l) + "\")";
  }
  return {};
}

void load_pair(const toml::key& key, const toml::table& t, LoadState& s, std::map<std::string, SourceLoc>& seen) {
  std::string path = "links." + std::string(key.str()), a, b;
  if (!split_pair(key.str(), s, a, b))
    return s.ctx.error(key.source(), path,
                       "found link \"" + std::string(key.str()) +
                           "\", expected \"default\" or \"SITE-SITE\" naming two sites of this experiment" +
                           unknown_half(key.str(), s));
  if (a == b)
    return s.ctx.error(key.source(), path,
                       "found a link from site '" + a + "' to itself, expected two different sites");
  std::string canon = a < b ? a + "-" + b : b + "-" + a;
  if (auto it = seen.find(canon); it != seen.end())
    return s.ctx.error(key.source(), path,
                       "found a second link between '" + a + "' and '" + b + "', expected one (first at " +
                           first_at(it->second) + ")");
  seen[canon] = s.ctx.loc(key.source());
  TableReader r(t, path, s.ctx);
  LinkPair pair{a, b, load_link(r, s.e.links.defaults)};
  check_insecure(r, pair.config, non_loopback(s.e, {a, b}, false));
  s.e.links.pairs.push_back(std::move(pair));
}

std::optional<uint32_t> legacy_id(std::string_view text) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > 0xFFFFFF) return std::nullopt;
  return v;
}

void load_legacy_neurons(TableReader& r, LoadState& s) {
  const toml::table* t = r.table("neurons", Need::optional);
  if (!t) return;
  TableReader ids(*t, r.path("neurons"), s.ctx);
  for (auto&& [k, v] : *t) {
    std::string key(k.str());
    auto id = legacy_id(key);
    if (!id) {
      s.ctx.error(k.source(), ids.path(key),
                  "found id \"" + key + "\", expected a legacy neuron id from 0 to 16777215");
      ids.node(key);
      continue;
    }
    auto n = ids.str(key, Need::required);
    std::vector<std::string> members = n ? resolve_neurons(ids, key, *n, s) : std::vector<std::string>{};
    if (members.size() == 1) s.e.legacy.neurons[*id] = members[0];
    else if (members.size() > 1)
      ids.error_at(key, "found \"" + *n + "\" (" + std::to_string(members.size()) +
                            " neurons), expected a single neuron such as \"" + members[0] + "\"");
  }
}

void load_allowed_peers(TableReader& r, LegacyBridge& lb, Ctx& ctx) {
  const toml::array* peers = r.array("allowed_peers", Need::optional);
  if (!peers) return;
  for (size_t i = 0; i < peers->size(); ++i) {
    const toml::node& n = *peers->get(i);
    bool loop = false, v6 = false;
    auto s = n.as_string();
    if (s && parse_ip(s->get(), &loop, &v6)) lb.allowed_peers.push_back(s->get());
    else
      ctx.error(n.source(), r.path("allowed_peers") + "[" + std::to_string(i) + "]",
                "found " + describe(n) + ", expected a numeric IP address like \"127.0.0.1\"");
  }
}

void check_legacy_hub(TableReader& r, LoadState& s) {
  LegacyBridge& lb = s.e.legacy;
  auto hub = r.name("hub", Need::optional);
  if (hub && check_site_ref(r, "hub", *hub, s)) {
    auto role = s.declared_sites.find(*hub)->second;
    if (role && *role != Role::hub)
      r.error_at("hub", "found site '" + *hub + "' with role '" + to_string(*role) + "', expected a hub site");
    lb.hub = *hub;
  } else if (!hub && lb.enabled) {
    lb.hub = s.e.time_master;
    if (lb.hub.empty())
      r.error_at("enabled", "found legacy.enabled = true, expected a hub site in the experiment to host the bridge");
  }
  const Site* hub_site = s.site(lb.hub);
  if (!lb.enabled || !hub_site) return;
  for (const auto& site : s.e.sites) {  // the bridge binds the hub's host: no site may use that port there
    if (site.address.host != hub_site->address.host || site.address.port != lb.port) continue;
    return r.error_at(r.raw().get("port") ? "port" : "enabled",
                      "found legacy port " + std::to_string(lb.port) + ", expected a port no site uses on " +
                          hub_site->address.host + " (site '" + site.name + "' is at " + site.address.text + ")");
  }
}

// pre_partner / post_partner: where 'S' datagrams go (UDPmod.py's "Presynaptic/Postsynaptic
// partner IP/port"); binding: "configured" (those addresses) or "learned" (ion's: the address that
// last sent a packet for the id). Default: configured when an address is given, else learned.
void load_legacy_partners(TableReader& r, LegacyBridge& lb) {
  static constexpr const char* kExpect = "a partner address like \"127.0.0.1:25003\" or \"[::1]:25003\"";
  for (auto [key, field] : {std::pair{"pre_partner", &lb.pre_partner}, std::pair{"post_partner", &lb.post_partner}}) {
    const toml::node* n = r.node(key, Need::optional, kExpect);
    if (!n) continue;
    auto text = n->value<std::string>();
    if (!text) {
      r.error_at(key, "found " + describe(*n) + ", expected " + kExpect);
      continue;
    }
    Result<Endpoint> ep = parse_endpoint(*text);
    if (ep) *field = *text;
    else r.error_at(key, "found \"" + *text + "\", expected " + kExpect + " (" + ep.status().message() + ")");
  }
  static constexpr std::string_view kBindings[] = {"configured", "learned"};
  const bool any_partner = !lb.pre_partner.empty() || !lb.post_partner.empty();
  const std::string binding = r.choice("binding", kBindings, Need::optional)
                                  .value_or(any_partner ? "configured" : "learned");
  lb.learned_binding = binding == "learned";
  if (!lb.learned_binding && !any_partner)
    r.error_at(
        "binding",
        "found binding = \"configured\" without pre_partner or post_partner, expected at least one partner address");
  if (lb.learned_binding && any_partner)
    r.error_at(lb.pre_partner.empty() ? "post_partner" : "pre_partner",
               "found a partner address with binding = \"learned\", expected none (learned binding answers the address "
               "that last sent a packet for the id)");
}

}  // namespace

void load_links(TableReader& root, LoadState& s) {
  const toml::table* t = root.table("links", Need::optional);
  if (!t) return;
  TableReader links(*t, "links", s.ctx);
  if (const toml::table* d = links.table("default", Need::optional)) {
    TableReader r(*d, "links.default", s.ctx);
    s.e.links.defaults = load_link(r, LinkConfig{});
    check_insecure(r, s.e.links.defaults, non_loopback(s.e, {}, true));
  }
  std::map<std::string, SourceLoc> seen;
  for (auto [k, v] : in_file_order(*t)) {
    if (k->str() == "default") continue;
    if (auto pt = v->as_table()) load_pair(*k, *pt, s, seen);
    else s.ctx.error(v->source(), "links." + std::string(k->str()), "found " + describe(*v) + ", expected a table");
  }
}

void load_legacy(TableReader& root, LoadState& s) {
  const toml::table* t = root.table("legacy", Need::optional);
  if (!t) return;
  TableReader r(*t, "legacy", s.ctx);
  LegacyBridge& lb = s.e.legacy;
  lb.enabled = r.boolean("enabled", Need::optional).value_or(false);
  lb.port = static_cast<uint16_t>(r.integer("port", Need::optional, 1, 65535).value_or(lb.port));
  check_legacy_hub(r, s);
  load_allowed_peers(r, lb, s.ctx);
  load_legacy_neurons(r, s);
  load_legacy_partners(r, lb);
  r.finish();
}

}  // namespace ion::experiment
