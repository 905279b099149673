// SPDX-License-Identifier: Apache-2.0
// [[neurons]] and their drives.
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <sstream>

#include "experiment/limits.hpp"
#include "experiment/load_internal.hpp"
#include "neuron/model.hpp"

namespace ion::experiment {
namespace {

using namespace std::string_view_literals;

constexpr std::array kDriveKeys{"rate"sv, "phases"sv, "process"sv, "amplitude"sv,
                                "from"sv, "to"sv,     "start"sv,   "stop"sv};
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
  if (phases->empty())
    return r.error_at("phases", "found an empty array, expected at least one " + std::string(kPhaseExpect));
  for (size_t i = 0; i < phases->size(); ++i) {
    const toml::node& n = *phases->get(i);
    std::string path = r.path("phases") + "[" + std::to_string(i) + "]", problem = kPhaseExpect;
    auto s = n.as_string();
    std::optional<RatePhase> p = s ? parse_phase(s->get(), problem) : std::nullopt;
    if (p) d.phases.push_back(*p);
    if (p) d.phase_locs.push_back(r.ctx().loc(n.source()));
    else r.ctx().error(n.source(), path, "found " + describe(n) + ", expected " + problem);
  }
  Duration total = 0;
  for (const auto& p : d.phases) total += p.duration_ns;
  if (experiment_duration > 0 && total > experiment_duration)
    r.error_at("phases", "found phases lasting " + format_duration(total) +
                             " in total, expected at most the experiment's duration (" +
                             format_duration(experiment_duration) + ")");
}

void load_window(TableReader& r, Drive& d, Duration experiment_duration) {
  d.start_ns = r.duration("start", Need::optional, Sign::non_negative).value_or(0);
  d.stop_ns = r.duration("stop", Need::optional, Sign::positive).value_or(0);
  if (d.stop_ns != 0 && d.stop_ns <= d.start_ns)
    r.error_at("stop", "found stop " + format_duration(d.stop_ns) + ", expected a time after start (" +
                           format_duration(d.start_ns) + ")");
  else if (d.stop_ns == 0 && experiment_duration > 0 && d.start_ns >= experiment_duration)
    r.error_at("start", "found start " + format_duration(d.start_ns) +
                            ", expected a time before the experiment ends (" + format_duration(experiment_duration) +
                            "; the drive stops there)");
}

Drive load_drive(const toml::table& t, const std::string& path, LoadState& s) {
  TableReader r(t, path, s.ctx);
  Drive d;
  d.loc = r.loc();
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
    load_phases(r, d, s.e.duration_ns);
    d.process = enum_of<SpikeProcess>(spike_process_names(),
                                      r.choice("process", spike_process_names(), Need::optional).value_or("regular"));
  }
  if (d.kind == DriveKind::step) d.amplitude_a = r.quantity("amplitude", Dim::current, Need::required).value_or(0);
  if (d.kind == DriveKind::ramp) {
    d.from_a = r.quantity("from", Dim::current, Need::required).value_or(0);
    d.to_a = r.quantity("to", Dim::current, Need::required).value_or(0);
  }
  if (d.kind == DriveKind::step || d.kind == DriveKind::ramp) load_window(r, d, s.e.duration_ns);
  r.finish(kDriveKeys, "drive kind '" + *kind + "'");
  return d;
}

// The neuron's site: must exist and hold neurons (bio or silicon). Returns the site's role.
std::optional<Role> check_neuron_site(TableReader& r, Neuron& n, LoadState& s) {
  auto site = r.name("site", Need::required);
  if (!site || !check_site_ref(r, "site", *site, s)) return std::nullopt;
  n.site = *site;
  auto role = s.declared_sites.find(*site)->second;
  if (role == Role::hub)
    r.error_at("site",
               "found hub site '" + *site + "', expected a bio or silicon site (hubs hold synapses, not neurons)");
  return role;
}

// A number as the chip's parameter code writes it before parsing (site/silicon/silicon_role.cpp).
std::string number_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Silicon neurons run on the emulated chip (site/silicon/silicon_role.cpp): model "dpi" only,
// each parameter parsed and checked by the neuron layer as the chip will.
void check_silicon_neuron(TableReader& r, const Neuron& n) {
  if (n.model != limits::kChipNeuronModel) {
    if (!n.model.empty())
      r.error_at("model", "found \"" + n.model + "\", expected \"dpi\" (the emulated chip's neurons are DPI neurons)");
    return;
  }
  auto model = neuron::find_model(n.model);
  if (!model) return;
  std::vector<double> values = (*model)->default_params();
  bool parsed = true;
  for (const auto& [name, p] : n.params) {
    std::string text = p.is_number() ? number_text(std::get<double>(p.value)) : std::get<std::string>(p.value);
    auto v = neuron::parse_param_value(**model, name, text);
    if (!v) r.ctx().error(p.loc, p.key_path, v.status().message());
    if (v) values[*(*model)->param_index(name)] = *v;
    parsed = parsed && v.is_ok();
  }
  if (Status st = neuron::validate_params(**model, values); parsed && !st) r.error_at("params", st.message());
}

// Bio neurons are the culture's (or a recording's): the culture takes one model and one
// spontaneous rate for all its neurons (site/bio/experiment_config.cpp, culture_from), draws
// their parameters itself and has no drives; anything else would be silently ignored.
void check_bio_neuron(TableReader& r, const Neuron& n, const LoadState& s) {
  const Site* site = s.site(n.site);
  const bool culture = site && site->source && site->source->kind == SourceKind::culture;
  if (!n.params.empty())
    r.error_at("params", "found parameters for a neuron on bio site '" + n.site +
                             "', expected none (the emulated culture draws its neurons' parameters)");
  if (r.raw().contains("drive"))
    r.error_at("drive",
               "found a drive for a neuron on bio site '" + n.site +
                   "', expected none (drives apply to silicon neurons; stimulate bio neurons through synapses)");
  if (!culture) {
    if (n.spontaneous_hz > 0)
      r.error_at("spontaneous", "found a spontaneous rate for a neuron on bio site '" + n.site +
                                    "', which plays a recording, expected none");
    return;
  }
  if (n.spontaneous_hz >= limits::kCultureMaxSpontaneousHz)
    r.error_at("spontaneous", "found " + format_quantity(n.spontaneous_hz, Dim::frequency) +
                                  ", expected a frequency below 200Hz (the emulated culture's calibration range)");
  auto first = s.first_neuron_of_site.find(n.site);  // the site's first neuron is the reference
  if (first == s.first_neuron_of_site.end() || n.model.empty()) return;
  const Neuron& other = s.e.neurons[first->second];
  if (other.model != n.model || other.spontaneous_hz != n.spontaneous_hz)
    r.error_at(other.model != n.model ? "model" : "spontaneous",
               "found a different model or spontaneous rate than neuron '" + other.name + "' on the same culture (" +
                   first_at(other.loc) + "), expected the same (the culture has one model and one rate)");
}

// One entry, or `count` members "NAME[0]".."NAME[count-1]" sharing its settings.
void add_members(Neuron n, int64_t count, LoadState& s) {
  n.group = n.name;
  s.first_neuron_of_site.try_emplace(n.site, s.e.neurons.size());
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
      r.error_at("name", "found \"" + *name + "\" again, expected a unique neuron name (first at " +
                             first_at(it->second) + ")");
    else seen[*name] = r.loc("name");
    n.name = *name;
  }
  int64_t count = r.integer("count", Need::optional, 1, 100000).value_or(1);
  auto role = check_neuron_site(r, n, s);
  n.model = r.choice("model", neuron_model_names(), Need::required).value_or("");
  n.params = r.params("params");
  if (const toml::table* d = r.table("drive", Need::optional)) n.drive = load_drive(*d, r.path("drive"), s);
  n.spontaneous_hz = r.quantity("spontaneous", Dim::frequency, Need::optional, Sign::non_negative).value_or(0);
  n.spontaneous_loc = r.loc("spontaneous");
  if (role == Role::silicon) check_silicon_neuron(r, n);
  if (role == Role::bio) check_bio_neuron(r, n, s);
  r.finish();
  if (int64_t(s.e.neurons.size()) + count > limits::kMaxNeurons)
    return r.error_at("count", "found " + std::to_string(s.e.neurons.size() + size_t(count)) +
                                   " neurons so far, expected at most " + std::to_string(limits::kMaxNeurons) +
                                   " in one experiment");
  add_members(std::move(n), count, s);
}

// Neuron addresses (site id, index within site) and per-site capacity.
void assign_addresses(LoadState& s) {
  std::map<std::string, uint32_t> count;
  std::map<std::string_view, const Site*> sites;
  for (const auto& site : s.e.sites) sites.emplace(site.name, &site);
  for (auto& n : s.e.neurons) {
    auto found = sites.find(n.site);
    if (found == sites.end()) continue;
    const Site* site = found->second;
    n.addr = NeuronAddr{site->id, count[n.site]++};
    int64_t capacity = site->chip ? int64_t{site->chip->cores} * site->chip->neurons_per_core
                       : site->source && site->source->kind == SourceKind::culture ? site->source->neurons
                                                                                   : INT64_MAX;
    if (int64_t{count[n.site]} - 1 == capacity)  // report once, at the first neuron over
      s.ctx.error(n.loc, "sites." + n.site,
                  "found neuron '" + n.name + "' beyond the " + std::to_string(capacity) +
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
    else
      s.ctx.error(n.source(), "neurons[" + std::to_string(i) + "]",
                  "found " + describe(n) + ", expected a table ([[neurons]])");
  }
  assign_addresses(s);
}

}  // namespace ion::experiment
