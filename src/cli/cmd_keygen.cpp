// SPDX-License-Identifier: Apache-2.0
// `ion keygen --sites a,b,c --out DIR [--force]`: one pre-shared key file per site pair (mode 0600).
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
  std::string out_dir;
  bool force = false;
};

void check_sites(const std::vector<std::string>& sites) {
  if (sites.size() < 2)
    throw CliError("keygen: --sites needs at least two site names, got " + std::to_string(sites.size()), 2);
  std::set<std::string> seen;
  for (const auto& s : sites) {
    if (!wire::valid_site_name(s))
      throw CliError("keygen: site name '" + s + "' is invalid; expected 1..64 characters of [A-Za-z0-9_-]", 2);
    if (!seen.insert(s).second) throw CliError("keygen: site '" + s + "' is listed twice in --sites", 2);
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

std::vector<std::pair<std::string, std::string>> all_pairs(const std::vector<std::string>& sites) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < sites.size(); ++i)
    for (size_t j = i + 1; j < sites.size(); ++j) pairs.emplace_back(sites[i], sites[j]);
  return pairs;
}

void run_keygen(const KeygenOptions& o) {
  check_sites(o.sites);
  if (!wire::crypto_init()) throw CliError("keygen: libsodium failed to initialise");
  const fs::path dir(o.out_dir);
  prepare_dir(dir);
  const auto pairs = all_pairs(o.sites);
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
  cmd->add_option("--out", opts->out_dir, "directory for the key files (created with mode 0700 if missing)")
      ->required();
  cmd->add_flag("--force", opts->force, "overwrite existing key files");
  cmd->callback([opts] { run_keygen(*opts); });
}

}  // namespace ion::cli
