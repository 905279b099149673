// SPDX-License-Identifier: Apache-2.0
// The terminal status of a run (src/cli/status_view.hpp): at 40, 100 and 200 columns the block
// has at most 4 lines, each narrower than the terminal, with the elapsed / total time in human
// units, the phase, rates, weights ("—" before the first read-back) and link health; the compact
// line for a pipe is at most 100 columns without escape codes; a view on a file writes compact
// lines only every 5 s of experiment time.
#include <gtest/gtest.h>

#include <cstdio>

#include "../common/test_files.hpp"
#include "cli/progress_bar.hpp"
#include "cli/status_view.hpp"

using namespace ion;
using namespace ion::literals;
using cli::display_width;
using site::NodeStatus;

namespace {

NodeStatus site_status(const std::string& name, const std::string& role) {
  NodeStatus s;
  s.site = name;
  s.role = role;
  s.state = "running";
  s.t_ns = 12'400'000'000;
  s.duration_ns = 40_s;
  s.links = {{"other", true, 1, 0.001, 2'100'000, 0}};
  return s;
}

cli::ViewFrame frame(bool read) {
  cli::ViewFrame f;
  f.t = 12'437'000'000;
  f.total = 40_s;
  NodeStatus zurich = site_status("zurich", "silicon");
  zurich.neurons = {{"ANpre", 29.84}, {"ANpost", 2.0}};
  NodeStatus hub = site_status("southampton", "hub");
  hub.synapses = {{"ABsyn", std::nullopt, std::nullopt, 0, 0}, {"BAsyn", std::nullopt, std::nullopt, 0, 0}};
  if (read) hub.synapses[0] = {"ABsyn", 0.2912, 14000, 3, 1};
  NodeStatus padova = site_status("padova", "bio");
  padova.neurons = {{"BN", 1.5}};
  padova.interlock = site::InterlockStatus{44, 0, 0};
  f.sites = {zurich, hub, padova};
  return f;
}

const std::vector<cli::ViewPhase> kPhases = {
    {0, 10_s, "ANpre 10 Hz"}, {10_s, 20_s, "ANpre 30 Hz"}, {20_s, 30_s, "ANpre 10 Hz"}, {30_s, 40_s, "ANpre 2 Hz"}};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

TEST(StatusView, BlockFitsEveryWidthInAtMostFourLines) {
  for (size_t columns : {40u, 100u, 200u}) {
    const auto lines = cli::format_status_block(frame(true), kPhases, columns);
    ASSERT_GE(lines.size(), 1u);
    EXPECT_LE(lines.size(), 4u) << columns;
    for (const auto& l : lines) {
      EXPECT_LT(display_width(l), columns) << columns << ": " << l;
      EXPECT_FALSE(has(l, "\n") || has(l, "\033")) << l;
    }
    EXPECT_EQ(lines[0].rfind("12.4 s / 40 s", 0), 0u) << lines[0];
  }
}

TEST(StatusView, BlockAt100ColumnsShowsPhaseRatesWeightsAndLinks) {
  const std::string all = joined(cli::format_status_block(frame(true), kPhases, 100));
  for (const char* part :
       {"12.4 s / 40 s", "phase 2/4 ANpre 30 Hz", "ANpre 29.8 Hz", "ANpost 2.0 Hz", "BN 1.5 Hz",
        "ABsyn w 0.29 LTP 3 LTD 1", "BAsyn w \u2014", "links 3/3 up", "rtt \u2264 2.1 ms", "zurich running"})
    EXPECT_TRUE(has(all, part)) << part << " missing in\n" << all;
  // At 200 columns nothing is cut.
  const std::string wide = joined(cli::format_status_block(frame(true), kPhases, 200));
  EXPECT_FALSE(has(wide, "\u2026")) << wide;
  EXPECT_TRUE(has(wide, "southampton running") && has(wide, "padova running")) << wide;
}

TEST(StatusView, AWeightNeverReadShowsAsADashNotZero) {
  for (size_t columns : {40u, 100u, 200u}) {
    const std::string all = joined(cli::format_status_block(frame(false), kPhases, columns));
    EXPECT_FALSE(has(all, "0.00")) << all;
    if (columns >= 100) {
      EXPECT_TRUE(has(all, "ABsyn w \u2014 LTP 0 LTD 0")) << all;
    }
  }
  const std::string line = cli::format_compact_line(frame(false), kPhases);
  EXPECT_TRUE(has(line, "ABsyn \u2014 BAsyn \u2014")) << line;
  EXPECT_FALSE(has(line, "0.00")) << line;
}

TEST(StatusView, CompactLineIsShortAndPlain) {
  cli::ViewFrame big = frame(true);
  for (int i = 0; i < 20; ++i) big.sites[0].neurons.push_back({"N" + std::to_string(i), 5.0});
  for (const auto& f : {frame(true), frame(false), big}) {
    const std::string line = cli::format_compact_line(f, kPhases);
    EXPECT_LE(display_width(line), 100u) << line;
    EXPECT_FALSE(has(line, "\033") || has(line, "\n") || has(line, "\r")) << line;
    EXPECT_EQ(line.rfind("[12.4 s / 40 s] phase 2/4", 0), 0u) << line;
  }
}

TEST(StatusView, WarmUpAndStartingSites) {
  cli::ViewFrame f;
  f.t = -2_s;
  f.total = 40_s;
  f.sites = {site::starting_status("zurich"), site::starting_status("padova")};
  const auto lines = cli::format_status_block(f, kPhases, 100);
  const std::string all = joined(lines);
  EXPECT_TRUE(has(all, "0 s / 40 s") && has(all, "warm-up") && has(all, "zurich starting")) << all;
  EXPECT_LE(lines.size(), 4u);
}

TEST(StatusView, OnAFileOneCompactLineEveryFiveSeconds) {
  const std::string dir = ion::testing::fresh_test_dir("test-runs", "status-view-file");
  const std::string path = dir + "/out.txt";
  std::FILE* out = std::fopen(path.c_str(), "w");
  ASSERT_NE(out, nullptr);
  {
    cli::StatusView view(out, false, kPhases);
    EXPECT_FALSE(view.tty());
    cli::ViewFrame f = frame(true);
    for (Time t = -2_s; t <= 16_s; t += 1_s) {
      f.t = t;
      view.update(f);
    }
  }
  std::fclose(out);
  const std::string text = ion::testing::file_contents(path);
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 5u) << text;  // the warm-up (−2 s), then at 0, 5, 10 and 15 s
  EXPECT_FALSE(has(text, "\033") || has(text, "\r")) << text;
}

TEST(StatusView, QuietWritesNothing) {
  const std::string dir = ion::testing::fresh_test_dir("test-runs", "status-view-quiet");
  const std::string path = dir + "/out.txt";
  std::FILE* out = std::fopen(path.c_str(), "w");
  ASSERT_NE(out, nullptr);
  {
    cli::StatusView view(out, true, kPhases);
    view.update(frame(true));
  }
  std::fclose(out);
  EXPECT_EQ(ion::testing::file_contents(path), "");
}

TEST(ProgressBar, LineFitsEveryWidthWithPercentAndBytes) {
  EXPECT_EQ(cli::format_bytes(999), "999 B");
  EXPECT_EQ(cli::format_bytes(12'345'678), "12.3 MB");
  EXPECT_EQ(cli::format_bytes(27'000'000'000), "27 GB");
  for (size_t columns : {20u, 40u, 100u, 200u}) {
    const std::string line = cli::format_progress_line("merging logs", 12'345'678, 27'000'000, columns);
    EXPECT_LT(display_width(line), columns) << line;
    EXPECT_FALSE(has(line, "\033") || has(line, "\n") || has(line, "\r")) << line;
    EXPECT_TRUE(has(line, "46%")) << line;
    if (columns >= 100) {
      EXPECT_TRUE(has(line, "12.3 MB / 27 MB") && has(line, "\u2588")) << line;
    }
  }
  EXPECT_TRUE(has(cli::format_progress_line("x", 0, 0, 100), "100%"));  // nothing to read: done
}

TEST(StatusView, MonitorDropsShowOnlyWhenNonZero) {
  cli::ViewFrame f = frame(true);
  f.sites[1].monitors = {{"mon", true, 100, 0, 0}};
  EXPECT_FALSE(has(joined(cli::format_status_block(f, kPhases, 200)), "monitor")) << "nothing dropped: not shown";
  f.sites[1].monitors[0].dropped = 12;
  f.sites[2].monitors = {{"mon", true, 5, 3, 0}};
  const std::string all = joined(cli::format_status_block(f, kPhases, 100));
  EXPECT_TRUE(has(all, "monitor: 15 dropped")) << all;
  EXPECT_TRUE(has(all, "links 3/3 up")) << all;
}

TEST(ProgressBar, StepsShowThePercentageWithoutBytes) {
  for (size_t columns : {20u, 40u, 100u}) {
    const std::string line = cli::format_progress_line("reading x.h5", 3500, 7000, columns, false);
    EXPECT_LT(display_width(line), columns) << line;
    EXPECT_TRUE(has(line, "50%")) << line;
    EXPECT_FALSE(has(line, " B") || has(line, "kB")) << line;
  }
}

TEST(ProgressBar, NotATerminalWritesNothing) {
  const std::string dir = ion::testing::fresh_test_dir("test-runs", "progress-bar-file");
  const std::string path = dir + "/out.txt";
  std::FILE* out = std::fopen(path.c_str(), "w");
  ASSERT_NE(out, nullptr);
  {
    cli::ProgressBar bar(out, "merging logs");
    for (uint64_t i = 0; i <= 100; ++i) bar.update(i, 100);
  }
  std::fclose(out);
  EXPECT_EQ(ion::testing::file_contents(path), "");
}

}  // namespace
