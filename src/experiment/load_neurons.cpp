// SPDX-License-Identifier: Apache-2.0
// [[neurons]] and their drives.
#include <algorithm>
#include <array>
#include <map>
#include <sstream>

#include "experiment/load_internal.hpp"

namespace ion::experiment {
namespace {

using namespace std::string_view_literals;

constexpr std::array kDriveKeys{"rate"sv, "phases"sv, "process"sv, "amplitude"sv, "from"sv, "to"sv, "start"sv, "stop"sv};
constexpr const char* kPhaseExpect = "a phase like \"10Hz 10s\" (a rate, a space, a duration)";

// "10Hz 10s" → phase; on failure `problem` holds the expectation text.
std::optional<RatePhase> parse_phase(const std::string& text, std::string& problem) {
  std::istringstream in(text);
  std::string rate, dur, extra;
  if (!(in >> rate >> dur) || (in >> extra)) {
    problem = kPhaseExpect;
    return std::nullopt;
  }
  std::string why;
  auto hz = parse_quantity_checked(rate, Dim::frequency, Sign::non_negative, why);
  if (!hz) {
    problem = std::string(kPhaseExpect) + "; the rate: " + why;
    return std::nullopt;
  }
  auto s = parse_quantity_checked(dur, Dim::time, Sign::positive, why);
  if (!s || from_seconds(*s) <= 0) {
    problem = std::string(kPhaseExpect) + "; the duration: " + (s ? "at least 1ns" : why);
    return std::nullopt;
  }
  return RatePhase{*hz, from_seconds(*s)};
}

void load_phases(TableReader& r, Drive& d, Duration experiment_duration) {
  const toml::array* phases = r.array("phases", Need::required);
  if (!phases) return;
  if (phases->empty()) return r.error_at("phases", "found an empty array, expected at least one " + std::string(kPhaseExpect));
  for (size_t i = 0; i < phases->size(); ++i) {
    const toml::node& n = *phases->get(i);
    std::string path = r.path("phases") + "[" + std::to_string(i) + "]", problem = kPhaseExpect;
    auto s = n.as_string();
    std::optional<RatePhase> p = s ? parse_phase(s->get(), problem) : std::nullopt;
    if (p) d.phases.push_back(*p);
    else r.ctx().error(n.source(), path, "found " + describe(n) + ", expected " + problem);
  }
  Duration total = 0;
  for (const auto& p : d.phases) total += p.duration;
  if (experiment_duration > 0 && total > experiment_duration)
    r.error_at("phases", "found phases lasting " + format_duration(total) + " in total, expected at most the experiment's duration (" +
                             format_duration(experiment_duration) + ")");
}

void load_window(TableReader& r, Drive& d) {
  d.start = r.duration("start", Need::optional, Sign::non_negative).value_or(0);
  d.stop = r.duration("stop", Need::optional, Sign::positive).value_or(0);
  if (d.stop != 0 && d.stop <= d.start)
    r.error_at("stop", "found stop " + format_duration(d.stop) + ", expected a time after start (" + format_duration(d.start) + ")");
}

Drive load_drive(const toml::table& t, const std::string& path, LoadState& s) {
  TableReader r(t, path, s.ctx);
  Drive d;
  auto kind = r.choice("kind", drive_kind_names(), Need::required);
  if (!kind) {
    for (auto k : kDriveKeys) r.node(k);
    r.finish();
    return d;
  }
  d.kind = enum_of<DriveKind>(drive_kind_names(), *kind);
  if (d.kind == DriveKind::regular || d.kind == DriveKind::poisson)
    d.rate_hz = r.quantity("rate", Dim::frequency, Need::required, Sign::positive).value_or(0);
  if (d.kind == DriveKind::schedule) {
    load_phases(r, d, s.e.duration);
    d.process = enum_of<SpikeProcess>(spike_process_names(), r.choice("process", spike_process_names(), Need::optional).value_or("regular"));
  }
  if (d.kind == DriveKind::step) d.amplitude_a = r.quantity("amplitude", Dim::current, Need::required).value_or(0);
  if (d.kind == DriveKind::ramp) {
    d.from_a = r.quantity("from", Dim::current, Need::required).value_or(0);
    d.to_a = r.quantity("to", Dim::current, Need::required).value_or(0);
  }
  if (d.kind == DriveKind::step || d.kind == DriveKind::ramp) load_window(r, d);
  r.finish(kDriveKeys, "drive kind '" + *kind + "'");
  return d;
}

// The neuron's site: must exist and hold neurons (bio or silicon).
void check_neuron_site(TableReader& r, Neuron& n, LoadState& s) {
  auto site = r.name("site", Need::required);
  if (!site || !check_site_ref(r, "site", *site, s)) return;
  n.site = *site;
  auto role = s.declared_sites.find(*site)->second;
  if (role == Role::hub)
    r.error_at("site", "found hub site '" + *site + "', expected a bio or silicon site (hubs hold synapses, not neurons)");
}

// One entry, or `count` members "NAME[0]".."NAME[count-1]" sharing its settings.
void add_members(Neuron n, int64_t count, LoadState& s) {
  n.group = n.name;
  std::vector<std::string> members;
  for (int64_t i = 0; i < count; ++i) {
    Neuron m = n;
    if (count > 1) m.name = n.name + "[" + std::to_string(i) + "]";
    members.push_back(m.name);
    s.declared_neurons.insert(m.name);
    s.e.neurons.push_back(std::move(m));
  }
  if (!n.name.empty()) s.neuron_groups[n.name] = std::move(members);
}

void load_neuron(const toml::table& t, size_t index, LoadState& s, std::map<std::string, SourceLoc>& seen) {
  TableReader r(t, "neurons[" + std::to_string(index) + "]", s.ctx);
  Neuron n;
  n.loc = r.loc();
  if (auto name = r.name("name", Need::required)) {
    if (auto it = seen.find(*name); it != seen.end())
      r.error_at("name", "found \"" + *name + "\" again, expected a unique neuron name (first at " + first_at(it->second) + ")");
    else
      seen[*name] = r.loc("name");
    n.name = *name;
  }
  int64_t count = r.integer("count", Need::optional, 1, 100000).value_or(1);
  check_neuron_site(r, n, s);
  n.model = r.choice("model", neuron_model_names(), Need::required).value_or("");
  n.params = r.params("params");
  if (const toml::table* d = r.table("drive", Need::optional)) n.drive = load_drive(*d, r.path("drive"), s);
  n.spontaneous_hz = r.quantity("spontaneous", Dim::frequency, Need::optional, Sign::non_negative).value_or(0);
  r.finish();
  add_members(std::move(n), count, s);
}

// Neuron addresses (site id, index within site) and per-site capacity.
void assign_addresses(LoadState& s) {
  std::map<std::string, uint32_t> count;
  for (auto& n : s.e.neurons) {
    const Site* site = s.e.find_site(n.site);
    if (!site) continue;
    n.addr = NeuronAddr{site->id, count[n.site]++};
    int64_t capacity = site->chip ? int64_t{site->chip->cores} * site->chip->neurons_per_core
                       : site->source && site->source->kind == SourceKind::culture ? site->source->neurons
                                                                                   : INT64_MAX;
    if (int64_t{count[n.site]} - 1 == capacity)  // report once, at the first neuron over
      s.ctx.error(n.loc, "sites." + n.site, "found neuron '" + n.name + "' beyond the " + std::to_string(capacity) +
                                                " this site holds, expected at most " + std::to_string(capacity) + " neurons" +
                                                (site->chip ? " (chip cores x neurons_per_core)" : " (source.neurons)"));
  }
}

}  // namespace

void load_neurons(TableReader& root, LoadState& s) {
  const toml::array* arr = root.array("neurons", Need::optional);
  if (!arr) return;
  std::map<std::string, SourceLoc> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& n = *arr->get(i);
    if (auto t = n.as_table()) load_neuron(*t, i, s, seen);
    else s.ctx.error(n.source(), "neurons[" + std::to_string(i) + "]", "found " + describe(n) + ", expected a table ([[neurons]])");
  }
  assign_addresses(s);
}

}  // namespace ion::experiment
