// SPDX-License-Identifier: Apache-2.0
// `ion bench ...`: every benchmark subcommand, registered here and nowhere else. The harnesses and
// their reports live in bench/<area>/ (library ion_bench, built with ION_BUILD_BENCHMARKS); this
// file only maps options onto them and their errors onto exit codes (2: bad option, 1: failed run).
#include <memory>

#include "bench/bio/bench_detect.hpp"
#include "bench/device/bench_device.hpp"
#include "bench/hub/bench_hub.hpp"
#include "bench/link/bench_link.hpp"
#include "bench/scale/bench_scale.hpp"
#include "bench/silicon/bench_neurons.hpp"
#include "cli/arg_checks.hpp"
#include "cli/commands.hpp"

namespace ion::cli {
namespace {

void check(const Status& s, int exit_code, const std::string& prefix = "") {
  if (!s) throw CliError(prefix + s.message(), exit_code);
}

void add_device(CLI::App& bench) {
  auto* c = bench.add_subcommand("device", "pulse updates/s per core for each model (with a memory baseline)");
  auto size = std::make_shared<uint32_t>(1024);
  auto secs = std::make_shared<double>(0.5);
  auto seed = std::make_shared<uint64_t>(1);
  c->add_option("--size", *size, "array is size x size")->capture_default_str();
  c->add_option("--seconds", *secs, "minimum time per model")->capture_default_str();
  c->add_option("--seed", *seed, "seed of the random cell order and states")
      ->capture_default_str()
      ->check(unsigned_in());
  c->callback([size, secs, seed] { check(device::report_bench_device(*size, *secs, *seed), 2); });
}

void add_detect(CLI::App& bench) {
  auto cfg = std::make_shared<bio::DetectBenchConfig>();
  auto table = std::make_shared<bio::DetectTableArgs>();
  auto* c = bench.add_subcommand("detect", "spike-detection throughput, latency and quality vs SNR");
  c->add_option("--channels", cfg->channels, "channels")->capture_default_str();
  c->add_option("--rate", cfg->rate_hz, "sample rate, Hz")->capture_default_str();
  c->add_option("--seconds", cfg->seconds, "seconds of signal per repeat")->capture_default_str();
  c->add_option("--repeats", cfg->repeats, "repeats (best is reported)")->capture_default_str();
  c->add_option("--order", cfg->order, "band-pass order per edge")->capture_default_str();
  c->add_option("--block", cfg->block_s, "block size, s")->capture_default_str();
  c->add_option("--seed", cfg->seed, "seed")->capture_default_str()->check(unsigned_in());
  c->add_option("--table-seconds", table->seconds, "seconds of emulated culture per SNR row and seed (0: no table)")
      ->capture_default_str();
  c->add_option("--table-seeds", table->seeds, "recordings pooled per SNR row (seeds seed, seed+1, …)")
      ->capture_default_str();
  c->add_option("--threshold", table->k, "threshold k of the SNR tables")->capture_default_str();
  c->add_option("--diagnose", table->diagnose_snr,
                "instead of the tables: causes of misses and false positives with every unit at this SNR");
  c->callback([cfg, table] { check(bio::report_bench_detect(*cfg, *table), 2); });
}

void add_neurons(CLI::App& bench) {
  auto o = std::make_shared<silicon::NeuronBenchArgs>();
  auto* c = bench.add_subcommand("neurons", "CUBA network and AdEx/DPI real-time capacity vs Brian2 cpp_standalone");
  c->add_option("--cuba-seconds", o->cuba_s, "biological seconds of the CUBA network")->capture_default_str();
  c->add_option("--cuba-seeds", o->cuba_seeds, "CUBA runs (seeds seed, seed+1, ...); rates are averaged")
      ->capture_default_str();
  c->add_option("--capacity-neurons", o->capacity_neurons, "neurons in the capacity runs")->capture_default_str();
  c->add_option("--capacity-seconds", o->capacity_s, "biological seconds of the capacity runs")->capture_default_str();
  c->add_option("--repeats", o->repeats, "repeat each run (ion and Brian2), keep the minimum times")
      ->capture_default_str();
  c->add_option("--work-dir", o->work_dir, "where Brian2 builds its standalone projects")->capture_default_str();
  c->add_option("--seed", o->seed, "seed")->capture_default_str()->check(unsigned_in());
  c->add_flag("!--no-brian", o->brian, "skip the Brian2 baselines");
  c->callback([o] {
    const Status s = silicon::report_bench_neurons(*o);
    check(s, s.code() == Errc::invalid_argument ? 2 : 1);
  });
}

void add_link(CLI::App& bench) {
  auto o = std::make_shared<link::bench::BenchLinkArgs>();
  auto* c = bench.add_subcommand("link",
                                 "spike events/s and one-way latency through one authenticated link vs raw UDP");
  c->add_option("--seconds", o->seconds, "sending time of each throughput phase, s (0..60]")->capture_default_str();
  c->add_option("--latency-seconds", o->latency_seconds, "sending time of each latency phase, s (0..60]")
      ->capture_default_str();
  c->add_option("--rate", o->rate_hz, "offered rate of the latency phases, events/s")->capture_default_str();
  c->add_option("--burst", o->burst, "ion throughput: events pushed per loop iteration")->capture_default_str();
  c->add_option("--aead", o->aead,
                "both (XChaCha20-Poly1305, plus one AES-256-GCM throughput phase where the CPU has AES-NI), auto, "
                "xchacha20poly1305 or aes256gcm")
      ->capture_default_str()
      ->check(CLI::IsMember({"both", "auto", "xchacha20poly1305", "aes256gcm"}));
  c->add_flag("--json", o->json, "one JSON object instead of the table");
  c->callback([o] { check(link::bench::report_bench_link(*o), 1); });
}

void add_hub(CLI::App& bench) {
  auto o = std::make_shared<hub::bench::BenchHubArgs>();
  auto* c = bench.add_subcommand("hub", "plastic synaptic events/s through one hub core and bio->hub->silicon latency");
  c->add_option("--core-seconds", o->core_seconds, "time of each in-process phase, s (0..60]")->capture_default_str();
  c->add_option("--seconds", o->seconds, "sending time of each networked throughput phase, s (0..60]")
      ->capture_default_str();
  c->add_option("--latency-seconds", o->latency_seconds, "sending time of each latency phase, s (0..60]")
      ->capture_default_str();
  c->add_option("--rate", o->rate_hz, "offered spike rate of the latency phases, events/s")->capture_default_str();
  c->add_option("--burst", o->burst, "networked throughput: spikes pushed per loop iteration")->capture_default_str();
  c->add_option("--synapses", o->synapses,
                "synapses in the ring (2..1048576; a 32 x 32 crossbar up to 1024, 1024 x 1024 above)")
      ->capture_default_str();
  c->add_flag("--json", o->json, "one JSON object instead of the table");
  c->add_flag("--monitor", o->monitor,
              "also run the hub phases with a read-only monitor attached and print both (same run)");
  c->add_option("--monitor-rate", o->monitor_rate,
                "with --monitor: the feed's rate limit, records/s (an experiment's max_record_rate; 1..1e7)")
      ->capture_default_str();
  c->add_option("--hub-threads", o->hub_threads,
                "2: also run the hub with HubCore on a second thread (1-thread hub measured in the same run)")
      ->capture_default_str();
  c->callback([o] { check(hub::bench::report_bench_hub(*o), 1, "bench hub: "); });
}

void add_scale(CLI::App& bench) {
  auto o = std::make_shared<scale::bench::BenchScaleArgs>();
  auto* c = bench.add_subcommand("scale", "how cost grows: hub vs synapses and peers, memory, sim runs vs size");
  c->add_option("--sizes", o->sizes, "synapses of the synapses table, comma-separated (default 1e3,1e4,1e5,1e6)");
  c->add_option("--peers", o->peers, "peers of the peers table, comma-separated (default 2,4,8,16,32,64)");
  c->add_option("--sites", o->sites, "sites of the run table, comma-separated (2..64; default 2..64 and size rows)");
  c->add_option("--tables", o->tables, "subset of synapses,peers,loopback,memory,run (default all)");
  c->add_option("--host", o->host, "local address of the loopback table's sockets")->capture_default_str();
  c->add_option("--seconds", o->seconds, "time bound of each in-process point, s (0..60]")->capture_default_str();
  c->add_option("--seed", o->seed, "seed of the generated experiments")->capture_default_str()->check(unsigned_in());
  c->add_flag("--quick", o->quick, "tiny sizes (a smoke run in seconds)");
  c->add_flag("--json", o->json, "one JSON object instead of the tables");
  c->add_option("--svg", o->svg_dir, "also write the curves as SVG plots into this directory");
  c->add_option("--write-experiments", o->experiments_dir,
                "write the run table's generated experiments into this directory and run nothing");
  c->callback([o] {
    const Status s = scale::bench::report_bench_scale(*o);
    const bool usage = s.code() == Errc::invalid_argument || s.code() == Errc::out_of_range;
    check(s, usage ? 2 : 1, "bench scale: ");
  });
}

}  // namespace

void add_bench_command(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "benchmarks (each measures its baseline in the same run)");
  bench->require_subcommand(1);
  add_device(*bench);
  add_detect(*bench);
  add_neurons(*bench);
  add_link(*bench);
  add_hub(*bench);
  add_scale(*bench);
}

}  // namespace ion::cli
