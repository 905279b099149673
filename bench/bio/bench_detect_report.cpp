// SPDX-License-Identifier: Apache-2.0
// The report of `ion bench detect` (registered in src/cli/cmd_bench.cpp): detection throughput and
// latency against a convert-and-sum baseline, then quality against SNR (or, with --diagnose, the
// causes of misses at one SNR).
#include <cstdio>
#include <vector>

#include "bench/bio/bench_detect.hpp"

namespace ion::bio {
namespace {

// One SNR table: every row pools `t.seeds` recordings.
Status print_snr_table(const DetectBenchConfig& cfg, const DetectTableArgs& t, double spread) {
  const std::vector<double> snrs{3, 4, 5, 6, 7, 8, 10, 15, 20};
  std::vector<MatchResult> sum(snrs.size());
  for (int i = 0; i < t.seeds; ++i) {
    auto rows = run_snr_table(snrs, 16, t.seconds, cfg.seed + static_cast<uint64_t>(i), t.k, spread);
    if (!rows) return rows.status().prefixed("bench detect: ");
    for (size_t j = 0; j < snrs.size(); ++j) {
      sum[j].tp += (*rows)[j].m.tp;
      sum[j].fp += (*rows)[j].m.fp;
      sum[j].fn += (*rows)[j].m.fn;
    }
  }
  std::printf(
      "quality vs SNR (emulated culture, 16 ch, %.0f s × %d seed(s) from %llu, k %.2f, unit SNR in [snr, %.1f·snr]):\n",
      t.seconds, t.seeds, static_cast<unsigned long long>(cfg.seed), t.k, spread);
  std::printf("  snr  precision  recall  accuracy     tp    fp    fn\n");
  for (size_t j = 0; j < snrs.size(); ++j)
    std::printf("  %4.0f  %8.4f  %6.4f  %8.4f  %5llu %5llu %5llu\n", snrs[j], sum[j].precision(), sum[j].recall(),
                sum[j].accuracy(), static_cast<unsigned long long>(sum[j].tp),
                static_cast<unsigned long long>(sum[j].fp), static_cast<unsigned long long>(sum[j].fn));
  return Status::ok();
}

// `--diagnose SNR`: causes of misses and false positives, per seed and pooled.
Status print_diagnosis(const DetectBenchConfig& cfg, const DetectTableArgs& t, double snr) {
  std::printf(
      "diagnosis at SNR %.2f (every unit; 16 ch, %.0f s, k %.2f); misses = truth spikes with no "
      "detection within ±0.4 ms:\n",
      snr, t.seconds, t.k);
  std::printf(
      "  seed  precision recall    tp   fp   fn | miss: warm-up below σ-high overlap misaligned other"
      " | fp: near-spike noise | σ/σtrue (≥3 s) mean sd | trough/σtrue mean min max (n)\n");
  SnrDiagnosis sum;
  for (int i = 0; i < t.seeds; ++i) {
    const uint64_t seed = cfg.seed + static_cast<uint64_t>(i);
    auto d = diagnose_snr(snr, 16, t.seconds, seed, t.k);
    if (!d) return d.status().prefixed("bench detect: ");
    std::printf(
        "  %4llu  %8.4f %6.4f %5llu %4llu %4llu | %13llu %5llu %7llu %7llu %10llu %5llu | %14llu %5llu |"
        " %8.4f %6.4f | %6.3f %6.3f %6.3f (%llu)\n",
        static_cast<unsigned long long>(seed), d->m.precision(), d->m.recall(),
        static_cast<unsigned long long>(d->m.tp), static_cast<unsigned long long>(d->m.fp),
        static_cast<unsigned long long>(d->m.fn), static_cast<unsigned long long>(d->miss_warmup),
        static_cast<unsigned long long>(d->miss_below), static_cast<unsigned long long>(d->miss_sigma),
        static_cast<unsigned long long>(d->miss_overlap), static_cast<unsigned long long>(d->miss_misaligned),
        static_cast<unsigned long long>(d->miss_other), static_cast<unsigned long long>(d->fp_near_spike),
        static_cast<unsigned long long>(d->fp_noise), d->sigma_ratio_mean, d->sigma_ratio_sd, d->trough_mean,
        d->trough_min, d->trough_max, static_cast<unsigned long long>(d->troughs));
    sum.m.tp += d->m.tp, sum.m.fp += d->m.fp, sum.m.fn += d->m.fn;
    sum.miss_warmup += d->miss_warmup, sum.miss_below += d->miss_below, sum.miss_sigma += d->miss_sigma;
    sum.miss_overlap += d->miss_overlap, sum.miss_misaligned += d->miss_misaligned, sum.miss_other += d->miss_other;
    sum.fp_near_spike += d->fp_near_spike, sum.fp_noise += d->fp_noise;
  }
  std::printf("  all   %8.4f %6.4f %5llu %4llu %4llu | %13llu %5llu %7llu %7llu %10llu %5llu | %14llu %5llu |\n",
              sum.m.precision(), sum.m.recall(), static_cast<unsigned long long>(sum.m.tp),
              static_cast<unsigned long long>(sum.m.fp), static_cast<unsigned long long>(sum.m.fn),
              static_cast<unsigned long long>(sum.miss_warmup), static_cast<unsigned long long>(sum.miss_below),
              static_cast<unsigned long long>(sum.miss_sigma), static_cast<unsigned long long>(sum.miss_overlap),
              static_cast<unsigned long long>(sum.miss_misaligned), static_cast<unsigned long long>(sum.miss_other),
              static_cast<unsigned long long>(sum.fp_near_spike), static_cast<unsigned long long>(sum.fp_noise));
  return Status::ok();
}

}  // namespace

Status report_bench_detect(const DetectBenchConfig& cfg, const DetectTableArgs& table) {
  auto r = run_detect_bench(cfg);
  if (!r) return r.status().prefixed("bench detect: ");
  std::printf(
      "detect pipeline (band-pass order %d + MAD + threshold + alignment), %u channels at %.0f Hz, "
      "%.2f s of signal, best of %d:\n",
      cfg.order, cfg.channels, cfg.rate_hz, cfg.seconds, cfg.repeats);
  std::printf("  pipeline   %8.1f M samples/s per core\n", r->pipeline_sps / 1e6);
  std::printf("  baseline   %8.1f M samples/s (int16→float convert + sum, same samples)\n", r->baseline_sps / 1e6);
  std::printf("  ratio      %8.3f of baseline; real-time factor %.2f× for %u ch at %.0f Hz\n",
              r->pipeline_sps / r->baseline_sps, r->pipeline_sps / (cfg.channels * cfg.rate_hz), cfg.channels,
              cfg.rate_hz);
  std::printf("  block %.2f ms: processing median %.3f ms, p99 %.3f ms, max %.3f ms; %llu spikes\n", cfg.block_s * 1e3,
              r->block_ms_median, r->block_ms_p99, r->block_ms_max, static_cast<unsigned long long>(r->spikes));
  std::printf(
      "  latency peak sample → event out: median %.3f ms, p99 %.3f ms (block buffering + align window + processing)\n",
      r->latency_ms_median, r->latency_ms_p99);
  if (table.seconds <= 0) return Status::ok();
  if (table.seeds < 1 || table.seeds > 100) return error(Errc::invalid_argument, "--table-seeds must be 1..100");
  if (table.diagnose_snr > 0) return print_diagnosis(cfg, table, table.diagnose_snr);
  for (double spread : {1.0, 1.5})
    if (Status s = print_snr_table(cfg, table, spread); !s) return s;
  return Status::ok();
}

}  // namespace ion::bio
