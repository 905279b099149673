// SPDX-License-Identifier: Apache-2.0
// `ion bench scale`: options -> configuration (with clear errors), validation, and the order of
// the tables.
#include "bench/scale/bench_scale.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench/scale/scale_internal.hpp"

namespace ion::scale::bench {
namespace {

constexpr uint64_t kMaxSynapses = 1024ull * 1024;  // cells of the 1024 x 1024 crossbar
constexpr uint32_t kMaxPeers = 1024;
constexpr uint64_t kMaxLoopbackPeers = 64;  // one socket each on the peer thread
constexpr uint32_t kMaxRunSites = 64;
const std::vector<std::string> kTables{"synapses", "peers", "loopback", "memory", "run"};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t a = 0;
  while (a <= s.size()) {
    const size_t b = std::min(s.find(',', a), s.size());
    out.push_back(s.substr(a, b - a));
    a = b + 1;
  }
  return out;
}

// "1000", "1e4" or "10^5": a whole count in [lo, hi].
Result<uint64_t> parse_count(const std::string& text, const char* option, uint64_t lo, uint64_t hi) {
  const auto bad = [&] {
    return error(Errc::invalid_argument, std::string(option) + ": \"" + text + "\" is not a count in " +
                                             std::to_string(lo) + ".." + std::to_string(hi));
  };
  std::string t = text;
  if (const size_t caret = t.find("10^"); caret == 0) t = "1e" + t.substr(3);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || errno != 0 || !std::isfinite(v)) return bad();
  if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) return bad();
  return static_cast<uint64_t>(v);
}

Result<std::vector<uint64_t>> parse_list(const std::string& text, const char* option, uint64_t lo, uint64_t hi) {
  std::vector<uint64_t> out;
  for (const std::string& item : split(text)) {
    ION_TRY_ASSIGN(uint64_t v, parse_count(item, option, lo, hi));
    out.push_back(v);
  }
  return out;
}

Status set_tables(const std::string& text, ScaleConfig& c) {
  c.tables.clear();
  for (const std::string& t : split(text)) {
    if (std::find(kTables.begin(), kTables.end(), t) == kTables.end())
      return error(Errc::invalid_argument,
                   "--tables: unknown table \"" + t +
                       "\" (expected a comma-separated subset of synapses,peers,loopback,memory,run)");
    c.tables.push_back(t);
  }
  return Status::ok();
}

void set_quick(ScaleConfig& c) {
  c.synapses = {1000, 10000};
  c.peers = {2, 4};
  c.loopback = {2, 4};
  c.peer_synapses = 4096;
  c.neurons = {1000};
  c.runs = default_runs(true);
}

// --sites: the run table's sites rows at the baseline neurons and duration.
Status set_sites(const std::string& text, bool quick, ScaleConfig& c) {
  ION_TRY_ASSIGN(auto sites, parse_list(text, "--sites", 2, kMaxRunSites));
  const RunSize base = default_runs(quick).front();
  c.runs.clear();
  for (uint64_t s : sites) c.runs.push_back({static_cast<uint32_t>(s), base.neurons, base.duration_ns});
  return Status::ok();
}

bool wants(const ScaleConfig& c, const char* table) {
  return std::find(c.tables.begin(), c.tables.end(), table) != c.tables.end();
}

Status in_process_tables(const ScaleConfig& c, ScaleResult& r) {
  if (wants(c, "synapses"))
    for (uint64_t n : c.synapses) {
      ION_TRY_ASSIGN(auto p, detail::synapse_point(n, c.point_ns, r.device_errors));
      r.synapses.push_back(p);
    }
  if (wants(c, "peers"))
    for (uint64_t p : c.peers) {
      ION_TRY_ASSIGN(auto pt,
                     detail::peer_point(static_cast<uint32_t>(p), c.peer_synapses, c.point_ns, r.device_errors));
      r.peers.push_back(pt);
    }
  if (wants(c, "loopback"))
    for (uint64_t p : c.loopback) {
      ION_TRY_ASSIGN(auto pt, detail::loopback_point(static_cast<uint32_t>(p), c.host, c.point_ns, c.loopback_rate_hz));
      r.loopback.push_back(pt);
    }
  return Status::ok();
}

Status memory_table(const ScaleConfig& c, ScaleResult& r) {
  for (uint64_t n : c.synapses) {
    ION_TRY_ASSIGN(auto m, detail::synapse_memory(n));
    r.memory.push_back(m);
  }
  for (const char* model : {"dpi", "adex", "hh-hippocampal"})
    for (uint64_t n : c.neurons) {
      ION_TRY_ASSIGN(auto m, detail::neuron_memory(model, n, c.point_ns));
      r.memory.push_back(m);
    }
  return Status::ok();
}

Status write_experiments(const BenchScaleArgs& a, const ScaleConfig& c) {
  std::error_code ec;
  std::filesystem::create_directories(a.experiments_dir, ec);
  if (ec) return error(Errc::io_error, "--write-experiments: cannot create " + a.experiments_dir + ": " + ec.message());
  for (const RunSize& s : c.runs) {
    const std::string path = a.experiments_dir + "/" + scale_experiment_name(s) + ".toml";
    std::ofstream f(path);
    f << scale_experiment_text(s, c.seed);
    if (!f.flush()) return error(Errc::io_error, "--write-experiments: cannot write " + path);
    std::printf("%s\n", path.c_str());
  }
  return Status::ok();
}

}  // namespace

Result<ScaleConfig> scale_config(const BenchScaleArgs& a) {
  ScaleConfig c;
  if (!(a.seconds > 0 && a.seconds <= 60))
    return error(Errc::out_of_range, "--seconds: expected a duration in (0, 60] s per point");
  c.point_ns = static_cast<Duration>(a.seconds * 1e9);
  c.seed = a.seed;
  if (a.quick) set_quick(c);
  if (!a.sizes.empty()) {
    ION_TRY_ASSIGN(c.synapses, parse_list(a.sizes, "--sizes", 2, kMaxSynapses));
  }
  if (!a.peers.empty()) {
    ION_TRY_ASSIGN(c.peers, parse_list(a.peers, "--peers", 1, kMaxPeers));
    c.loopback.clear();  // the loopback table takes the same peer counts, up to kMaxLoopbackPeers
    for (uint64_t p : c.peers)
      if (p >= 1 && p <= kMaxLoopbackPeers) c.loopback.push_back(p);
  }
  c.host = a.host;
  if (!a.sites.empty()) ION_TRY(set_sites(a.sites, a.quick, c));
  if (!a.tables.empty()) ION_TRY(set_tables(a.tables, c));
  if (c.runs.empty()) c.runs = default_runs(false);
  return c;
}

Result<ScaleResult> run_bench_scale(const ScaleConfig& c) {
  ScaleResult r;
  r.load_avg_1m = load_average_1m();
  ION_TRY(in_process_tables(c, r));
  if (wants(c, "memory")) ION_TRY(memory_table(c, r));
  if (wants(c, "run"))
    for (const RunSize& s : c.runs) {
      ION_TRY_ASSIGN(auto row, detail::run_point(s, c.seed));
      r.runs.push_back(row);
    }
  r.load_avg_after_1m = load_average_1m();
  return r;
}

Status report_bench_scale(const BenchScaleArgs& a) {
  ION_TRY_ASSIGN(auto c, scale_config(a));
  if (!a.experiments_dir.empty()) return write_experiments(a, c);
  ION_TRY_ASSIGN(auto r, run_bench_scale(c));
  const std::string out = a.json ? scale_json(c, r) : scale_table(c, r);
  std::fputs(out.c_str(), stdout);
  if (!a.svg_dir.empty()) ION_TRY(write_scale_svgs(r, a.svg_dir));
  return Status::ok();
}

}  // namespace ion::scale::bench
