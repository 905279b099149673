// SPDX-License-Identifier: Apache-2.0
// `ion keygen --sites a,b,c [--monitors m] --out DIR [--force]`: one pre-shared key file per site
// pair and per (monitor, site) pair (mode 0600); monitors share no key with each other.
// Prints only file names; key material never reaches stdout, stderr or logs.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "wire/crypto.hpp"
#include "wire/keyfile.hpp"

namespace ion::cli {
namespace {

namespace fs = std::filesystem;

struct KeygenOptions {
  std::vector<std::string> sites;
  std::vector<std::string> monitors;  // [[monitors]] names: each gets a key with every site
  std::string out_dir;
  bool force = false;
};

void check_names(const KeygenOptions& o) {
  if (o.sites.size() < 2)
    throw CliError("keygen: --sites needs at least two site names, got " + std::to_string(o.sites.size()), 2);
  std::set<std::string> seen;
  for (const auto* list : {&o.sites, &o.monitors}) {
    const char* what = list == &o.sites ? "site" : "monitor";
    for (const auto& s : *list) {
      if (!wire::valid_site_name(s))
        throw CliError(
            std::string("keygen: ") + what + " name '" + s + "' is invalid; expected 1..64 characters of [A-Za-z0-9_-]",
            2);
      if (!seen.insert(s).second) throw CliError("keygen: '" + s + "' is listed twice in --sites/--monitors", 2);
    }
  }
}

void prepare_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      throw CliError("keygen: --out " + dir.string() + " exists and is not a directory", 2);
    return;
  }
  fs::create_directories(dir, ec);
  if (ec) throw CliError("keygen: cannot create directory " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
}

std::vector<std::pair<std::string, std::string>> all_pairs(const KeygenOptions& o) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < o.sites.size(); ++i)
    for (size_t j = i + 1; j < o.sites.size(); ++j) pairs.emplace_back(o.sites[i], o.sites[j]);
  for (const auto& m : o.monitors)
    for (const auto& s : o.sites) pairs.emplace_back(m, s);
  return pairs;
}

void run_keygen(const KeygenOptions& o) {
  check_names(o);
  if (!wire::crypto_init()) throw CliError("keygen: libsodium failed to initialise");
  const fs::path dir(o.out_dir);
  prepare_dir(dir);
  const auto pairs = all_pairs(o);
  if (!o.force) {  // refuse before writing anything, so a run never leaves a partial set
    for (const auto& [a, b] : pairs) {
      const fs::path p = dir / wire::key_file_name(a, b);
      std::error_code ec;
      if (fs::exists(p, ec)) throw CliError("keygen: " + p.string() + " already exists (use --force to overwrite)");
    }
  }
  for (const auto& [a, b] : pairs) {
    const fs::path p = dir / wire::key_file_name(a, b);
    const Status s = wire::write_key_file(p, a, b, wire::random_psk(), o.force);
    if (!s) throw CliError("keygen: " + s.message());
    std::printf("wrote %s (mode 0600, sites %s and %s)\n", p.c_str(), a.c_str(), b.c_str());
  }
}

}  // namespace

void add_keygen_command(CLI::App& app) {
  auto opts = std::make_shared<KeygenOptions>();
  auto* cmd = app.add_subcommand(
      "keygen", "Write one pre-shared key file per pair of sites (<a>.<b>.key, mode 0600) for authenticated links");
  cmd->add_option("--sites", opts->sites, "comma-separated site names, e.g. bio,hub,silicon")
      ->required()
      ->delimiter(',');
  cmd->add_option("--monitors", opts->monitors,
                  "comma-separated [[monitors]] names: each gets its own key with every site (none between monitors)")
      ->delimiter(',');
  cmd->add_option("--out", opts->out_dir, "directory for the key files (created with mode 0700 if missing)")
      ->required();
  cmd->add_flag("--force", opts->force, "overwrite existing key files");
  cmd->callback([opts] { run_keygen(*opts); });
}

}  // namespace ion::cli
