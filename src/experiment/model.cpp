// SPDX-License-Identifier: Apache-2.0
#include "experiment/model.hpp"

#include <algorithm>

namespace ion::experiment {
namespace {

template <class T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
  for (const auto& item : items)
    if (item.name == name) return &item;
  return nullptr;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

Duration scaled(Duration d, Duration new_total, Duration old_total) {
  long double r = static_cast<long double>(d) * new_total / old_total;
  return static_cast<Duration>(r + 0.5L);
}

void scale_drive(Drive& d, Duration new_total, Duration old_total) {
  Duration sum_before = 0, sum_after = 0;
  for (auto& p : d.phases) {
    sum_before += p.duration_ns;
    p.duration_ns = std::max<Duration>(1, scaled(p.duration_ns, new_total, old_total));
    sum_after += p.duration_ns;
  }
  // The last phase absorbs the rounding, but never below 1 ns (many phases scaled to a very short
  // run would otherwise leave it negative).
  if (!d.phases.empty() && sum_before == old_total)
    d.phases.back().duration_ns = std::max<Duration>(1, d.phases.back().duration_ns + new_total - sum_after);
  d.start_ns = scaled(d.start_ns, new_total, old_total);
  d.stop_ns = scaled(d.stop_ns, new_total, old_total);
}

}  // namespace

const char* to_string(Mode m) { return m == Mode::sim ? "sim" : "realtime"; }

const char* to_string(Role r) {
  switch (r) {
    case Role::bio:
      return "bio";
    case Role::hub:
      return "hub";
    case Role::silicon:
      return "silicon";
  }
  return "?";
}

const Site* Experiment::find_site(std::string_view n) const { return find_named(sites, n); }
const Monitor* Experiment::find_monitor(std::string_view n) const { return find_named(monitors, n); }
const Monitor* Experiment::monitor_by_id(SiteId id) const {
  return id >= sites.size() && id - sites.size() < monitors.size() ? &monitors[id - sites.size()] : nullptr;
}
std::string Experiment::participant_name(SiteId id) const {
  if (id < sites.size()) return sites[id].name;
  if (const Monitor* m = monitor_by_id(id)) return m->name;
  return "site#" + std::to_string(id);
}
const Neuron* Experiment::find_neuron(std::string_view n) const { return find_named(neurons, n); }
const Synapse* Experiment::find_synapse(std::string_view n) const { return find_named(synapses, n); }

const LinkConfig& Experiment::link_between(std::string_view a, std::string_view b) const {
  for (const auto& p : links.pairs)
    if ((p.a == a && p.b == b) || (p.a == b && p.b == a)) return p.config;
  return links.defaults;
}

std::string Experiment::output_dir(std::string_view timestamp) const {
  std::string out = recording.out;
  replace_all(out, "{name}", name);
  replace_all(out, "{timestamp}", timestamp);
  return out;
}

void scale_duration(Experiment& e, Duration new_duration) {
  if (new_duration <= 0 || e.duration_ns <= 0) return;
  for (auto& n : e.neurons) scale_drive(n.drive, new_duration, e.duration_ns);
  e.duration_ns = new_duration;
}

}  // namespace ion::experiment
