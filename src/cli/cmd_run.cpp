// SPDX-License-Identifier: Apache-2.0
// `ion run [EXPERIMENT.toml]`: runs a whole experiment on this machine — one `ion node` process
// per site over loopback UDP in real time (default), or every site in one process on SimEnv
// (--sim) — then merges the sites' logs into one HDF5 file with a report.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/experiment_args.hpp"
#include "cli/launcher.hpp"
#include "cli/run_outputs.hpp"
#include "experiment/builtin.hpp"
#include "site/node/sim_runner.hpp"
#include "wire/crypto.hpp"
#include "wire/keyfile.hpp"

namespace ion::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

struct RunArgs {
  ExperimentArgs exp;
  std::string out;
  bool sim = false, realtime = false, quiet = false;
  std::string warmup = "3s";
};

void progress(bool quiet, Time t, Duration total, const std::vector<std::string>& lines) {
  if (quiet) return;
  std::string s = "[" + format_duration(std::clamp<Time>(t, 0, total)) + " / " + format_duration(total) + "]";
  for (const auto& l : lines) s += "  " + l;
  const bool tty = isatty(STDOUT_FILENO);
  std::printf(tty ? "\r\033[K%s" : "%s\n", s.c_str());
  std::fflush(stdout);
}

std::vector<std::string> site_logs(const experiment::Experiment& e, const std::string& out) {
  std::vector<std::string> logs;
  for (const auto& s : e.sites) logs.push_back(out + "/" + s.name + ".ionlog");
  return logs;
}

void run_simulated(const experiment::Experiment& e, const std::string& out, Duration warmup, bool quiet) {
  site::SimRunOptions o;
  o.out_dir = out;
  o.warmup = warmup;
  o.progress = [&](Time t, const std::vector<std::string>& lines) { progress(quiet, t, e.duration, lines); };
  auto r = site::run_sim(e, o);
  if (!quiet && isatty(STDOUT_FILENO)) std::printf("\n");
  if (!r) throw CliError(r.status().message(), 1);
  std::printf("simulated %s of experiment time (%llu events, trace digest %016llx)\n",
              format_duration(e.duration).c_str(), (unsigned long long)r->events, (unsigned long long)r->digest);
}

// Fresh pre-shared keys for every site pair of a loopback run (mode 0600, in <out>/keys).
std::string make_run_keys(const experiment::Experiment& e, const std::string& out) {
  const std::string dir = out + "/keys";
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
  for (size_t i = 0; i < e.sites.size(); ++i)
    for (size_t j = i + 1; j < e.sites.size(); ++j) {
      const auto& a = e.sites[i].name;
      const auto& b = e.sites[j].name;
      Status s = wire::write_key_file(std::filesystem::path(dir) / wire::key_file_name(a, b), a, b,
                                      wire::random_psk(), false);
      if (!s) throw CliError("writing keys: " + s.message(), 1);
    }
  return dir;
}

std::vector<std::string> node_argv(const RunArgs& a, const std::string& file, const std::string& site,
                                   const std::string& out, const std::string& keys) {
  std::vector<std::string> v{self_executable(), "node", file, "--site", site, "--out", out, "--keys", keys,
                             "--warmup", a.warmup};
  if (!a.exp.duration.empty()) v.insert(v.end(), {"--duration", a.exp.duration});
  if (a.exp.seed) v.insert(v.end(), {"--seed", std::to_string(*a.exp.seed)});
  return v;
}

std::vector<std::string> read_status(const experiment::Experiment& e, const std::string& out) {
  std::vector<std::string> lines;
  for (const auto& s : e.sites) {
    std::ifstream in(out + "/" + s.name + ".status");
    std::string line;
    std::getline(in, line);
    lines.push_back(line.empty() ? s.name + " starting" : line);
  }
  return lines;
}

void run_processes(const RunArgs& a, const experiment::Experiment& e, const std::string& out, Duration warmup) {
  std::string file = a.exp.file;
  if (file.empty()) {
    file = out + "/experiment.toml";
    std::ofstream(file) << experiment::builtin_experiment_text();
  }
  const std::string keys = make_run_keys(e, out);
  ProcessGroup group;
  for (const auto& s : e.sites) {
    Status st = group.spawn(s.name, node_argv(a, file, s.name, out, keys), out + "/" + s.name + ".out");
    if (!st) throw CliError(st.message(), 1);
  }
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const auto start = std::chrono::steady_clock::now();
  const Duration limit = warmup + e.duration + 60 * kSecond;
  int ticks = 0;
  while (group.any_running()) {
    if (const Child* c = group.poll()) {
      group.terminate_all(3 * kSecond);
      throw CliError("site " + c->name + " failed (exit " + std::to_string(c->exit_code) + "); its last output:\n" +
                         tail_lines(c->output_path, 8) + "the other sites were stopped; logs are in " + out,
                     1);
    }
    if (g_interrupted) {
      group.terminate_all(3 * kSecond);
      std::printf("\ninterrupted: every site stopped cleanly; recordings in %s\n", out.c_str());
      return;
    }
    const Duration elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now() - start).count();
    if (elapsed > limit) {
      group.terminate_all(3 * kSecond);
      throw CliError("the experiment did not finish within " + format_duration(limit) + "; sites stopped", 1);
    }
    if (++ticks % 5 == 0) progress(a.quiet, elapsed - warmup, e.duration, read_status(e, out));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (const Child* c = group.poll())
    throw CliError("site " + c->name + " failed (exit " + std::to_string(c->exit_code) + ")", 1);
  if (!a.quiet && isatty(STDOUT_FILENO)) std::printf("\n");
}

void run(const RunArgs& a) {
  experiment::Experiment e = load_experiment_args(a.exp);
  if (a.sim && a.realtime) throw CliError("--sim and --realtime exclude each other", 2);
  const bool sim = a.sim || (!a.realtime && e.mode == experiment::Mode::sim);
  auto warmup = parse_duration(a.warmup);
  if (!warmup || *warmup < 0) throw CliError("--warmup: expected a duration such as \"2s\"", 2);
  const std::string out = a.out.empty() ? e.output_dir(timestamp_now()) : a.out;
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw CliError("cannot create output directory " + out + ": " + ec.message(), 1);
  if (!std::filesystem::is_empty(out)) throw CliError("output directory " + out + " is not empty", 2);
  std::printf("ion run: %s (%s, %s, seed %llu) → %s\n", e.name.c_str(), sim ? "simulated time" : "real time",
              format_duration(e.duration).c_str(), (unsigned long long)e.seed, out.c_str());
  std::fflush(stdout);
  if (sim) run_simulated(e, out, *warmup, a.quiet);
  else run_processes(a, e, out, *warmup);
  write_run_outputs(e, out, site_logs(e, out));
  std::printf("outputs in %s\n", out.c_str());
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* c = app.add_subcommand("run", "Run a whole experiment on this machine (built-in three-neuron by default)");
  c->add_option("experiment", a->exp.file, "Experiment file (default: the built-in three-neuron experiment)");
  c->add_flag("--sim", a->sim, "All sites in one process on simulated time (deterministic for a seed)");
  c->add_flag("--realtime", a->realtime, "One process per site over loopback UDP in real time");
  c->add_option("--out", a->out, "Output directory (default: [recording] out, e.g. runs/<name>-<timestamp>)");
  c->add_option("--duration", a->exp.duration, "Scale the experiment (all phases) to this total duration");
  c->add_option("--seed", a->exp.seed, "Override the experiment seed");
  c->add_option("--warmup", a->warmup, "Time for clock sync before experiment time 0")->capture_default_str();
  c->add_flag("--quiet", a->quiet, "No progress line");
  c->callback([a] { run(*a); });
}

}  // namespace ion::cli
