// SPDX-License-Identifier: Apache-2.0
#pragma once
// A progress bar for long work on a terminal ("merging logs  [██████░░░░░░]  45%  12.3 MB / 27 MB"),
// redrawn in place on one line and erased when done. Silent when the stream is not a terminal:
// a pipe or a file gets no partial lines.
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/time.hpp"

namespace ion::cli {

// "12.3 MB": bytes in decimal units (B, kB, MB, GB), three significant digits.
std::string format_bytes(uint64_t bytes);
// One line of at most columns - 1 display columns, no escape codes. With bytes, done and total
// are shown as sizes after the percentage; else (steps of some work) the percentage only.
std::string format_progress_line(const std::string& label, uint64_t done, uint64_t total, size_t columns,
                                 bool bytes = true);

class ProgressBar {
 public:
  // Draws only when `out` is a terminal (and not `quiet`). `bytes`: as format_progress_line.
  ProgressBar(std::FILE* out, std::string label, bool quiet = false, bool bytes = true);
  ~ProgressBar();  // erases the bar
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  // Redraws when the shown permille changed and at most every 100 ms.
  void update(uint64_t done, uint64_t total);

 private:
  std::FILE* out_;
  std::string label_;
  bool active_;
  bool bytes_;
  bool drawn_ = false;
  int64_t permille_ = -1;
  Time last_ns_ = 0;
};

}  // namespace ion::cli
