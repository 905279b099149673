// SPDX-License-Identifier: Apache-2.0
#pragma once
// Benchmarks of the detection pipeline (used by `ion bench detect`): throughput on many channels
// against a plain convert-and-sum baseline over the same samples, per-block processing time and
// sample-in → event-out latency at a given block size, and detection quality against SNR.
#include <cstdint>
#include <vector>

#include "core/status.hpp"
#include "site/bio/detector.hpp"
#include "site/bio/metrics.hpp"

namespace ion::bio {

struct DetectBenchConfig {
  uint32_t channels = 4096;
  double rate_hz = 18000;
  double seconds = 1.0;  // of signal, processed `repeats` times (includes the ~40 ms noise warm-up)
  int repeats = 3;
  int order = 2;
  double block_s = 1e-3;
  uint64_t seed = 1;
};

struct DetectBenchResult {
  // Throughputs use this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so a loaded machine does not
  // distort "per core"; block times and latencies are wall-clock and do include preemption.
  double pipeline_sps = 0;  // samples (channel × row) per CPU second, best of repeats
  double baseline_sps = 0;  // int16 → float convert + sum over the same samples
  uint64_t samples = 0;
  uint64_t spikes = 0;                                             // spikes emitted in the last repeat
  double block_ms_median = 0, block_ms_p99 = 0, block_ms_max = 0;  // processing time per block
  double latency_ms_median = 0, latency_ms_p99 = 0;                // peak sample → event out (buffering incl.)
};

Result<DetectBenchResult> run_detect_bench(const DetectBenchConfig& cfg);

struct SnrRow {
  double snr = 0;
  MatchResult m;
};
// Emulated cultures with every unit at exactly `snr` (spread 1), detected with threshold k.
Result<std::vector<SnrRow>> run_snr_table(const std::vector<double>& snrs, uint32_t channels, double seconds,
                                          uint64_t seed, double threshold_k, double snr_spread = 1.0);

// Why spikes are missed or falsely detected at one SNR (every unit at exactly `snr`): the same
// seed is generated twice, once with spikes too small to render (so the very same noise), which
// gives each channel's true band noise σ and, by difference, the band-passed spikes alone.
struct SnrDiagnosis {
  MatchResult m;  // greedy one-to-one matching, as in the SNR tables
  // Truth spikes with no detection within ±0.4 ms, by cause (first that applies):
  uint64_t miss_warmup = 0;      // before the channel's first σ estimate
  uint64_t miss_below = 0;       // band-passed trough above k·σ_true and k·σ_detector
  uint64_t miss_sigma = 0;       // crossed k·σ_true but not k·σ_detector (σ read high)
  uint64_t miss_overlap = 0;     // another truth spike on the channel within 2.5 ms
  uint64_t miss_misaligned = 0;  // a detection within 1.6 ms but outside ±0.4 ms
  uint64_t miss_other = 0;
  // Detections with no truth spike within ±0.4 ms:
  uint64_t fp_near_spike = 0;  // a truth spike within 5 ms, or spike component > 1σ there
  uint64_t fp_noise = 0;
  // σ_detector / σ_true, sampled every 0.1 s from 3 s on (all channels), and its relative SD.
  double sigma_ratio_mean = 0, sigma_ratio_sd = 0;
  // Noise-free band-passed trough / σ_true of isolated truth spikes (none other within 4 ms).
  double trough_mean = 0, trough_min = 0, trough_max = 0;
  uint64_t troughs = 0;
};
Result<SnrDiagnosis> diagnose_snr(double snr, uint32_t channels, double seconds, uint64_t seed, double threshold_k);

// The quality part of `ion bench detect` (after its throughput and latency).
struct DetectTableArgs {
  double seconds = 10.0;  // of emulated culture per row and seed (0: no table)
  int seeds = 1;          // recordings per row: seeds seed, seed+1, …; counts are summed
  double k = DetectorConfig{}.threshold_k;
  double diagnose_snr = 0;  // > 0: print the causes of misses at this SNR instead of the tables
};
// Runs the benchmark and prints it on stdout. Errors: those of the runs ("bench detect: ..."), and
// invalid_argument for --table-seeds outside 1..100 (checked after the throughput part, as before).
Status report_bench_detect(const DetectBenchConfig& cfg, const DetectTableArgs& table);

}  // namespace ion::bio
