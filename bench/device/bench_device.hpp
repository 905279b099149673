// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion bench device`: pulse updates per second per core for each model on an n×n
// SimulatedCrossbar whose cells start in random states, pulsing cells in a random order
// (alternating polarity each pass). The baseline, measured in the same run over the same
// random cell order, is a plain read-modify-write of one double per cell. Time is the
// thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so the rates are per core even on a busy machine.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace ion::device {

struct BenchRow {
  std::string name;  // model name or "baseline"
  bool closed_form;
  uint64_t updates;
  double seconds;  // thread CPU seconds
  double updates_per_s;
  double ratio_to_baseline;  // updates_per_s / baseline updates_per_s
};

// REQUIRES: 1 <= n <= 4096, min_seconds > 0. Single-threaded.
std::vector<BenchRow> bench_device(uint32_t n, double min_seconds, uint64_t seed);

// `ion bench device`: checks size (1..4096) and seconds ((0, 60]) → invalid_argument naming the
// option, then prints the rows of bench_device as a table on stdout.
Status report_bench_device(uint32_t size, double seconds, uint64_t seed);

}  // namespace ion::device
