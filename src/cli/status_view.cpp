// SPDX-License-Identifier: Apache-2.0
#include "cli/status_view.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "report/analysis.hpp"

namespace ion::cli {
namespace {

constexpr size_t kCompactColumns = 100;
constexpr Duration kCompactEvery = 5 * kSecond;
const char* const kDash = "\u2014";  // a weight not read yet
const char* const kSep = " \u00b7 ";

std::string printf_string(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// s cut to at most `width` display columns, ending in "…" when cut.
std::string fit(const std::string& s, size_t width) {
  if (display_width(s) <= width) return s;
  if (width == 0) return "";
  std::string out;
  size_t cols = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool starts = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts && ++cols > width - 1) break;
    out += s[i];
  }
  return out + "\u2026";
}

// head followed by as many items as fit in `width`, then "+N" for the rest.
std::string join_fitting(const std::string& head, const std::vector<std::string>& items, size_t width,
                         const std::string& sep = kSep) {
  std::string out = head;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string next = (i == 0 ? "" : sep) + items[i];
    const size_t room = i + 1 < items.size() ? display_width(" +" + std::to_string(items.size() - i - 1)) : 0;
    if (display_width(out + next) + room <= width) {
      out += next;
      continue;
    }
    const std::string rest = (i == 0 ? "+" : " +") + std::to_string(items.size() - i);
    return display_width(out + rest) <= width ? out + rest : fit(out, width);
  }
  return out;
}

// "12.4 s": experiment time to 0.1 s (never beyond the total, never below 0).
std::string elapsed(Time t, Duration total) {
  const Time shown = std::clamp<Time>(t, 0, total) / (100 * kMillisecond) * (100 * kMillisecond);
  return format_duration_human(shown);
}

std::string phase_text(Time t, const std::vector<ViewPhase>& phases, const ViewFrame& f) {
  bool any_running = false;
  for (const auto& s : f.sites) any_running = any_running || s.state == "running";
  if (!any_running && t <= 0) return "warm-up";
  if (t >= f.total) return "finishing";
  for (size_t i = 0; i < phases.size(); ++i)
    if (t >= phases[i].start_ns && t < phases[i].end_ns)
      return "phase " + std::to_string(i + 1) + "/" + std::to_string(phases.size()) +
             (phases[i].label.empty() ? "" : " " + phases[i].label);
  return "running";
}

std::string bar(Time t, Duration total, size_t width) {
  const double frac = total > 0 ? std::clamp(static_cast<double>(t) / static_cast<double>(total), 0.0, 1.0) : 0;
  const auto full = static_cast<size_t>(std::lround(frac * static_cast<double>(width)));
  std::string out = "[";
  for (size_t i = 0; i < width; ++i) out += i < full ? "\u2588" : "\u2591";
  return out + "] " + printf_string("%3.0f%%", frac * 100);
}

std::vector<std::string> rates(const ViewFrame& f, bool compact) {
  std::vector<std::string> out;
  for (const auto& s : f.sites)
    for (const auto& n : s.neurons)
      out.push_back(n.name + " " + printf_string(compact ? "%.1fHz" : "%.1f Hz", n.rate_hz));
  return out;
}

std::string weight(const site::SynapseStatus& y) { return y.weight ? printf_string("%.2f", *y.weight) : kDash; }

std::vector<std::string> synapses(const ViewFrame& f, bool compact) {
  std::vector<std::string> out;
  for (const auto& s : f.sites)
    for (const auto& y : s.synapses)
      out.push_back(compact ? y.name + " " + weight(y) +
                                  (y.ltp + y.ltd > 0 ? " +" + std::to_string(y.ltp) + "-" + std::to_string(y.ltd) : "")
                            : y.name + " w " + weight(y) + " LTP " + std::to_string(y.ltp) + " LTD " +
                                  std::to_string(y.ltd));
  return out;
}

// "links 4/4 up, loss 0.1%, rtt ≤ 2.1 ms" over every site's links ("" without links).
std::string link_health(const ViewFrame& f) {
  size_t n = 0, up = 0;
  double loss = 0;
  Duration rtt = 0;
  for (const auto& s : f.sites)
    for (const auto& l : s.links) {
      ++n;
      up += l.up ? 1 : 0;
      loss = std::max(loss, l.loss);
      rtt = std::max(rtt, l.rtt_ns);
    }
  if (n == 0) return "";
  std::string out = "links " + std::to_string(up) + "/" + std::to_string(n) + " up, loss \u2264 " +
                    printf_string("%.1f%%", loss * 100);
  const Duration shown = rtt >= kMicrosecond ? rtt / kMicrosecond * kMicrosecond : rtt;  // "6 us", not "6.379 us"
  return rtt > 0 ? out + ", rtt \u2264 " + format_duration_human(shown) : out;
}

// "monitor: 12 dropped" over every site's monitor feeds; "" while none dropped anything.
std::string monitor_drops(const ViewFrame& f) {
  uint64_t dropped = 0;
  for (const auto& s : f.sites)
    for (const auto& m : s.monitors) dropped += m.dropped;
  return dropped ? "monitor: " + std::to_string(dropped) + " dropped" : "";
}

std::vector<std::string> site_states(const ViewFrame& f) {
  std::vector<std::string> out;
  for (const auto& s : f.sites) out.push_back(s.site + " " + s.state + (s.failure ? ": " + *s.failure : ""));
  return out;
}

// "3/3 running": the sites in short.
std::string running_count(const ViewFrame& f) {
  size_t running = 0;
  for (const auto& s : f.sites) running += s.state == "running" ? 1 : 0;
  return std::to_string(running) + "/" + std::to_string(f.sites.size()) + " running";
}

// The sites and, at the end, the links' health (never cut for the sites' names).
std::string sites_line(const ViewFrame& f, size_t width) {
  std::string links = link_health(f);
  if (const std::string drops = monitor_drops(f); !drops.empty()) links += (links.empty() ? "" : ", ") + drops;
  const size_t taken = links.empty() ? 0 : display_width(links) + 3;
  const size_t room = width > taken ? width - taken : 0;
  std::string sites = join_fitting("sites  ", site_states(f), room);
  if (display_width(sites) < 20 && room < 40) sites = "sites " + running_count(f);
  return fit(links.empty() ? sites : sites + "   " + links, width);
}

std::string header(const ViewFrame& f, const std::vector<ViewPhase>& phases, size_t width) {
  const std::string time = elapsed(f.t, f.total) + " / " + format_duration_human(f.total);
  const std::string phase = phase_text(f.t, phases, f);
  const size_t bar_width = width >= 70 ? 20 : width >= 50 ? 10 : 0;
  const std::string b = bar_width ? "  " + bar(f.t, f.total, bar_width) : "";
  return fit(time + b + "  " + phase, width);
}

}  // namespace

std::vector<ViewPhase> view_phases(const experiment::Experiment& e) {
  std::string pacemaker;
  std::vector<ViewPhase> out;
  for (const auto& w : report::phase_windows(e, &pacemaker)) {
    std::string label;
    if (w.set_rate_hz) label = pacemaker + " " + printf_string("%.3g Hz", *w.set_rate_hz);
    out.push_back({w.start_ns, w.end_ns, label});
  }
  return out;
}

size_t display_width(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

size_t terminal_columns(int fd) {
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) return kCompactColumns;
  return ws.ws_col;
}

std::vector<std::string> format_status_block(const ViewFrame& f, const std::vector<ViewPhase>& phases, size_t columns) {
  const size_t width = std::max<size_t>(columns, 2) - 1;
  std::vector<std::string> lines{header(f, phases, width)};
  if (auto r = rates(f, false); !r.empty()) lines.push_back(join_fitting("rates  ", r, width));
  if (auto y = synapses(f, false); !y.empty()) lines.push_back(join_fitting("syn    ", y, width));
  lines.push_back(sites_line(f, width));
  return lines;
}

std::string format_compact_line(const ViewFrame& f, const std::vector<ViewPhase>& phases) {
  std::string out = "[" + elapsed(f.t, f.total) + " / " + format_duration_human(f.total) + "] " +
                    phase_text(f.t, phases, f);
  size_t running = 0;
  for (const auto& s : f.sites) running += s.state == "running" ? 1 : 0;
  if (running < f.sites.size()) out += " | " + running_count(f);  // said only when not all run
  for (const auto& group : {synapses(f, true), rates(f, true)}) {
    if (group.empty()) continue;
    out = join_fitting(out + " | ", group, kCompactColumns, " ");
  }
  return fit(out, kCompactColumns);
}

StatusView::StatusView(std::FILE* out, bool quiet, std::vector<ViewPhase> phases)
    : out_(out), quiet_(quiet), tty_(isatty(fileno(out)) != 0), phases_(std::move(phases)) {}

void StatusView::update(const ViewFrame& f) {
  if (quiet_) return;
  if (!tty_) {
    const int64_t slot = f.t < 0 ? -1 : f.t / kCompactEvery;  // the warm-up, then every 5 s
    if (printed_ && *printed_ >= slot) return;
    printed_ = slot;
    std::fprintf(out_, "%s\n", format_compact_line(f, phases_).c_str());
    std::fflush(out_);
    return;
  }
  const auto lines = format_status_block(f, phases_, terminal_columns(fileno(out_)));
  std::string frame = drawn_ > 0 ? "\033[" + std::to_string(drawn_) + "A\r\033[J" : "";
  for (const auto& l : lines) frame += l + "\n";
  std::fputs(frame.c_str(), out_);
  std::fflush(out_);
  drawn_ = lines.size();
}

}  // namespace ion::cli
