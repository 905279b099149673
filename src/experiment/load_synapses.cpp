// SPDX-License-Identifier: Apache-2.0
// [[synapses]]: endpoints, hub and crossbar cell, device, weight map, plasticity.
#include <array>
#include <map>
#include <sstream>

#include "experiment/limits.hpp"
#include "experiment/load_internal.hpp"

namespace ion::experiment {
namespace {

using namespace std::string_view_literals;

constexpr std::array kDeviceKeys{"window"sv};
constexpr std::array kRuleKeys{"window"sv,    "ltp_above"sv, "ltd_below"sv, "tau_plus"sv,
                               "tau_minus"sv, "ltp_pulse"sv, "ltd_pulse"sv, "horizon"sv};
constexpr const char* kPulseExpect = "a pulse like \"+4V 100us\" (a non-zero voltage, a space, a width)";

std::string presets_of(std::string_view model) {
  std::vector<std::string_view> names;
  for (auto p : device_preset_names())
    if (preset_model(p) == model) names.push_back(p);
  return names.empty() ? "none" : quoted_list(names);
}

// `inst`: the hub's instrument if known; an ArC ONE holds real devices, so the model is not
// simulated there and only its names are checked.
DeviceConfig load_device(const toml::table& t, const std::string& path, Ctx& ctx, const InstrumentConfig* inst) {
  TableReader r(t, path, ctx);
  DeviceConfig d;
  d.model = r.choice("model", device_model_names(), Need::required).value_or("");
  if (auto preset = r.choice("preset", device_preset_names(), Need::optional)) {
    if (!d.model.empty() && preset_model(*preset) != d.model)
      r.error_at("preset", "found \"" + *preset + "\" (a '" + std::string(preset_model(*preset)) +
                               "' preset), expected a preset of model '" + d.model + "' (" + presets_of(d.model) + ")");
    d.preset = *preset;
  }
  if (d.model == "linear-drift") d.window = r.choice("window", drift_window_names(), Need::optional).value_or("");
  d.r0_ohm = r.quantity("r0", Dim::resistance, Need::optional, Sign::positive).value_or(0);
  d.params = r.params("params");
  if (d.model.empty()) r.node("window");
  r.finish(kDeviceKeys, "device model '" + d.model + "' (only linear-drift has a window)");
  if (!inst || inst->kind == InstrumentKind::simulated) check_device(r, d, (inst ? *inst : InstrumentConfig{}).v_read);
  return d;
}

WeightMap load_weight(const toml::table& t, const std::string& path, Ctx& ctx) {
  TableReader r(t, path, ctx);
  WeightMap w;
  auto lo = r.quantity("r_min", Dim::resistance, Need::optional, Sign::positive);
  auto hi = r.quantity("r_max", Dim::resistance, Need::optional, Sign::positive);
  w.r_min_ohm = lo.value_or(w.r_min_ohm);
  w.r_max_ohm = hi.value_or(w.r_max_ohm);
  if (lo && hi && *lo >= *hi)
    r.error_at("r_max", "found r_max " + format_quantity(*hi, Dim::resistance) + ", expected more than r_min (" +
                            format_quantity(*lo, Dim::resistance) + ")");
  auto pol = r.choice("polarity", weight_polarity_names(), Need::optional).value_or("low-r-strong");
  w.polarity = enum_of<WeightPolarity>(weight_polarity_names(), pol);
  r.finish();
  return w;
}

std::optional<Pulse> parse_pulse(const std::string& text, std::string& problem) {
  std::istringstream in(text);
  std::string volts, width, extra;
  problem = kPulseExpect;
  if (!(in >> volts >> width) || (in >> extra)) return std::nullopt;
  std::string why;
  auto v = parse_quantity_checked(volts, Dim::voltage, Sign::any, why);
  auto w = parse_quantity_checked(width, Dim::time, Sign::positive, why);
  if (!v || *v == 0 || !w || from_seconds(*w) <= 0) return std::nullopt;
  return Pulse{*v, from_seconds(*w), {}};
}

void load_pulse(TableReader& r, std::string_view key, Pulse& out) {
  const toml::node* n = r.node(key);
  if (!n) return;
  std::string problem = kPulseExpect;
  auto s = n->as_string();
  std::optional<Pulse> p = s ? parse_pulse(s->get(), problem) : std::nullopt;
  if (p) out = Pulse{p->amplitude_v, p->width_ns, r.loc(key)};
  else r.error_at(key, "found " + describe(*n) + ", expected " + problem);
}

void load_srdp(TableReader& r, Plasticity& p) {
  p.window_ns = r.duration("window", Need::optional, Sign::positive).value_or(p.window_ns);
  auto above = r.integer("ltp_above", Need::optional, 0, 1000000);
  auto below = r.integer("ltd_below", Need::optional, 0, 1000000);
  p.ltp_above = static_cast<int>(above.value_or(p.ltp_above));
  p.ltd_below = static_cast<int>(below.value_or(p.ltd_below));
  if (p.ltd_below > p.ltp_above + 1)
    r.error_at(above ? "ltp_above" : "ltd_below", "found ltd_below " + std::to_string(p.ltd_below) + " and ltp_above " +
                                                      std::to_string(p.ltp_above) +
                                                      ", expected ltd_below <= ltp_above + 1 (a count cannot be both)");
}

Plasticity load_plasticity(const toml::table& t, const std::string& path, Ctx& ctx) {
  TableReader r(t, path, ctx);
  Plasticity p;
  auto rule = r.choice("rule", plasticity_rule_names(), Need::required);
  if (!rule) {
    for (auto k : kRuleKeys) r.node(k);
    r.finish();
    return p;
  }
  p.rule = enum_of<PlasticityRule>(plasticity_rule_names(), *rule);
  if (p.rule == PlasticityRule::srdp) load_srdp(r, p);
  if (p.rule == PlasticityRule::stdp) {
    p.tau_plus_ns = r.duration("tau_plus", Need::optional, Sign::positive).value_or(p.tau_plus_ns);
    p.tau_minus_ns = r.duration("tau_minus", Need::optional, Sign::positive).value_or(p.tau_minus_ns);
  }
  if (p.rule != PlasticityRule::none) {
    load_pulse(r, "ltp_pulse", p.ltp_pulse);
    load_pulse(r, "ltd_pulse", p.ltd_pulse);
    check_pulse(r, "ltp_pulse", p.ltp_pulse);
    check_pulse(r, "ltd_pulse", p.ltd_pulse);
    p.horizon_ns = r.duration("horizon", Need::optional, Sign::non_negative).value_or(p.horizon_ns);
  }
  r.finish(kRuleKeys, "plasticity rule '" + *rule + "'");
  return p;
}

struct CellUse {
  std::string synapse;
  SourceLoc loc;
};
using CellMap = std::map<std::tuple<std::string, int, int>, CellUse>;

void check_hub(TableReader& r, Synapse& syn, LoadState& s) {
  auto hub = r.name("hub", Need::required);
  if (!hub || !check_site_ref(r, "hub", *hub, s)) return;
  auto role = s.declared_sites.find(*hub)->second;
  if (role && *role != Role::hub)
    r.error_at("hub",
               "found site '" + *hub + "' with role '" + to_string(*role) + "', expected a site with role 'hub'");
  syn.hub = *hub;
}

// "[3, \"x\"]": the array as written (scalars only; nested values are described).
std::string array_text(const toml::array& a) {
  std::string s = "[";
  for (size_t i = 0; i < a.size(); ++i) {
    const toml::node& n = *a.get(i);
    s += (i ? ", " : "") + (n.is_integer() ? std::to_string(n.as_integer()->get()) : describe(n));
  }
  return s + "]";
}

// The first cell [word, bit] as written (shape only; bounds are checked per block later).
std::optional<std::pair<int, int>> read_cell(TableReader& r) {
  static constexpr const char* kExpect = "a crossbar cell [word, bit] of two integers >= 0";
  const toml::array* a = r.array("cell", Need::required);
  if (!a) return std::nullopt;
  bool ints = a->size() == 2 && a->get(0)->is_integer() && a->get(1)->is_integer();
  int64_t w = ints ? a->get(0)->as_integer()->get() : -1;
  int64_t b = ints ? a->get(1)->as_integer()->get() : -1;
  if (w < 0 || b < 0 || w > 1000000 || b > 1000000) {
    r.error_at("cell", "found " + array_text(*a) + ", expected " + kExpect);
    return std::nullopt;
  }
  return std::pair<int, int>{static_cast<int>(w), static_cast<int>(b)};
}

// How an entry's pre and post neurons map onto synapses and crossbar cells: all-to-all puts
// pre i on word w0+i and post j on bit b0+j; one-to-one pairs pre i with post i on [w0+i, b0+i].
struct Block {
  std::vector<std::string> pre, post;
  bool one_to_one = false;
  size_t words() const { return pre.size(); }
  size_t bits() const { return one_to_one ? pre.size() : post.size(); }
  size_t count() const { return one_to_one ? pre.size() : pre.size() * post.size(); }
};

bool block_fits(TableReader& r, const Block& b, std::pair<int, int> c0, const std::string& hub, const LoadState& s) {
  const InstrumentConfig* inst = s.instrument_of(hub);
  if (!inst) return false;  // no valid hub: already reported; do not expand
  if ((c0.first + b.words() <= size_t(inst->words) && c0.second + b.bits() <= size_t(inst->bits))) return true;
  std::string cell = "[" + std::to_string(c0.first) + ", " + std::to_string(c0.second) + "]";
  std::string what = b.count() == 1
                         ? cell
                         : cell + " for a " + std::to_string(b.words()) + "x" + std::to_string(b.bits()) + " block";
  r.error_at("cell", "found " + what + ", expected " + (b.count() == 1 ? "a cell" : "a block") + " inside hub '" + hub +
                         "''s " + std::to_string(inst->words) + "x" + std::to_string(inst->bits) + " array (word 0.." +
                         std::to_string(inst->words - 1) + ", bit 0.." + std::to_string(inst->bits - 1) + ")");
  return false;
}

// Claims every cell of the block; reports the first one already used (once per entry).
void claim_cells(TableReader& r, const std::vector<Synapse>& members, CellMap& cells) {
  for (const auto& m : members) {
    auto [it, fresh] = cells.try_emplace({m.hub, m.word, m.bit}, CellUse{m.name, r.loc("cell")});
    if (fresh) continue;
    std::string cell = "[" + std::to_string(m.word) + ", " + std::to_string(m.bit) + "]";
    return r.error_at("cell", "found " + cell + ", expected a free cell (hub '" + m.hub + "' already has synapse '" +
                                  it->second.synapse + "' there, at " + first_at(it->second.loc) + ")");
  }
}

std::vector<Synapse> expand(const Synapse& proto, const Block& b, std::pair<int, int> c0) {
  std::vector<Synapse> out;
  for (size_t i = 0; i < b.pre.size(); ++i) {
    size_t first = b.one_to_one ? i : 0, last = b.one_to_one ? i + 1 : b.post.size();
    for (size_t j = first; j < last; ++j) {
      Synapse m = proto;
      m.pre = b.pre[i];
      m.post = b.post[j];
      m.word = c0.first + static_cast<int>(i);
      m.bit = c0.second + static_cast<int>(j);
      if (b.count() > 1)
        m.name += b.one_to_one ? "[" + std::to_string(i) + "]"
                               : "[" + std::to_string(i) + "," + std::to_string(j) + "]";
      out.push_back(std::move(m));
    }
  }
  return out;
}

template <class T, class Fn>
void sub_table(TableReader& r, std::string_view key, Need need, T& out, Fn load) {
  if (const toml::table* t = r.table(key, need)) out = load(*t, r.path(key), r.ctx());
}

std::optional<Block> read_block(TableReader& r, const LoadState& s) {
  Block b;
  if (auto pre = r.str("pre", Need::required)) b.pre = resolve_neurons(r, "pre", *pre, s);
  if (auto post = r.str("post", Need::required)) b.post = resolve_neurons(r, "post", *post, s);
  auto connect = r.choice("connect", connect_names(), Need::optional);
  b.one_to_one = connect == "one-to-one";
  if (b.pre.empty() || b.post.empty()) return std::nullopt;
  if (b.one_to_one && b.pre.size() != b.post.size()) {
    r.error_at("connect", "found one-to-one between " + std::to_string(b.pre.size()) + " and " +
                              std::to_string(b.post.size()) + " neurons, expected pre and post of equal size");
    return std::nullopt;
  }
  return b;
}

void load_synapse(const toml::table& t, size_t index, LoadState& s, std::map<std::string, SourceLoc>& seen,
                  CellMap& cells) {
  TableReader r(t, "synapses[" + std::to_string(index) + "]", s.ctx);
  Synapse syn;
  syn.loc = r.loc();
  if (auto name = r.name("name", Need::required)) {
    if (auto it = seen.find(*name); it != seen.end())
      r.error_at("name", "found \"" + *name + "\" again, expected a unique synapse name (first at " +
                             first_at(it->second) + ")");
    else seen[*name] = r.loc("name");
    syn.name = syn.group = *name;
  }
  auto block = read_block(r, s);
  check_hub(r, syn, s);
  auto cell = read_cell(r);
  const InstrumentConfig* inst = s.instrument_of(syn.hub);
  sub_table(r, "device", Need::required, syn.device, [inst](const toml::table& t, const std::string& path, Ctx& ctx) {
    return load_device(t, path, ctx, inst);
  });
  sub_table(r, "weight", Need::optional, syn.weight, load_weight);
  sub_table(r, "plasticity", Need::optional, syn.plasticity, load_plasticity);
  r.finish();
  if (!block || !cell || !block_fits(r, *block, *cell, syn.hub, s)) return;
  if (s.e.synapses.size() + block->count() > size_t(limits::kMaxSynapses))
    return r.error_at("pre", "found " + std::to_string(s.e.synapses.size() + block->count()) +
                                 " synapses so far, expected at most " + std::to_string(limits::kMaxSynapses) +
                                 " in one experiment");
  check_one_device_type(r, syn, s);
  std::vector<Synapse> members = expand(syn, *block, *cell);
  if (!syn.hub.empty()) claim_cells(r, members, cells);
  for (auto& m : members) {
    m.id = static_cast<SynapseId>(s.e.synapses.size());
    s.e.synapses.push_back(std::move(m));
  }
}

}  // namespace

void load_synapses(TableReader& root, LoadState& s) {
  const toml::array* arr = root.array("synapses", Need::optional);
  if (!arr) return;
  std::map<std::string, SourceLoc> seen;
  CellMap cells;
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& n = *arr->get(i);
    if (auto t = n.as_table()) load_synapse(*t, i, s, seen, cells);
    else
      s.ctx.error(n.source(), "synapses[" + std::to_string(i) + "]",
                  "found " + describe(n) + ", expected a table ([[synapses]])");
  }
}

}  // namespace ion::experiment
