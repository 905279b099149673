// SPDX-License-Identifier: Apache-2.0
#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "cli/status_view.hpp"

namespace ion::cli {
namespace {

constexpr Duration kRedrawEvery = 100 * kMillisecond;

Time steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  auto v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1000 && u + 1 < std::size(kUnits)) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.3g %s", v, kUnits[u]);
  return buf;
}

std::string format_progress_line(const std::string& label, uint64_t done, uint64_t total, size_t columns, bool bytes) {
  const double frac = total == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  char pct[16];
  std::snprintf(pct, sizeof pct, "%3.0f%%", frac * 100);
  const std::string tail = std::string("  ") + pct +
                           (bytes ? "  " + format_bytes(done) + " / " + format_bytes(total) : std::string());
  const size_t width = std::max<size_t>(columns, 2) - 1;
  const size_t fixed = display_width(label) + 4 + display_width(tail);
  const size_t bar = width > fixed + 10 ? std::min<size_t>(30, width - fixed) : 0;
  std::string line = label;
  if (bar > 0) {
    const auto full = static_cast<size_t>(std::lround(frac * static_cast<double>(bar)));
    line += "  [";
    for (size_t i = 0; i < bar; ++i) line += i < full ? "\u2588" : "\u2591";
    line += "]";
  }
  line += tail;
  if (display_width(line) <= width) return line;
  return (label + " " + pct).substr(0, width);  // a very narrow terminal: the percentage only
}

ProgressBar::ProgressBar(std::FILE* out, std::string label, bool quiet, bool bytes)
    : out_(out), label_(std::move(label)), active_(!quiet && isatty(fileno(out)) != 0), bytes_(bytes) {}

ProgressBar::~ProgressBar() {
  if (!drawn_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
}

void ProgressBar::update(uint64_t done, uint64_t total) {
  if (!active_) return;
  const int64_t permille = total == 0 ? 1000
                                      : static_cast<int64_t>(std::min<uint64_t>(done, total) * 1000 /
                                                             std::max<uint64_t>(total, 1));
  const Time now = steady_ns();
  if (permille == permille_ || (drawn_ && now - last_ns_ < kRedrawEvery && permille < 1000)) return;
  permille_ = permille;
  last_ns_ = now;
  const std::string line = format_progress_line(label_, done, total, terminal_columns(fileno(out_)), bytes_);
  std::fprintf(out_, "\r\033[K%s", line.c_str());
  std::fflush(out_);
  drawn_ = true;
}

}  // namespace ion::cli
