// SPDX-License-Identifier: Apache-2.0
// [[monitors]]: read-only peers that receive copies of what every site records (docs/experiment.md,
// docs/protocol.md §3.3). A monitor has a name (its key files pair it with each site), an address
// of its own, and the rate at which each site copies records to it.
#include <map>

#include "experiment/endpoint.hpp"
#include "experiment/load_internal.hpp"

namespace ion::experiment {
namespace {

constexpr const char* kExpectAddress = "an address like \"127.0.0.1:7401\" or \"[::1]:7401\"";

void load_monitor_address(TableReader& r, Monitor& m, LoadState& s) {
  const toml::node* n = r.node("address", Need::required, kExpectAddress);
  if (!n) return;
  auto text = n->value<std::string>();
  if (!text) return r.error_at("address", "found " + describe(*n) + ", expected " + kExpectAddress);
  Result<Endpoint> ep = parse_endpoint(*text);
  if (!ep)
    return r.error_at("address",
                      "found \"" + *text + "\", expected " + kExpectAddress + " (" + ep.status().message() + ")");
  if (auto it = s.site_by_address.find({ep->host, ep->port}); it != s.site_by_address.end())
    return r.error_at("address", "found \"" + *text + "\", expected an address no site or other monitor uses ('" +
                                     s.participant_name(it->second) + "' has it)");
  s.site_by_address.emplace(std::make_pair(ep->host, ep->port), m.id);
  m.address = *ep;
}

void load_monitor(const toml::table& t, size_t index, LoadState& s, std::map<std::string, SourceLoc>& seen) {
  TableReader r(t, "monitors[" + std::to_string(index) + "]", s.ctx);
  Monitor m;
  m.loc = r.loc();
  m.id = static_cast<SiteId>(s.e.sites.size() + s.e.monitors.size());
  m.name = r.name("name", Need::required).value_or("");
  if (!m.name.empty() && s.declared_sites.count(m.name)) {
    r.error_at("name", "found \"" + m.name + "\", expected a name no site uses (a monitor is not a site)");
    m.name.clear();
  } else if (auto [it, fresh] = seen.try_emplace(m.name, r.loc("name")); !m.name.empty() && !fresh) {
    r.error_at("name",
               "found \"" + m.name + "\" twice, expected unique monitor names (first at " + first_at(it->second) + ")");
    m.name.clear();
  }
  load_monitor_address(r, m, s);
  m.max_record_rate_hz = r.number("max_record_rate", Need::optional, 1, kMaxMonitorRecordRateHz)
                             .value_or(m.max_record_rate_hz);
  r.finish();
  s.e.monitors.push_back(std::move(m));
}

}  // namespace

void load_monitors(TableReader& root, LoadState& s) {
  const toml::array* arr = root.array("monitors", Need::optional);
  if (!arr) return;
  std::map<std::string, SourceLoc> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& n = *arr->get(i);
    if (auto t = n.as_table()) load_monitor(*t, i, s, seen);
    else
      s.ctx.error(n.source(), "monitors[" + std::to_string(i) + "]",
                  "found " + describe(n) + ", expected a table ([[monitors]])");
  }
}

}  // namespace ion::experiment
