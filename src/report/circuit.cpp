// SPDX-License-Identifier: Apache-2.0
#include "report/circuit.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace ion::report {
namespace {

// Okabe & Ito's colour-blind-safe set without its blue and vermillion, which the synapse plots
// keep for LTD and LTP pulses, then a few darker tones for larger circuits.
const std::string& group_color(size_t i) {
  static const std::vector<std::string> kColors = {"#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#8C6D1F",
                                                   "#6A3D9A", "#B15928", "#1B9E77", "#E7298A", "#666666"};
  return kColors[i % kColors.size()];
}
constexpr const char* kUnnamedColor = "#9A9A9A";

// [[neurons]] entries in file order, with their members' experiment indices.
struct Entry {
  std::string name;
  std::vector<size_t> members;
  bool scheduled = false, driven = false;
};

std::vector<Entry> entries(const experiment::Experiment& e, std::map<std::string, size_t>& entry_of) {
  std::vector<Entry> out;
  for (size_t i = 0; i < e.neurons.size(); ++i) {
    const auto& n = e.neurons[i];
    auto [it, fresh] = entry_of.emplace(n.group, out.size());
    if (fresh) out.push_back({n.group, {}, false, false});
    Entry& en = out[it->second];
    en.members.push_back(i);
    en.scheduled = en.scheduled || n.drive.kind == experiment::DriveKind::schedule;
    en.driven = en.driven || n.drive.kind != experiment::DriveKind::none;
  }
  return out;
}

// Entry indices in circuit order (breadth-first from the scheduled, then the driven entries).
std::vector<size_t> entry_order(const experiment::Experiment& e, const std::vector<Entry>& en,
                                const std::map<std::string, size_t>& entry_of) {
  std::vector<std::vector<size_t>> next(en.size());
  auto entry_of_neuron = [&](const std::string& neuron) -> std::optional<size_t> {
    const auto* n = e.find_neuron(neuron);
    if (!n) return std::nullopt;
    return entry_of.at(n->group);
  };
  for (const auto& s : e.synapses) {
    auto a = entry_of_neuron(s.pre), b = entry_of_neuron(s.post);
    if (a && b && std::find(next[*a].begin(), next[*a].end(), *b) == next[*a].end()) next[*a].push_back(*b);
  }
  std::vector<size_t> order;
  std::vector<bool> seen(en.size(), false);
  // Breadth-first from all `roots` at once, so that every root comes before any descendant.
  auto bfs = [&](const std::vector<size_t>& roots) {
    std::deque<size_t> queue;
    for (size_t r : roots) {
      if (!seen[r]) seen[r] = true, queue.push_back(r);
    }
    for (; !queue.empty(); queue.pop_front()) {
      order.push_back(queue.front());
      for (size_t h : next[queue.front()]) {
        if (!seen[h]) seen[h] = true, queue.push_back(h);
      }
    }
  };
  auto roots = [&](auto pick) {
    std::vector<size_t> r;
    for (size_t g = 0; g < en.size(); ++g) {
      if (pick(en[g])) r.push_back(g);
    }
    return r;
  };
  bfs(roots([](const Entry& x) { return x.scheduled; }));
  bfs(roots([](const Entry& x) { return x.driven; }));
  for (size_t g = 0; g < en.size(); ++g) bfs({g});
  return order;
}

void add_group(Circuit& c, NeuronGroup g, const std::vector<std::pair<std::string, NeuronAddr>>& members) {
  g.first = c.neurons.size();
  g.count = members.size();
  for (const auto& [name, addr] : members) {
    c.row_of[addr] = c.neurons.size();
    c.neurons.push_back({name, addr, c.groups.size()});
  }
  c.groups.push_back(std::move(g));
}

}  // namespace

std::string neuron_label(const record::MergedRecording& m, const experiment::Experiment& e, NeuronAddr a) {
  if (auto it = m.neuron_names.find(a); it != m.neuron_names.end()) return it->second;
  for (const auto& n : e.neurons) {
    if (n.addr == a) return n.name;
  }
  return to_string(a);
}

std::string synapse_label(const record::MergedRecording& m, const experiment::Experiment& e, SynapseId id) {
  if (auto it = m.synapse_names.find(id); it != m.synapse_names.end()) return it->second;
  if (id < e.synapses.size()) return e.synapses[id].name;
  return "synapse #" + std::to_string(id);
}

Circuit circuit_order(const record::MergedRecording& m, const experiment::Experiment& e) {
  Circuit c;
  std::map<std::string, size_t> entry_of;
  const auto en = entries(e, entry_of);
  for (size_t g : entry_order(e, en, entry_of)) {
    std::vector<std::pair<std::string, NeuronAddr>> members;
    for (size_t i : en[g].members) members.emplace_back(neuron_label(m, e, e.neurons[i].addr), e.neurons[i].addr);
    const auto& first = e.neurons[en[g].members.front()];
    add_group(c, {en[g].name, first.site, 0, 0, group_color(c.groups.size()), true}, members);
  }
  std::map<SiteId, std::set<uint32_t>> unnamed;
  for (const auto& s : m.spikes) {
    if (!c.row_of.count(NeuronAddr{s.site, s.index})) unnamed[s.site].insert(s.index);
  }
  for (const auto& [site, indices] : unnamed) {
    std::vector<std::pair<std::string, NeuronAddr>> members;
    for (uint32_t i : indices) members.emplace_back(neuron_label(m, e, {site, i}), NeuronAddr{site, i});
    const std::string site_name = m.site_name(site);
    add_group(c, {"unnamed (" + site_name + ")", site_name, 0, 0, kUnnamedColor, false}, members);
  }
  return c;
}

std::vector<SiteCoverage> site_coverage(const record::MergedRecording& m, const experiment::Experiment& e) {
  std::map<SiteId, SiteCoverage> by_id;
  for (const auto& s : e.sites) by_id[s.id] = {s.id, s.name, false, false, 0};
  for (const auto& row : m.sites) {
    auto& c = by_id[row.id];
    c.id = row.id;
    if (c.name.empty()) c.name = m.site_name(row.id);
    c.logged = true;
  }
  // A site's final note dates its end exactly: "done" (finished), or an interrupt note with its
  // experiment time (record/run_outcome.hpp; the site stopped early, not finished). Other records
  // only bound it from below (LinkStats carry the link's clock, which includes the warm-up).
  std::set<SiteId> dated;
  auto saw = [&](SiteId site, Time t) {
    auto it = by_id.find(site);
    if (it != by_id.end() && !dated.count(site)) it->second.until_ns = std::max(it->second.until_ns, t);
  };
  for (const auto& n : m.notes) {
    auto it = by_id.find(n.site);
    if (it == by_id.end()) continue;
    const std::string& name = it->second.name;
    const bool done = n.text.rfind("site " + name + " done:", 0) == 0;
    const bool stopped = n.text.rfind("site " + name + " interrupted by ", 0) == 0 &&
                         n.text.find(" at experiment time ") != std::string::npos;
    if (!done && !stopped) continue;
    it->second.finished = it->second.finished || done;
    it->second.until_ns = n.t;
    dated.insert(n.site);
  }
  for (const auto& n : m.notes) {
    // A gap note written when a log is reopened carries the site's local clock, not experiment time.
    if (n.kind != static_cast<uint16_t>(record::NoteKind::gap)) saw(n.site, n.t);
  }
  for (const auto& s : m.spikes) saw(s.log_site, s.t);
  for (const auto& s : m.inputs) saw(s.log_site, s.arrival_ns != kNoArrival ? s.arrival_ns : s.t);
  for (const auto& s : m.stimuli) saw(s.log_site, s.t);
  for (const auto& [id, rows] : m.synapses) {
    for (const auto& r : rows) saw(r.log_site, r.t);
  }
  for (const auto& [key, rows] : m.links) {
    for (const auto& r : rows) saw(key.first, r.t);
  }
  std::vector<SiteCoverage> out;
  for (auto& [id, c] : by_id) out.push_back(std::move(c));
  return out;
}

const SiteCoverage* find_coverage(const std::vector<SiteCoverage>& c, SiteId id) {
  for (const auto& x : c) {
    if (x.id == id) return &x;
  }
  return nullptr;
}

std::optional<std::pair<Time, Time>> covered(const SiteCoverage* c, Time from, Time to) {
  if (!c || !c->logged) return std::nullopt;
  if (c->finished) return std::make_pair(from, to);
  const Time end = std::min(to, c->until_ns);
  if (end <= from) return std::nullopt;
  return std::make_pair(from, end);
}

}  // namespace ion::report
