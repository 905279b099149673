// SPDX-License-Identifier: Apache-2.0
#include "experiment/load.hpp"

#include "experiment/input_bounds.hpp"
#include "experiment/load_internal.hpp"
#include "experiment/resources.hpp"

namespace ion::experiment {
namespace {

// Placeholders {name} and {timestamp} only; anything else in braces is an error.
bool valid_out_pattern(const std::string& out, std::string& bad) {
  for (size_t open = out.find('{'); open != std::string::npos; open = out.find('{', open + 1)) {
    size_t close = out.find('}', open);
    std::string ph = out.substr(open, close == std::string::npos ? std::string::npos : close - open + 1);
    if (ph != "{name}" && ph != "{timestamp}") {
      bad = ph;
      return false;
    }
  }
  return true;
}

void load_recording(TableReader& root, LoadState& s) {
  const toml::table* t = root.table("recording", Need::optional);
  if (!t) return;
  TableReader r(*t, "recording", s.ctx);
  Recording& rec = s.e.recording;
  if (auto out = r.str("out", Need::optional)) {
    std::string bad;
    if (out->empty() || !valid_out_pattern(*out, bad))
      r.error_at("out", "found \"" + *out +
                            "\", expected a directory pattern using only the placeholders "
                            "{name} and {timestamp}" +
                            (bad.empty() ? "" : " (unknown placeholder " + bad + ")"));
    else rec.out = *out;
  }
  rec.flush_interval_ns = r.duration("flush_interval", Need::optional, Sign::positive).value_or(rec.flush_interval_ns);
  rec.signal = r.boolean("signal", Need::optional).value_or(rec.signal);
  r.finish();
}

void load_security(TableReader& root, LoadState& s) {
  const toml::table* t = root.table("security", Need::optional);
  if (!t) return;
  TableReader r(*t, "security", s.ctx);
  if (auto dir = r.str("key_dir", Need::optional)) {
    if (dir->empty()) r.error_at("key_dir", "found \"\", expected a directory path");
    else s.e.security.key_dir = *dir;
  }
  static constexpr std::string_view kAeads[] = {"auto", "xchacha20poly1305", "aes256gcm"};
  if (auto aead = r.choice("aead", kAeads, Need::optional)) s.e.security.aead = *aead;
  r.finish();
}

void load_root(const toml::table& root_table, LoadState& s) {
  TableReader root(root_table, "", s.ctx);
  load_sites(root, s);
  load_experiment_table(root, s);
  load_neurons(root, s);
  load_synapses(root, s);
  load_links(root, s);
  load_legacy(root, s);
  load_recording(root, s);
  load_security(root, s);
  load_monitors(root, s);
  root.finish();
}

// A valid model whose run would exhaust memory or disk: reported at its largest source.
void check_resources(const Experiment& e, Ctx& ctx) {
  const ResourceEstimate r = estimate_resources(e);
  const std::string problem = resource_problem(r);
  if (problem.empty()) return;
  const ResourceItem* main = r.main_source();
  const ResourceItem top = main ? *main : ResourceItem{"experiment.duration", {}, 0, ""};
  ctx.error(top.loc.line > 0 ? top.loc : SourceLoc{ctx.file(), 1, 1}, top.key_path, problem);
}

}  // namespace

Status load_failure(const Diagnostics& d) {
  const size_t n = d.size() + d.dropped();
  std::string head = std::to_string(n) + (n == 1 ? " problem" : " problems") + " in the experiment:\n";
  std::string body = d.to_string();
  if (!body.empty()) body.pop_back();
  return error(Errc::invalid_argument, head + body);
}

const Site* LoadState::site(std::string_view name) const {
  auto it = site_by_name.find(name);
  return it == site_by_name.end() ? nullptr : &e.sites[it->second];
}

const InstrumentConfig* LoadState::instrument_of(std::string_view name) const {
  const Site* site = this->site(name);
  return site && site->instrument ? &*site->instrument : nullptr;
}

std::string first_at(const SourceLoc& loc) { return "line " + std::to_string(loc.line); }

bool check_site_ref(TableReader& r, std::string_view key, const std::string& site, const LoadState& s) {
  if (s.declared_sites.count(site)) return true;
  std::vector<std::string_view> names;
  for (const auto& [n, role] : s.declared_sites) names.push_back(n);
  std::string msg = "found \"" + site + "\", expected a site of this experiment";
  if (auto g = did_you_mean(site, names); !g.empty()) msg += " (did you mean \"" + std::string(g) + "\"?)";
  else if (!names.empty()) msg += " (one of " + quoted_list(names) + ")";
  r.error_at(key, msg);
  return false;
}

std::vector<std::string> resolve_neurons(TableReader& r, std::string_view key, const std::string& ref,
                                         const LoadState& s) {
  if (auto it = s.neuron_groups.find(ref); it != s.neuron_groups.end()) return it->second;
  if (s.declared_neurons.count(ref)) return {ref};
  std::vector<std::string_view> names;
  for (const auto& [n, members] : s.neuron_groups) names.push_back(n);
  std::string msg = "found \"" + ref + "\", expected a neuron of this experiment";
  if (auto g = did_you_mean(ref, names); !g.empty()) msg += " (did you mean \"" + std::string(g) + "\"?)";
  r.error_at(key, msg);
  return {};
}

Result<Experiment> load_experiment_text(std::string_view text, std::string_view name, Diagnostics* out) {
  Diagnostics local;
  Diagnostics& diags = out ? *out : local;
  Experiment e;
  e.source_name = std::string(name);
  e.source_text = std::string(text);
  Ctx ctx(std::string(name), diags);
  if (!check_input_shape(text, ctx.file(), diags)) return load_failure(diags);
  try {
    toml::table root = toml::parse(text, name);
    LoadState state{ctx, e, {}, {}, {}, {}, {}, {}, {}};
    load_root(root, state);
    if (diags.empty()) check_resources(e, ctx);
  } catch (const toml::parse_error& err) {
    ctx.error(err.source(), "", "syntax error: " + std::string(err.description()));
  }
  if (!diags.empty()) {
    diags.sort();
    return load_failure(diags);
  }
  return e;
}

Result<Experiment> load_experiment(const std::string& path, Diagnostics* out) {
  auto text = read_experiment_file(path);
  if (!text) {
    Diagnostics local;
    Diagnostics& diags = out ? *out : local;
    diags.add({path, 0, 0, "", text.status().message()});
    return text.status().prefixed(path + ": ");
  }
  return load_experiment_text(*text, path, out);
}

Result<std::set<std::string>> keys_read_by_loader(std::string_view text) {
  std::set<std::string> keys;
  KeyLog log(keys);
  // A file the loader refuses stops before its later keys: its key set would be short.
  ION_TRY(load_experiment_text(text, "keys").status());
  return keys;
}

}  // namespace ion::experiment
