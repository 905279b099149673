// SPDX-License-Identifier: Apache-2.0
// The report of `ion bench hub` (registered in src/cli/cmd_bench.cpp): plastic synaptic events/s
// through one HubCore (in-process and between authenticated Links) and bio → hub → silicon
// latency, each against a baseline from the same run.
#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include "bench/hub/bench_hub.hpp"
#include "bench/hub/bench_hub_internal.hpp"

namespace ion::hub::bench {
namespace {

constexpr double kReferenceHubEventsPerS = 100;  // docs/spec.md §4: serial read + pulse + re-read, 5 ms pauses

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

// The median of a few ratios (the mean of the middle two of an even count); 0 when there are none.
double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

void print_rate(const char* name, const Rate& r) {
  std::printf("  %-26s %14.0f %16.0f %12llu %12llu %12llu\n", name, r.per_s(), r.per_cpu_s(), ull(r.events),
              ull(r.sent), ull(r.pulses));
}

void print_lat(const char* name, const Lat& l) {
  std::printf("  %-34s %9.1f %9.1f %9.1f %9.1f %9llu\n", name, l.p50_us, l.p99_us, l.p999_us, l.max_us, ull(l.samples));
}

void print_part(const char* path, const char* part, const Lat& l) {
  std::printf("  %-22s %-20s %9.1f %9.1f %9.1f %9.1f\n", path, part, l.p50_us, l.p99_us, l.p999_us, l.max_us);
}

void print_split(const char* path, const Breakdown& b) {
  print_part(path, "end-to-end", b.e2e);
  print_part("", "software", b.software);
  print_part("", "wake-up", b.wakeup);
  print_part("", "kernel/loopback", b.wire);
  print_part("", "software + wake-up", b.software_wakeup);
  print_part("", "software, CPU time", b.software_cpu);
  std::printf("  %-22s %-20s software p50/p99 by site: bio %.1f/%.1f, hub %.1f/%.1f, silicon %.1f/%.1f us\n", "", "",
              b.sw_bio.p50_us, b.sw_bio.p99_us, b.sw_hub.p50_us, b.sw_hub.p99_us, b.sw_silicon.p50_us,
              b.sw_silicon.p99_us);
  std::printf("  %-22s %-20s %llu spikes traced of %llu offered, %llu receive hops without kernel stamp\n", "", "",
              ull(b.traced), ull(b.e2e.sent), ull(b.kernel_rx_missing));
}

// The paired per-spike split (bench_hub_trace.hpp) and the target verdict on it.
void print_splits(const BenchHubResult& r) {
  std::printf(
      "\npaired per-spike split (CLOCK_MONOTONIC + SO_TIMESTAMPNS at every hop; e2e = software + wake-up + "
      "kernel/loopback for each spike):\n  %-22s %-20s %9s %9s %9s %9s\n",
      "path", "part", "p50 us", "p99 us", "p99.9 us", "max us");
  print_split("raw UDP two hops", r.raw_split);
  print_split("ion, forward-only hub", r.forward_split);
  print_split("ion, HubCore (plastic)", r.hub_split);
  std::printf(
      "  software = user-space time on the path (bio stamp -> send call, hub wake/arrival -> send call, "
      "silicon wake/arrival -> handler);\n  wake-up = a datagram queued while its thread slept, until the "
      "thread ran (scheduler/hypervisor);\n  software, CPU time = the sites' thread CPU time over their "
      "software spans (excludes preemption while awake).\n");
}

// One line: the ratio of each paired round (events/s | events/hub-CPU-s) and their medians.
void print_pairs(const char* what, const std::vector<double>& per_s, const std::vector<double>& per_cpu_s) {
  std::printf("  paired rounds, %s (events/s | events/hub-CPU-s):", what);
  for (size_t i = 0; i < per_s.size() && i < per_cpu_s.size(); ++i) std::printf(" %.3f|%.3f", per_s[i], per_cpu_s[i]);
  std::printf("; median %.3f | %.3f\n", median_of(per_s), median_of(per_cpu_s));
}

// --monitor: the hub with and without a monitor attached, measured in the same run.
void print_monitor(const BenchHubResult& r) {
  if (!r.monitor) return;
  std::printf(
      "\nmonitor attached (hub copies every spike and forwarded input to a read-only monitor, 100 ms batches,\n"
      "rate limit %.0f records/s):\n"
      "  %-30s %14s %16s %9s %9s\n",
      r.monitor_rate_hz, "", "events/s", "events/hub-CPU-s", "p50 us", "p99 us");
  std::printf("  %-30s %14.0f %16.0f %9.1f %9.1f\n", "hub, no monitor", r.hub.per_s(), r.hub.per_cpu_s(),
              r.hub_lat.p50_us, r.hub_lat.p99_us);
  std::printf("  %-30s %14.0f %16.0f %9.1f %9.1f\n", "hub, monitor attached", r.hub_mon.per_s(), r.hub_mon.per_cpu_s(),
              r.hub_mon_lat.p50_us, r.hub_mon_lat.p99_us);
  std::printf(
      "  with/without: events/s %.3f, p50 %.3f; copies received by the monitor %llu, dropped by the feed %llu\n",
      ratio(r.hub_mon.per_s(), r.hub.per_s()), ratio(r.hub_mon_lat.p50_us, r.hub_lat.p50_us), ull(r.monitor_records),
      ull(r.monitor_dropped));
  print_pairs("with/without", r.monitor_pair_ratio, r.monitor_pair_cpu_ratio);
}

// --hub-threads 2: the hub with HubCore on a logic thread beside the 1-thread hub of the same run.
void print_threads(const BenchHubResult& r) {
  if (r.hub_threads != 2) return;
  std::printf(
      "\nhub threads (2: rx thread = Link to bio: recvmmsg, open, decode, replay window; logic thread = HubCore +\n"
      "Link to silicon: encode, seal, sendmmsg; an SPSC ring between them):\n"
      "  %-30s %14s %16s %9s %9s\n",
      "", "events/s", "events/CPU-s", "p50 us", "p99 us");
  std::printf("  %-30s %14.0f %16.0f %9.1f %9.1f\n", "hub, 1 thread (baseline)", r.hub.per_s(), r.hub.per_cpu_s(),
              r.hub_lat.p50_us, r.hub_lat.p99_us);
  std::printf("  %-30s %14.0f %16.0f %9.1f %9.1f\n", "hub, 2 threads", r.hub_mt.per_s(), r.hub_mt.per_cpu_s(),
              r.hub_mt_lat.p50_us, r.hub_mt_lat.p99_us);
  std::printf("  2/1 threads: events/s %.3f, events/CPU-s %.3f, p50 %.3f, p99 %.3f; ring-full waits %llu\n",
              ratio(r.hub_mt.per_s(), r.hub.per_s()), ratio(r.hub_mt.per_cpu_s(), r.hub.per_cpu_s()),
              ratio(r.hub_mt_lat.p50_us, r.hub_lat.p50_us), ratio(r.hub_mt_lat.p99_us, r.hub_lat.p99_us),
              ull(r.ring_full_waits));
}

// The sections of --monitor and --hub-threads 2 (nothing without them).
void print_options(const BenchHubResult& r) {
  print_monitor(r);
  print_threads(r);
}

// The throughput table: in process, over links, and the ratios of each pair to its baseline.
void print_throughput(const BenchHubResult& r) {
  std::printf("\nthroughput (%s):\n  %-26s %14s %16s %12s %12s %12s\n", "events = plastic events or inputs at silicon",
              "", "events/s", "events/hub-CPU-s", "events", "spikes sent", "pulse_reads");
  print_rate("HubCore in-process", r.core);
  print_rate("device only (baseline)", r.device);
  print_rate("hub over 3 links", r.hub);
  print_rate("forward-only hub (baseline)", r.forward);
  std::printf("  HubCore/device-only: %.3f; hub/forward-only over links: events/s %.3f, per hub-CPU-s %.3f\n",
              ratio(r.core.per_s(), r.device.per_s()), ratio(r.hub.per_s(), r.forward.per_s()),
              ratio(r.hub.per_cpu_s(), r.forward.per_cpu_s()));
  print_pairs("hub/forward-only", r.forward_pair_ratio, r.forward_pair_cpu_ratio);
  std::printf("  vs reference hub (~%.0f plastic events/s): in-process x%.0f, over links x%.0f\n",
              kReferenceHubEventsPerS, ratio(r.core.per_s(), kReferenceHubEventsPerS),
              ratio(r.hub.per_s(), kReferenceHubEventsPerS));
  std::printf("  authentication failures %llu, device errors %llu\n", ull(r.auth_failures), ull(r.device_errors));
}

// Each target of the bench, met or not, with the measured value.
void print_targets(const BenchHubResult& r) {
  const double sw_p99 = r.hub_split.software.p99_us, sw_wake_p99 = r.hub_split.software_wakeup.p99_us;
  const double diff_p99 = r.hub_lat.p99_us - r.raw_lat.p99_us;
  std::printf("\ntargets: >= 1 M plastic events/s: in-process %s, over links %s\n",
              r.core.per_s() >= 1e6 ? "met" : "NOT met", r.hub.per_s() >= 1e6 ? "met" : "NOT met");
  const double pair_median = median_of(r.forward_pair_ratio);
  std::printf("  hub >= 0.7 x forward-only over links (median of the paired rounds, events/s): %s (%.3f)\n",
              pair_median >= 0.7 ? "met" : "NOT met", pair_median);
  std::printf(
      "  added software latency p99 < 100 us (ion + HubCore, paired per spike): %s (software p99 %.1f us; "
      "with wake-up %.1f us: %s; CPU time p99 %.1f us; raw UDP's own software p99 %.1f us, with wake-up "
      "%.1f us)\n",
      r.hub_split.traced > 0 && sw_p99 < 100.0 ? "met" : "NOT met", sw_p99, sw_wake_p99,
      r.hub_split.traced > 0 && sw_wake_p99 < 100.0 ? "met" : "NOT met", r.hub_split.software_cpu.p99_us,
      r.raw_split.software.p99_us, r.raw_split.software_wakeup.p99_us);
  std::printf(
      "  old method, difference of percentiles p99(ion+hub) - p99(raw): %+.1f us (%s; each p99 moves with "
      "scheduling, so this difference is noisy)\n",
      diff_p99, diff_p99 < 100.0 ? "< 100" : ">= 100");
}

void print_table(const BenchHubResult& r, const BenchHubArgs& o) {
  std::printf(
      "ion bench hub: %u-synapse SRDP ring on an in-memory %ux%u compact crossbar; every spike = forward + "
      "rule + pulse_read; load average %.2f before, %.2f after\n",
      o.synapses, detail::crossbar_side(o.synapses), detail::crossbar_side(o.synapses), r.load_avg_1m,
      r.load_avg_after_1m);
  print_throughput(r);
  std::printf("\nbio spike -> silicon input latency at %.0f spikes/s for %.1f s:\n  %-34s %9s %9s %9s %9s %9s\n",
              o.rate_hz, o.latency_seconds, "", "p50 us", "p99 us", "p99.9 us", "max us", "samples");
  print_lat("raw UDP two hops (baseline)", r.raw_lat);
  print_lat("ion, forward-only hub", r.forward_lat);
  print_lat("ion, HubCore (plastic)", r.hub_lat);
  std::printf(
      "  added by ion+hub over raw UDP: p50 %+.1f us, p99 %+.1f us, p99.9 %+.1f us; by the hub logic alone: "
      "p50 %+.1f us, p99 %+.1f us\n",
      r.hub_lat.p50_us - r.raw_lat.p50_us, r.hub_lat.p99_us - r.raw_lat.p99_us, r.hub_lat.p999_us - r.raw_lat.p999_us,
      r.hub_lat.p50_us - r.forward_lat.p50_us, r.hub_lat.p99_us - r.forward_lat.p99_us);
  print_splits(r);
  print_options(r);
  std::printf(
      "  platform baseline: %.1f us of fixed work (no ion code, no system call) right after a timerfd wake-up, "
      "wall p50/p99/p99.9, CPU p99, back-to-back p50/p99 (us):\n",
      static_cast<double>(kWakeWorkNs) / 1e3);
  for (const auto& [name, w] : {std::pair<const char*, const WakeWork&>{"registers only", r.wake_work},
                                {"512 KiB working set", r.wake_work_mem}})
    std::printf("    %-20s %6.1f %6.1f %6.1f   %6.1f   %6.1f %6.1f\n", name, w.wall.p50_us, w.wall.p99_us,
                w.wall.p999_us, w.cpu.p99_us, w.warm.p50_us, w.warm.p99_us);
  const Stalls& st = r.stalls;
  std::printf(
      "  machine noise: a thread spinning on the clock for %.1f s lost the CPU %llu times for > %.0f us "
      "(%.0f/s, %.2f %% of the time, longest %.1f us); %llu of those gaps were billed as its own CPU time\n",
      st.span_s, ull(st.count), static_cast<double>(kStallGapNs) / 1e3, st.per_s(),
      st.span_s > 0 ? 100.0 * static_cast<double>(st.stalled_ns) / 1e9 / st.span_s : 0.0,
      static_cast<double>(st.max_ns) / 1e3, ull(st.cpu_charged));
  print_targets(r);
}
}  // namespace

namespace {

// `sep` then x as a JSON number with 4 decimals.
std::string fmt_ratio(const char* sep, double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%.4f", sep, x);
  return buf;
}

// A variant of the hub phases (`v`, `v_lat`) beside the plain ones (r.hub, r.hub_lat), as the
// members both variants report: events/s, events per CPU second (under `cpu_key`) and latency
// percentiles, the plain run under the label names[0] and the variant under names[1].
std::string versus_json(const BenchHubResult& r, const Rate& v, const Lat& v_lat, const char* cpu_key,
                        const std::array<const char*, 2>& names) {
  const char* a = names[0];
  const char* b = names[1];
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "\"events_per_s\": {\"%s\": %.0f, \"%s\": %.0f}, \"%s\": {\"%s\": %.0f, \"%s\": %.0f}, "
                "\"latency_us\": {\"%s\": [%.2f, %.2f, %.2f], \"%s\": [%.2f, %.2f, %.2f]}",
                a, r.hub.per_s(), b, v.per_s(), cpu_key, a, r.hub.per_cpu_s(), b, v.per_cpu_s(), a, r.hub_lat.p50_us,
                r.hub_lat.p99_us, r.hub_lat.p999_us, b, v_lat.p50_us, v_lat.p99_us, v_lat.p999_us);
  return buf;
}

}  // namespace

std::string pairs_json(const BenchHubResult& r) {
  std::string per_s, per_cpu;
  for (size_t i = 0; i < r.forward_pair_ratio.size() && i < r.forward_pair_cpu_ratio.size(); ++i) {
    const char* sep = i ? ", " : "";
    per_s += fmt_ratio(sep, r.forward_pair_ratio[i]);
    per_cpu += fmt_ratio(sep, r.forward_pair_cpu_ratio[i]);
  }
  char buf[256];
  std::snprintf(buf, sizeof buf,
                ", \"paired_median_hub_over_forward\": {\"events_per_s\": %.4f, \"events_per_hub_cpu_s\": %.4f}",
                median_of(r.forward_pair_ratio), median_of(r.forward_pair_cpu_ratio));
  return ", \"paired_hub_over_forward\": {\"events_per_s\": [" + per_s + "], \"events_per_hub_cpu_s\": [" + per_cpu +
         "]}" + buf;
}

std::string threads_json(const BenchHubResult& r) {
  if (r.hub_threads != 2) return "";
  char buf[1024];
  std::snprintf(buf, sizeof buf, ", \"hub_threads\": {%s, \"ring_full_waits\": %llu}",
                versus_json(r, r.hub_mt, r.hub_mt_lat, "events_per_cpu_s", {"one", "two"}).c_str(),
                ull(r.ring_full_waits));
  return buf;
}

std::string monitor_json(const BenchHubResult& r) {
  if (!r.monitor) return "";
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                ", \"monitor\": {%s, "
                "\"ratio_with_without\": {\"events_per_s\": %.4f, \"p50\": %.4f, \"p99\": %.4f}, "
                "\"paired_ratio_median\": {\"events_per_s\": %.4f, \"events_per_hub_cpu_s\": %.4f}, "
                "\"records_received\": %llu, \"records_dropped\": %llu}",
                versus_json(r, r.hub_mon, r.hub_mon_lat, "events_per_hub_cpu_s", {"without", "with"}).c_str(),
                ratio(r.hub_mon.per_s(), r.hub.per_s()), ratio(r.hub_mon_lat.p50_us, r.hub_lat.p50_us),
                ratio(r.hub_mon_lat.p99_us, r.hub_lat.p99_us), median_of(r.monitor_pair_ratio),
                median_of(r.monitor_pair_cpu_ratio), ull(r.monitor_records), ull(r.monitor_dropped));
  return buf;
}

void print_bench_hub_json(const BenchHubResult& r) {
  std::printf(
      "{\"load_avg_1m\": %.2f, \"events_per_s\": {\"core\": %.0f, \"device\": %.0f, \"hub\": %.0f, "
      "\"forward\": %.0f}, \"events_per_hub_cpu_s\": {\"hub\": %.0f, \"forward\": %.0f}, "
      "\"latency_us\": {\"raw\": [%.2f, %.2f, %.2f], \"forward\": [%.2f, %.2f, %.2f], \"hub\": [%.2f, %.2f, %.2f]}, "
      "\"software_us\": {\"raw\": [%.2f, %.2f, %.2f], \"forward\": [%.2f, %.2f, %.2f], "
      "\"hub\": [%.2f, %.2f, %.2f]}, "
      "\"wakeup_us\": {\"raw\": [%.2f, %.2f, %.2f], \"forward\": [%.2f, %.2f, %.2f], "
      "\"hub\": [%.2f, %.2f, %.2f]}, "
      "\"software_cpu_us\": {\"raw\": [%.2f, %.2f, %.2f], \"forward\": [%.2f, %.2f, %.2f], "
      "\"hub\": [%.2f, %.2f, %.2f]}, "
      "\"stalls_per_s\": %.1f, \"auth_failures\": %llu, \"device_errors\": %llu%s%s%s}\n",
      r.load_avg_1m, r.core.per_s(), r.device.per_s(), r.hub.per_s(), r.forward.per_s(), r.hub.per_cpu_s(),
      r.forward.per_cpu_s(), r.raw_lat.p50_us, r.raw_lat.p99_us, r.raw_lat.p999_us, r.forward_lat.p50_us,
      r.forward_lat.p99_us, r.forward_lat.p999_us, r.hub_lat.p50_us, r.hub_lat.p99_us, r.hub_lat.p999_us,
      r.raw_split.software.p50_us, r.raw_split.software.p99_us, r.raw_split.software.p999_us,
      r.forward_split.software.p50_us, r.forward_split.software.p99_us, r.forward_split.software.p999_us,
      r.hub_split.software.p50_us, r.hub_split.software.p99_us, r.hub_split.software.p999_us, r.raw_split.wakeup.p50_us,
      r.raw_split.wakeup.p99_us, r.raw_split.wakeup.p999_us, r.forward_split.wakeup.p50_us,
      r.forward_split.wakeup.p99_us, r.forward_split.wakeup.p999_us, r.hub_split.wakeup.p50_us,
      r.hub_split.wakeup.p99_us, r.hub_split.wakeup.p999_us, r.raw_split.software_cpu.p50_us,
      r.raw_split.software_cpu.p99_us, r.raw_split.software_cpu.p999_us, r.forward_split.software_cpu.p50_us,
      r.forward_split.software_cpu.p99_us, r.forward_split.software_cpu.p999_us, r.hub_split.software_cpu.p50_us,
      r.hub_split.software_cpu.p99_us, r.hub_split.software_cpu.p999_us, r.stalls.per_s(), ull(r.auth_failures),
      ull(r.device_errors), pairs_json(r).c_str(), monitor_json(r).c_str(), threads_json(r).c_str());
}

Status report_bench_hub(const BenchHubArgs& o) {
  BenchHubConfig cfg;
  cfg.core_ns = static_cast<Duration>(o.core_seconds * 1e9);
  cfg.throughput_ns = static_cast<Duration>(o.seconds * 1e9);
  cfg.latency_ns = static_cast<Duration>(o.latency_seconds * 1e9);
  cfg.rate_hz = o.rate_hz;
  cfg.burst_events = o.burst;
  cfg.synapses = o.synapses;
  cfg.monitor = o.monitor;
  cfg.monitor_rate_hz = o.monitor_rate;
  cfg.hub_threads = o.hub_threads;
  ION_TRY_ASSIGN(auto r, run_bench_hub(cfg));
  if (o.json) print_bench_hub_json(r);
  else print_table(r, o);
  return Status::ok();
}

}  // namespace ion::hub::bench
