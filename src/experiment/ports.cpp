// SPDX-License-Identifier: Apache-2.0
#include "experiment/ports.hpp"

#include <set>

#include "experiment/endpoint.hpp"

namespace ion::experiment {
namespace {

std::string quoted_segment(const std::string& name) {
  return name.find('.') == std::string::npos ? name : "\"" + name + "\"";
}

}  // namespace

std::set<long long> taken_on(const Experiment& e, const std::string& host) {
  std::set<long long> taken;
  for (const auto& s : e.sites)
    if (s.address.port != 0 && s.address.host == host) taken.insert(s.address.port);
  if (e.legacy.enabled)
    for (const auto& s : e.sites)
      if (s.name == e.legacy.hub && s.address.host == host) taken.insert(e.legacy.port);
  return taken;
}

bool has_auto_ports(const Experiment& e) {
  for (const auto& s : e.sites)
    if (s.address.port == 0) return true;
  return false;
}

void pin_port(Experiment& e, SiteId id, uint16_t port) {
  Endpoint& a = e.sites[id].address;
  a.port = port;
  a.text = endpoint_text(a, port);
}

Result<std::vector<uint16_t>> base_port_plan(const Experiment& e, long long base) {
  if (!has_auto_ports(e))
    return error(Errc::invalid_argument, "--base-port " + std::to_string(base) +
                                             ": every site of the experiment pins its port; there is none to choose");
  std::vector<uint16_t> plan(e.sites.size(), 0);
  for (size_t i = 0; i < e.sites.size(); ++i) {
    const Site& s = e.sites[i];
    if (s.address.port != 0) continue;
    const long long port = base + static_cast<long long>(i);
    if (port < 1 || port > 65535)
      return error(Errc::invalid_argument, "--base-port " + std::to_string(base) + ": site " + s.name + " (site " +
                                               std::to_string(i) + " in the file) would get port " +
                                               std::to_string(port) + ", outside 1..65535");
    if (taken_on(e, s.address.host).count(port))
      return error(Errc::invalid_argument, "--base-port " + std::to_string(base) + ": site " + s.name +
                                               " would get port " + std::to_string(port) + ", which the experiment " +
                                               "pins on " + s.address.host + " (another site or the legacy bridge)");
    plan[i] = static_cast<uint16_t>(port);
  }
  return plan;
}

void assign_sim_ports(Experiment& e) {
  for (size_t i = 0; i < e.sites.size(); ++i) {
    if (e.sites[i].address.port != 0) continue;
    const std::set<long long> taken = taken_on(e, e.sites[i].address.host);
    long long port = kSimAutoPortBase;
    while (taken.count(port)) ++port;  // at most sites + 1 steps: ports are few
    pin_port(e, static_cast<SiteId>(i), static_cast<uint16_t>(port));
  }
}

std::vector<Override> pinned_address_overrides(const Experiment& original, const Experiment& resolved) {
  std::vector<Override> sets;
  for (size_t i = 0; i < original.sites.size(); ++i)
    if (original.sites[i].address.port == 0 && resolved.sites[i].address.port != 0)
      sets.push_back({"sites." + quoted_segment(original.sites[i].name) + ".address",
                      "\"" + resolved.sites[i].address.text + "\""});
  return sets;
}

}  // namespace ion::experiment
