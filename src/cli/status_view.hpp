// SPDX-License-Identifier: Apache-2.0
#pragma once
// The terminal status of a run, from the sites' NodeStatus (node/status.hpp).
// On a terminal: a block of at most 4 lines that fits the terminal's width (TIOCGWINSZ, 100 when
// unknown), redrawn in place with "\033[<n>A\033[J":
//   12.4 s / 40 s  [██████░░░░░░░░░░]  31%  phase 2/4 ANpre 30 Hz
//   rates  ANpre 29.8 Hz · ANpost 2.0 Hz · BN 1.5 Hz
//   syn    ABsyn w 0.29 LTP 3 LTD 1 · BAsyn w — LTP 0 LTD 0
//   sites  zurich running · southampton running · padova running   links 4/4 up, loss 0.0%, rtt ≤ 2.1 ms
// Not a terminal: one compact line of at most 100 characters, no escape codes, once during the
// warm-up and then every 5 s of experiment time:
//   [12.4 s / 40 s] phase 2/4 ANpre 30 Hz | ABsyn 0.29 +3-1 BAsyn — | ANpre 29.8Hz ANpost 2.0Hz BN 1.5Hz
// ("| 2/3 running" after the phase while not every site runs). A weight never read shows as "—".
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "experiment/model.hpp"
#include "node/status.hpp"

namespace ion::cli {

// A phase of the experiment for the header ("phase 2/4 ANpre 30 Hz").
struct ViewPhase {
  Time start_ns = 0, end_ns = 0;
  std::string label;  // "ANpre 30 Hz", or "" when the experiment has no schedule
};

// The experiment's phases as the report defines them (report::phase_windows): the pacemaker's
// schedule, labelled "ANpre 30 Hz"; one unlabelled phase without a schedule.
std::vector<ViewPhase> view_phases(const experiment::Experiment& e);

struct ViewFrame {
  Time t = 0;          // experiment time
  Duration total = 0;  // the experiment's duration
  std::vector<site::NodeStatus> sites;
};

// The block for a terminal `columns` wide: 1 to 4 lines, each at most columns - 1 columns (the
// last column is left free so that no terminal wraps), no newlines.
std::vector<std::string> format_status_block(const ViewFrame& f, const std::vector<ViewPhase>& phases, size_t columns);
// The compact line for a pipe: at most 100 columns, no escape codes, no newline.
std::string format_compact_line(const ViewFrame& f, const std::vector<ViewPhase>& phases);
// Display columns of UTF-8 text (one per code point; names are taken as narrow characters).
size_t display_width(const std::string& s);
// The terminal width of `fd` (TIOCGWINSZ), 100 if it is not a terminal or reports 0.
size_t terminal_columns(int fd);

// Writes frames to `out` as the run goes: the block on a terminal, compact lines otherwise.
class StatusView {
 public:
  StatusView(std::FILE* out, bool quiet, std::vector<ViewPhase> phases);
  void update(const ViewFrame& f);
  bool tty() const { return tty_; }

 private:
  std::FILE* out_;
  bool quiet_;
  bool tty_;
  std::vector<ViewPhase> phases_;
  size_t drawn_ = 0;                // lines of the frame on screen (terminal)
  std::optional<int64_t> printed_;  // the slot of the last compact line (-1: the warm-up)
};

}  // namespace ion::cli
