// SPDX-License-Identifier: Apache-2.0
// `ion inspect LOG...`: summaries of event logs; optional repair of damaged tails.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/run_outputs.hpp"
#include "record/hdf5_export.hpp"
#include "record/log_reader.hpp"
#include "record/log_summary.hpp"
#include "record/merge.hpp"
#include "report/describe.hpp"

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

// The /neurons and /synapses rows from the experiment file the logs recorded, re-validated as
// `ion report` does. Without one (or if it no longer loads) the tables carry only the names the
// logs give; a warning says why, the export goes on (inspect must read any logs).
record::RecordingDescription describe(const record::MergedRecording& m, const InspectOptions& o) {
  auto d = report::describe_recorded(m, "the logs");
  if (d) return *d;
  std::fprintf(stderr,
               "ion inspect: warning: /neurons and /synapses in %s hold only the names the logs give, because "
               "the experiment file they recorded is not usable:\n%s\n",
               o.h5_path.c_str(), d.status().message().c_str());
  return {};
}

// Merges every log into one HDF5 file; returns what it printed as JSON (path, digest, counts).
nlohmann::json export_h5(const InspectOptions& o) {
  auto m = merge_logs_with_bar(o.logs);
  if (!m) throw CliError("cannot export to " + o.h5_path + ": " + m.status().message());
  record::ExportOptions eo;
  eo.compress = o.compress;
  eo.description = describe(*m, o);
  if (Status s = record::write_hdf5(*m, o.h5_path, eo); !s)
    throw CliError("cannot export to " + o.h5_path + ": " + s.message());
  const std::string dig = record::digest(*m);
  const size_t neurons = eo.description.neurons.size(), synapses = eo.description.synapses.size();
  if (!o.json) {
    std::printf(
        "wrote %s (digest %s, format %u): %zu neurons and %zu synapses described from the recorded "
        "experiment\n",
        o.h5_path.c_str(), dig.c_str(), record::kHdf5FormatVersion, neurons, synapses);
  }
  return {{"path", o.h5_path},
          {"digest", dig},
          {"format_version", record::kHdf5FormatVersion},
          {"described_neurons", neurons},
          {"described_synapses", synapses}};
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
  if (!o.h5_path.empty()) out["hdf5"] = export_h5(o);
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
