// SPDX-License-Identifier: Apache-2.0
// [experiment] and [sites.NAME] with their role tables (instrument, source, stimulator, chip).
#include <sys/stat.h>

#include <algorithm>
#include <array>

#include "experiment/endpoint.hpp"
#include "experiment/input_bounds.hpp"
#include "experiment/limits.hpp"
#include "experiment/load_internal.hpp"

namespace ion::experiment {
namespace {

using namespace std::string_view_literals;

constexpr std::array kRoleKeys{"instrument"sv, "source"sv, "stimulator"sv, "chip"sv};
constexpr std::array kInstrumentKeys{"port"sv, "state_file"sv, "read_noise"sv};
constexpr std::array kSourceKeys{"neurons"sv,  "electrodes"sv, "rate"sv,       "path"sv,
                                 "channels"sv, "dataset"sv,    "experiment"sv, "recording"sv};

// A path the site will open: if something exists there, it must be of the kind the site reads
// (a FIFO would block the site forever, a device such as /dev/zero would never end). A missing
// path is the site's business (it may be created, or exist only on the lab machine).
void check_path_kind(TableReader& r, std::string_view key, const std::string& path, bool directory) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return;
  if (directory ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) return;
  r.error_at(key, "found \"" + path + "\", which is " + file_type_name(st.st_mode) + ", expected " +
                      (directory ? "a directory" : "a regular file"));
}

InstrumentConfig load_instrument(const toml::table& t, const std::string& path, Ctx& ctx) {
  TableReader r(t, path, ctx);
  InstrumentConfig c;
  auto kind = r.choice("kind", instrument_kind_names(), Need::optional).value_or("simulated");
  c.kind = enum_of<InstrumentKind>(instrument_kind_names(), kind);
  int64_t max_lines = c.kind == InstrumentKind::arc1 ? 32 : 1024;  // ArC ONE arrays are 32×32
  c.words = static_cast<int>(r.integer("words", Need::optional, 1, max_lines).value_or(c.words));
  c.bits = static_cast<int>(r.integer("bits", Need::optional, 1, max_lines).value_or(c.bits));
  c.v_read = r.quantity_in("v_read", Dim::voltage, Need::optional, {0, limits::kMaxReadVoltageV, true},
                           "what the crossbar instruments accept")
                 .value_or(c.v_read);
  if (c.kind == InstrumentKind::arc1) {
    c.serial_port = r.str("port", Need::required).value_or("");
  } else {
    c.state_file = r.str("state_file", Need::optional).value_or("");
    check_path_kind(r, "state_file", c.state_file, false);
    c.read_noise = r.number("read_noise", Need::optional, 0, 0.5).value_or(0);
  }
  r.finish(kInstrumentKeys, "instrument kind '" + kind + "'");
  return c;
}

// The culture places neurons / electrodes neurons at each electrode (the rest, fewer than one per
// electrode, are background neurons): at most 16 per electrode.
void check_culture_density(TableReader& r, const SourceConfig& c) {
  if (c.neurons / c.electrodes <= limits::kCultureMaxNeuronsPerElectrode) return;
  const int64_t most = int64_t{limits::kCultureMaxNeuronsPerElectrode + 1} * c.electrodes - 1;
  r.error_at("neurons", "found " + std::to_string(c.neurons) + " neurons on " + std::to_string(c.electrodes) +
                            " electrode(s), expected at most " +
                            std::to_string(limits::kCultureMaxNeuronsPerElectrode) + " per electrode (" +
                            std::to_string(most) + " here; the emulated culture's limit)");
}

void load_culture(TableReader& r, SourceConfig& c) {
  auto neurons = r.integer("neurons", Need::optional, 1, 1000000);
  auto electrodes = r.integer("electrodes", Need::optional, 1, limits::kCultureMaxElectrodes);
  c.neurons = static_cast<int>(neurons.value_or(c.neurons));
  c.electrodes = static_cast<int>(electrodes.value_or(c.electrodes));
  if (neurons || electrodes) check_culture_density(r, c);
  c.rate_hz = r.quantity_in("rate", Dim::frequency, Need::optional,
                            {limits::kCultureMinRateHz, limits::kCultureMaxRateHz}, "the emulated culture's range")
                  .value_or(c.rate_hz);
}

SourceConfig load_source(const toml::table& t, const std::string& path, Ctx& ctx) {
  TableReader r(t, path, ctx);
  SourceConfig c;
  auto kind = r.choice("kind", source_kind_names(), Need::optional).value_or("culture");
  c.kind = enum_of<SourceKind>(source_kind_names(), kind);
  c.threshold_k = r.number("threshold_k", Need::optional, 1, 50).value_or(c.threshold_k);
  if (c.kind == SourceKind::culture) load_culture(r, c);
  else c.path = r.str("path", Need::required).value_or("");
  if (c.kind != SourceKind::culture) check_path_kind(r, "path", c.path, c.kind == SourceKind::openephys);
  if (c.kind == SourceKind::raw) {
    c.rate_hz = r.quantity_in("rate", Dim::frequency, Need::required,
                              {limits::kRawMinRateHz, limits::kRawMaxRateHz, true},
                              "the spike detector's range; its 300-3000 Hz band must lie below half the rate")
                    .value_or(c.rate_hz);
    c.channels = static_cast<int>(r.integer("channels", Need::required, 1, 65535).value_or(0));
  }
  if (c.kind == SourceKind::openephys) {  // which of several experiments / recordings (0: the only one)
    c.experiment = static_cast<int>(r.integer("experiment", Need::optional, 1, 999999999).value_or(0));
    c.recording = static_cast<int>(r.integer("recording", Need::optional, 1, 999999999).value_or(0));
  }
  if (c.kind == SourceKind::hdf5) c.dataset = r.str("dataset", Need::optional).value_or("");
  r.finish(kSourceKeys, "source kind '" + kind + "'");
  return c;
}

StimulatorConfig load_stimulator(const toml::table& t, const std::string& path, Ctx& ctx) {
  using namespace limits;
  static constexpr const char* kInterlock = "the limit of the stimulator's safety interlock";
  TableReader r(t, path, ctx);
  StimulatorConfig c;
  c.electrode_area_m2 = r.quantity_in("electrode_area", Dim::area, Need::optional,
                                      {kMinElectrodeAreaM2, kMaxElectrodeAreaM2}, kInterlock)
                            .value_or(c.electrode_area_m2);
  c.material = r.choice("material", electrode_material_names(), Need::optional).value_or(c.material);
  c.max_amplitude_v = r.quantity_in("max_amplitude", Dim::voltage, Need::optional, {0, kMaxStimAmplitudeV, true},
                                    kInterlock)
                          .value_or(c.max_amplitude_v);
  c.max_charge_c = r.quantity_in("max_charge", Dim::charge, Need::optional, {0, kMaxStimChargeC, true}, kInterlock)
                       .value_or(0);
  c.max_rate_hz = r.quantity_in("max_rate", Dim::frequency, Need::optional, {0, kMaxStimRateHz, true}, kInterlock)
                      .value_or(c.max_rate_hz);
  c.pulse_width_ns = r.duration_in("pulse_width", Need::optional, kMinPulseWidth, kMaxPulseWidth, kInterlock)
                         .value_or(c.pulse_width_ns);
  if (auto k = r.number("shannon_k", Need::optional, 0, 10)) {
    if (*k <= 0 || *k >= kMaxShannonK)
      r.error_at("shannon_k",
                 "found " + describe(*t.get("shannon_k")) +
                     ", expected a Shannon k above 0 and below 1.85 (tissue damage is likely at k >= 1.85)");
    else c.shannon_k = *k;
  }
  auto policy = r.choice("policy", stim_policy_names(), Need::optional).value_or("refuse");
  c.policy = enum_of<StimPolicy>(stim_policy_names(), policy);
  r.finish();
  return c;
}

ChipConfig load_chip(const toml::table& t, const std::string& path, Ctx& ctx) {
  TableReader r(t, path, ctx);
  ChipConfig c;
  c.kind = r.choice("kind", chip_kind_names(), Need::optional).value_or(c.kind);
  c.cores = static_cast<int>(r.integer("cores", Need::optional, 1, 1024).value_or(c.cores));
  if (auto npc = r.integer("neurons_per_core", Need::optional, 1, 65536); npc && *npc != limits::kChipNeuronsPerCore)
    r.error_at("neurons_per_core", "found " + std::to_string(*npc) + ", expected " +
                                       std::to_string(limits::kChipNeuronsPerCore) +
                                       " (the emulated chip's cores hold " +
                                       std::to_string(limits::kChipNeuronsPerCore) + " neurons each)");
  c.synapses_per_neuron = static_cast<int>(
      r.integer("synapses_per_neuron", Need::optional, 1, 65536).value_or(c.synapses_per_neuron));
  r.finish();
  return c;
}

// Reads an optional role table; absent → defaults.
template <class T, class Fn>
T role_table(TableReader& r, std::string_view key, Fn load) {
  const toml::table* t = r.table(key, Need::optional);
  return t ? load(*t, r.path(key), r.ctx()) : T{};
}

void load_role_tables(TableReader& r, Site& site, std::optional<Role> role) {
  if (!role) {  // role invalid (already reported): accept the role tables silently
    for (auto k : kRoleKeys) r.node(k);
    return r.finish();
  }
  if (*role == Role::hub) site.instrument = role_table<InstrumentConfig>(r, "instrument", load_instrument);
  if (*role == Role::bio) {
    site.source = role_table<SourceConfig>(r, "source", load_source);
    site.stimulator = role_table<StimulatorConfig>(r, "stimulator", load_stimulator);
  }
  if (*role == Role::silicon) site.chip = role_table<ChipConfig>(r, "chip", load_chip);
  r.finish(kRoleKeys, std::string("a site with role '") + to_string(*role) + "'");
}

void load_address(TableReader& r, Site& site, LoadState& s) {
  static constexpr const char* kExpect =
      "an address like \"127.0.0.1:7201\" or \"[::1]:7201\", or \"127.0.0.1\" (port chosen by ion run)";
  const toml::node* n = r.node("address", Need::required, kExpect);
  if (!n) return;
  auto text = n->value<std::string>();
  if (!text) return r.error_at("address", "found " + describe(*n) + ", expected " + kExpect);
  Result<Endpoint> ep = parse_endpoint(*text, PortRule::optional);
  if (!ep)
    return r.error_at("address", "found \"" + *text + "\", expected " + kExpect + " (" + ep.status().message() + ")");
  site.address = *ep;
  if (ep->port == 0) return;  // auto: `ion run` gives every such site a port of its own
  auto [it, fresh] = s.site_by_address.try_emplace({ep->host, ep->port}, site.id);
  if (!fresh) {
    const Site& other = s.e.sites[it->second];
    return r.error_at("address", "found \"" + *text + "\", expected an address no other site uses (site '" +
                                     other.name + "' at " + first_at(other.loc) + " has it)");
  }
}

// `threads = 1 | 2`: only a hub may run on two threads (node/hub_threads.hpp).
void load_threads(TableReader& r, Site& site, std::optional<Role> role) {
  const std::optional<int64_t> n = r.integer("threads", Need::optional, 1, 2);
  if (!n) return;
  if (*n == 2 && role && *role != Role::hub)
    return r.error_at("threads", "found integer 2 on a site with role '" + std::string(to_string(*role)) +
                                     "', expected 1 (only a hub site runs on two threads)");
  site.threads = static_cast<unsigned>(*n);
}

void load_site(const std::string& name, const toml::table& t, LoadState& s) {
  TableReader r(t, "sites." + name, s.ctx);
  Site site;
  site.name = name;
  site.id = static_cast<SiteId>(s.e.sites.size());
  site.loc = r.loc();
  std::optional<Role> role;
  if (auto text = r.choice("role", site_role_names(), Need::required)) role = enum_of<Role>(site_role_names(), *text);
  if (role) site.role = *role;
  s.declared_sites[name] = role;
  load_address(r, site, s);
  site.clock_offset_ns = r.duration("clock_offset", Need::optional, Sign::any).value_or(0);
  site.clock_drift_ppm = r.number("clock_drift_ppm", Need::optional, -1e4, 1e4).value_or(0);
  load_threads(r, site, role);
  load_role_tables(r, site, role);
  s.site_by_name.emplace(site.name, site.id);
  s.e.sites.push_back(std::move(site));
}

bool valid_name(std::string_view n) {
  if (n.empty() || !std::isalpha(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

void load_sites(TableReader& root, LoadState& s) {
  const toml::table* sites = root.table("sites", Need::required);
  if (!sites) return;
  auto ordered = in_file_order(*sites);
  if (ordered.empty())
    s.ctx.error(sites->source(), "sites", "found no sites, expected at least one [sites.NAME] table");
  for (auto [key, node] : ordered) {
    std::string name(key->str()), path = "sites." + name;
    if (!valid_name(name)) {
      s.ctx.error(
          key->source(), path,
          "found site name \"" + name + "\", expected a name (a letter, then letters, digits, '_', '.' or '-')");
    } else if (auto t = node->as_table()) {
      load_site(name, *t, s);
    } else {
      s.ctx.error(node->source(), path, "found " + describe(*node) + ", expected a table");
    }
  }
}

void load_experiment_table(TableReader& root, LoadState& s) {
  const toml::table* t = root.table("experiment", Need::required);
  if (!t) return;
  TableReader r(*t, "experiment", s.ctx);
  Experiment& e = s.e;
  e.name = r.name("name", Need::required).value_or("");
  e.duration_ns = r.duration("duration", Need::required, Sign::positive).value_or(0);
  e.seed = static_cast<uint64_t>(r.integer("seed", Need::optional, 0, INT64_MAX).value_or(1));
  e.mode = enum_of<Mode>(mode_names(), r.choice("mode", mode_names(), Need::optional).value_or("realtime"));
  e.experimenter = r.str("experimenter", Need::optional).value_or("");
  e.lab = r.str("lab", Need::optional).value_or("");
  e.institution = r.str("institution", Need::optional).value_or("");
  if (auto master = r.name("time_master", Need::optional); master && check_site_ref(r, "time_master", *master, s)) {
    auto role = s.declared_sites.find(*master)->second;
    if (role && *role != Role::hub)
      r.error_at("time_master",
                 "found site '" + *master + "' with role '" + to_string(*role) + "', expected a hub site");
    e.time_master = *master;
  }
  if (e.time_master.empty()) {
    for (const auto& site : e.sites)
      if (site.role == Role::hub && site.instrument) {
        e.time_master = site.name;
        break;
      }
  }
  r.finish();
}

}  // namespace ion::experiment
