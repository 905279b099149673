// SPDX-License-Identifier: Apache-2.0
// `ion export nwb RUN_DIR [-o FILE.nwb]` (or `ion export --nwb FILE.nwb RUN_DIR`): the sites'
// event logs of a run directory as an NWB 2.7.0 file (export/nwb_export.hpp; layout in
// docs/recording.md §9), written atomically (default RUN_DIR/recording.nwb). The experiment comes
// from the recorded experiment_file note, as for `ion report`. Also the `--nwb` output of `ion run`
// (write_run_nwb).
// Exit status: 0 written, 1 the logs or the file could not be read or written, 2 bad arguments
// (not a run directory, no logs).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/run_outputs.hpp"
#include "env/real_env.hpp"
#include "experiment/load.hpp"
#include "export/nwb_export.hpp"

namespace ion::cli {
namespace {

struct ExportArgs {
  std::string dir, out;
};

record::MergedRecording merged(const std::vector<std::string>& logs, const std::string& what) {
  auto m = record::merge_logs(logs);
  if (!m) throw CliError(what + ": merging the logs: " + m.status().message(), exit_code::kFailed);
  return std::move(m).value();
}

void write(const record::MergedRecording& m, const experiment::Experiment& e, const std::string& path,
           const nwb::NwbOptions& o, const std::string& what) {
  if (auto s = nwb::write_nwb(m, e, path, o); !s.is_ok()) throw CliError(what + ": " + s.message(), exit_code::kFailed);
  std::printf("nwb: %s\n", path.c_str());
}

void run_export(const ExportArgs& a) {
  const std::string what = "ion export nwb";
  const auto m = merged(find_run_logs(a.dir, what), what);
  if (m.experiment_file.empty())
    throw CliError(what + ": " + a.dir + " holds no experiment_file note, so neurons and synapses are unknown",
                   exit_code::kFailed);
  auto e = experiment::load_experiment_text(m.experiment_file, a.dir + " (recorded experiment file)");
  if (!e) throw CliError(what + ": " + e.status().message(), exit_code::kFailed);
  nwb::NwbOptions o;
  o.file_create_wall_ns = wall_clock_ns();
  o.run_dir = a.dir;
  write(m, *e, a.out.empty() ? a.dir + "/recording.nwb" : a.out, o, what);
}

}  // namespace

void write_run_nwb(const experiment::Experiment& e, const std::string& out, const std::vector<std::string>& logs,
                   int64_t runner_start_wall_ns) {
  std::vector<std::string> present;
  for (const auto& log : logs)
    if (std::filesystem::exists(log)) present.push_back(log);
  nwb::NwbOptions o;
  o.runner_start_wall_ns = runner_start_wall_ns;
  o.file_create_wall_ns = wall_clock_ns();
  o.run_dir = out;
  write(merged(present, "ion run --nwb"), e, out + "/recording.nwb", o, "ion run --nwb");
}

void add_export_command(CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand("export", "Export a run to a format other tools read (NWB 2)");
  // Two spellings of one export: `ion export nwb RUN_DIR [-o FILE.nwb]` and
  // `ion export --nwb FILE.nwb RUN_DIR`.
  cmd->require_subcommand(0, 1);
  cmd->add_option("--nwb", a->out, "the NWB file to write (same as `ion export nwb RUN_DIR -o FILE`)");
  cmd->add_option("RUN_DIR", a->dir, "output directory of `ion run` (with --nwb)");
  auto* nwb = cmd->add_subcommand("nwb", "The sites' event logs of a run directory as an NWB 2.7.0 file");
  nwb->add_option("RUN_DIR", a->dir, "output directory of `ion run` (its *.ionlog files)")->required();
  nwb->add_option("-o,--out", a->out, "the NWB file to write (default: RUN_DIR/recording.nwb)");
  nwb->callback([a] { run_export(*a); });
  cmd->callback([a, nwb] {
    if (nwb->parsed()) return;  // the subcommand ran the export
    if (a->out.empty() || a->dir.empty())
      throw CliError(
          "ion export: say what to write: `ion export nwb RUN_DIR [-o FILE.nwb]` or "
          "`ion export --nwb FILE.nwb RUN_DIR`",
          exit_code::kUsage);
    run_export(*a);
  });
}

}  // namespace ion::cli
