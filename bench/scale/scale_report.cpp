// SPDX-License-Identifier: Apache-2.0
// The report of `ion bench scale`: text tables (baseline = first row of each, ratios to it), one
// JSON object, and SVG plots through device/svg_plot (the project's only SVG writer).
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <fstream>

#include "bench/scale/bench_scale.hpp"
#include "device/svg_plot.hpp"

namespace ion::scale::bench {
namespace {

double ratio(double a, double b) { return b > 0 ? a / b : 0; }
unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

// printf into a std::string.
void add(std::string& o, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void add(std::string& o, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  o += buf;
}

void points_table(std::string& o, const char* size_name, const std::vector<Point>& ps, bool device,
                  const char* events = "plastic ev/s") {
  add(o, "  %-10s %13s %14s %8s %10s %10s %8s %12s%s\n", size_name, events, "ev/CPU-s", "x base", "p50 ns", "p99 ns",
      "p99 x", "spikes", device ? " dev pulses/CPU-s  build s" : "");
  for (size_t i = 0; i < ps.size(); ++i) {
    const Point& p = ps[i];
    add(o, "  %-10llu %13.0f %14.0f %8.3f %10.0f %10.0f %8.2f %12llu", ull(p.size), p.per_s(), p.per_cpu_s(),
        ratio(p.per_cpu_s(), ps[0].per_cpu_s()), p.p50_ns, p.p99_ns, ratio(p.p99_ns, ps[0].p99_ns), ull(p.spikes));
    if (device) add(o, " %17.0f %8.3f", p.device_per_s, p.build_s);
    o += i == 0 ? "   <- baseline\n" : "\n";
  }
}

void memory_table(std::string& o, const std::vector<MemoryRow>& ms) {
  add(o, "  %-26s %10s %14s %14s %14s\n", "per", "count", "heap B/each", "RSS B/each", "step ns/each");
  for (const MemoryRow& m : ms)
    add(o, "  %-26s %10llu %14.1f %14.1f %14.2f\n", m.what.c_str(), ull(m.count), m.heap_bytes_per, m.rss_bytes_per,
        m.step_ns_per);
}

double run_us_per_event(const RunRow& r) {
  return r.world_events ? r.cpu_s * 1e6 / static_cast<double>(r.world_events) : 0;
}

void run_table(std::string& o, const std::vector<RunRow>& rs) {
  add(o, "  %6s %8s %10s %10s %10s %8s %14s %14s %9s\n", "sites", "neurons", "duration", "wall s", "CPU s", "x base",
      "world events", "CPU us/event", "complete");
  for (size_t i = 0; i < rs.size(); ++i) {
    const RunRow& r = rs[i];
    add(o, "  %6u %8u %9.1fs %10.3f %10.3f %8.2f %14llu %14.3f %9s%s\n", r.size.sites, r.size.neurons,
        static_cast<double>(r.size.duration_ns) / 1e9, r.wall_s, r.cpu_s, ratio(r.cpu_s, rs[0].cpu_s),
        ull(r.world_events), run_us_per_event(r), r.complete ? "yes" : "NO", i == 0 ? "   <- baseline" : "");
  }
}

void json_points(std::string& o, const char* name, const std::vector<Point>& ps) {
  add(o, "\"%s\":[", name);
  for (size_t i = 0; i < ps.size(); ++i) {
    const Point& p = ps[i];
    add(o,
        "%s{\"size\":%llu,\"spikes\":%llu,\"plastic\":%llu,\"span_s\":%.6f,\"cpu_s\":%.6f,"
        "\"plastic_per_s\":%.1f,\"plastic_per_cpu_s\":%.1f,\"ratio_to_baseline\":%.6f,\"p50_ns\":%.1f,"
        "\"p99_ns\":%.1f,\"device_per_cpu_s\":%.1f,\"build_s\":%.6f,\"auth_failures\":%llu,\"lost\":%llu}",
        i ? "," : "", ull(p.size), ull(p.spikes), ull(p.plastic), p.span_s, p.cpu_s, p.per_s(), p.per_cpu_s(),
        ratio(p.per_cpu_s(), ps[0].per_cpu_s()), p.p50_ns, p.p99_ns, p.device_per_s, p.build_s, ull(p.auth_failures),
        ull(p.lost));
  }
  o += "],";
}

void json_rest(std::string& o, const ScaleResult& r) {
  o += "\"memory\":[";
  for (size_t i = 0; i < r.memory.size(); ++i) {
    const MemoryRow& m = r.memory[i];
    add(o, "%s{\"per\":\"%s\",\"count\":%llu,\"heap_bytes_each\":%.3f,\"rss_bytes_each\":%.3f,\"step_ns_each\":%.4f}",
        i ? "," : "", m.what.c_str(), ull(m.count), m.heap_bytes_per, m.rss_bytes_per, m.step_ns_per);
  }
  o += "],\"run\":[";
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const RunRow& x = r.runs[i];
    add(o,
        "%s{\"sites\":%u,\"neurons\":%u,\"duration_s\":%.3f,\"wall_s\":%.6f,\"cpu_s\":%.6f,"
        "\"ratio_to_baseline\":%.6f,\"world_events\":%llu,\"cpu_us_per_event\":%.6f,\"complete\":%s}",
        i ? "," : "", x.size.sites, x.size.neurons, static_cast<double>(x.size.duration_ns) / 1e9, x.wall_s, x.cpu_s,
        ratio(x.cpu_s, r.runs[0].cpu_s), ull(x.world_events), run_us_per_event(x), x.complete ? "true" : "false");
  }
  o += "]";
}

Status write_svg(const std::string& path, const device::SvgSeries& s, const std::string& title, const std::string& xl,
                 const std::string& yl) {
  if (s.x.size() < 2) return Status::ok();  // a curve needs two points
  std::ofstream f(path);
  f << device::svg_line_plot(s, title, xl, yl);
  if (!f.flush()) return error(Errc::io_error, "--svg: cannot write " + path);
  return Status::ok();
}

template <class Row, class X, class Y>
device::SvgSeries series(const std::vector<Row>& rows, X x, Y y) {
  device::SvgSeries s;
  for (const Row& r : rows) s.x.push_back(x(r)), s.y.push_back(y(r));
  return s;
}

}  // namespace

std::string scale_table(const ScaleConfig& c, const ScaleResult& r) {
  std::string o;
  add(o, "# ion bench scale: %.2f s per point, seed %llu; load average (1 min) %.2f before, %.2f after\n",
      static_cast<double>(c.point_ns) / 1e9, ull(c.seed), r.load_avg_1m, r.load_avg_after_1m);
  if (!r.synapses.empty()) {
    o += "\nHubCore in process vs synapses (1024 x 1024 crossbar, ring, every spike plastic; p50/p99 of one "
         "on_spike + advance):\n";
    points_table(o, "synapses", r.synapses, true);
  }
  if (!r.peers.empty()) {
    add(o,
        "\nHubCore in process vs peers (%llu synapses spread over the peers, bursts of 32 spikes per peer, horizon 1 "
        "ms; p50/p99 of one burst):\n",
        ull(c.peer_synapses));
    points_table(o, "peers", r.peers, false);
  }
  if (!r.loopback.empty()) {
    add(o,
        "\nhub over loopback vs peers (one authenticated Link per peer, real UDP on %s, %.0f spikes/s offered in "
        "total; ev/CPU-s = hub thread CPU incl. receive, open, decode and HubCore; p50/p99 one-way peer -> hub):\n",
        c.host.c_str(), c.loopback_rate_hz);
    points_table(o, "peers", r.loopback, false, "spikes/s in");
    uint64_t rejected = 0, lost = 0;
    for (const Point& p : r.loopback) rejected += p.auth_failures, lost += p.lost;
    add(o, "  datagrams rejected by the hub: %llu; spikes lost: %llu\n", ull(rejected), ull(lost));
  }
  if (!r.memory.empty()) {
    o += "\nmemory (heap: mallinfo2 uordblks+hblkhd delta; RSS: /proc/self/statm delta):\n";
    memory_table(o, r.memory);
  }
  if (!r.runs.empty()) {
    o += "\nion run --sim (in process) vs experiment size (1 hub + sites-1 silicon sites, ring synapses):\n";
    run_table(o, r.runs);
  }
  if (r.device_errors) add(o, "\n%llu device errors\n", ull(r.device_errors));
  return o;
}

std::string scale_json(const ScaleConfig& c, const ScaleResult& r) {
  std::string o;
  add(o, "{\"point_s\":%.6f,\"seed\":%llu,\"load_avg_1m\":%.2f,\"load_avg_after_1m\":%.2f,\"device_errors\":%llu,",
      static_cast<double>(c.point_ns) / 1e9, ull(c.seed), r.load_avg_1m, r.load_avg_after_1m, ull(r.device_errors));
  json_points(o, "synapses", r.synapses);
  json_points(o, "peers", r.peers);
  json_points(o, "loopback", r.loopback);
  json_rest(o, r);
  o += "}\n";
  return o;
}

Status write_scale_svgs(const ScaleResult& r, const std::string& dir) {
  const auto lg = [](const Point& p) { return std::log10(static_cast<double>(p.size)); };
  const auto rate = [](const Point& p) { return p.per_cpu_s() / 1e6; };
  const auto p99 = [](const Point& p) { return p.p99_ns / 1e3; };
  const auto peers = [](const Point& p) { return static_cast<double>(p.size); };
  ION_TRY(write_svg(dir + "/scale-synapses-rate.svg", series(r.synapses, lg, rate),
                    "HubCore plastic events/s vs synapses", "log10 synapses", "M plastic events per CPU s"));
  ION_TRY(write_svg(dir + "/scale-synapses-p99.svg", series(r.synapses, lg, p99), "HubCore p99 per spike vs synapses",
                    "log10 synapses", "p99 us (on_spike + advance)"));
  ION_TRY(write_svg(dir + "/scale-peers-rate.svg", series(r.peers, peers, rate), "HubCore plastic events/s vs peers",
                    "peers", "M plastic events per CPU s"));
  ION_TRY(write_svg(dir + "/scale-loopback-rate.svg", series(r.loopback, peers, rate),
                    "hub over loopback: plastic events per hub CPU s vs peers", "peers", "M plastic events per CPU s"));
  ION_TRY(write_svg(dir + "/scale-loopback-p99.svg", series(r.loopback, peers, p99),
                    "hub over loopback: p99 one-way latency vs peers", "peers", "p99 us"));
  const auto sites = [](const RunRow& x) { return static_cast<double>(x.size.sites); };
  std::vector<RunRow> by_sites;  // the rows at the baseline neurons and duration
  for (const RunRow& x : r.runs)
    if (!r.runs.empty() && x.size.neurons == r.runs[0].size.neurons && x.size.duration_ns == r.runs[0].size.duration_ns)
      by_sites.push_back(x);
  ION_TRY(write_svg(dir + "/scale-run-cpu.svg", series(by_sites, sites, [](const RunRow& x) { return x.cpu_s; }),
                    "ion run --sim CPU time vs sites", "sites", "CPU s"));
  return write_svg(dir + "/scale-run-event.svg", series(by_sites, sites, run_us_per_event),
                   "ion run --sim CPU per world event vs sites", "sites", "CPU us per world event");
}

}  // namespace ion::scale::bench
