// SPDX-License-Identifier: Apache-2.0
// `ion inspect LOG...`: summaries of event logs; optional repair of damaged tails.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "record/hdf5_export.hpp"
#include "record/log_reader.hpp"
#include "record/log_summary.hpp"

namespace ion::cli {
namespace {

struct InspectOptions {
  std::vector<std::string> logs;
  bool json = false;
  bool repair = false;
  bool force = false;
  std::string h5_path;
  bool compress = false;
};

// Merges every log into one HDF5 file; returns its digest.
std::string export_h5(const InspectOptions& o) {
  auto r = record::export_logs_to_hdf5(o.logs, o.h5_path, {o.compress, std::nullopt});
  if (!r) throw CliError("cannot export to " + o.h5_path + ": " + r.status().message());
  if (!o.json) std::printf("wrote %s (digest %s)\n", o.h5_path.c_str(), r->digest.c_str());
  return r->digest;
}

void repair_one(const std::string& path, bool force) {
  auto rep = record::repair_log(path, force);
  // Mid-log damage: the message already names the file, what follows and what --force would do.
  if (!rep && rep.status().code() == Errc::corrupt) throw CliError(rep.status().message());
  if (!rep) throw CliError("cannot repair " + path + ": " + rep.status().message());
  if (rep->lost_data()) {
    std::fprintf(stderr, "ion inspect: repaired %s: truncated to %llu bytes (%s)\n", path.c_str(),
                 static_cast<unsigned long long>(rep->good_bytes), rep->describe().c_str());
  }
}

void run_inspect(const InspectOptions& o) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& path : o.logs) {
    if (o.repair) repair_one(path, o.force);
    auto s = record::summarize_log(path);
    if (!s) throw CliError("cannot inspect " + path + ": " + s.status().message());
    if (o.json) {
      all.push_back(record::to_json(*s));
    } else {
      std::fputs(record::to_text(*s).c_str(), stdout);
    }
  }
  nlohmann::json out = {{"logs", all}};
  if (!o.h5_path.empty()) out["hdf5"] = {{"path", o.h5_path}, {"digest", export_h5(o)}};
  if (o.json) std::printf("%s\n", out.dump(2).c_str());
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto opts = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand(
      "inspect",
      "Summarise event logs: site, sessions, records by kind, time span, per-neuron spike counts, "
      "stimuli, weight ranges, last link stats, and any damaged tail");
  cmd->add_option("LOG", opts->logs, "event log files written by the sites (<site>.ionlog)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", opts->json, "print one JSON document {\"logs\": [...]} instead of text");
  cmd->add_flag("--repair", opts->repair, "truncate a torn or corrupt tail to the last good record first");
  cmd->add_flag("--force", opts->force, "with --repair: also truncate at corruption in the middle of a log");
  cmd->add_option("--h5", opts->h5_path, "also merge all LOGs into this HDF5 file (layout: docs/recording.md)");
  cmd->add_flag("--compress", opts->compress, "with --h5: chunked, deflate-compressed datasets");
  cmd->callback([opts] { run_inspect(*opts); });
}

}  // namespace ion::cli
