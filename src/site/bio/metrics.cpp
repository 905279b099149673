// SPDX-License-Identifier: Apache-2.0
#include "site/bio/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace ion::bio {

namespace {
bool by_channel_then_sample(const ChannelEvent& a, const ChannelEvent& b) {
  return a.channel != b.channel ? a.channel < b.channel : a.sample < b.sample;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    out.push_back(cell);
  }
  return out;
}

template <class T>
bool parse_int(const std::string& s, T& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

MatchResult match_spikes(std::vector<ChannelEvent> det, std::vector<ChannelEvent> truth, int64_t tol,
                         int64_t skip_before) {
  auto keep = [&](const ChannelEvent& e) { return e.sample >= skip_before; };
  std::erase_if(det, [&](const ChannelEvent& e) { return !keep(e); });
  std::erase_if(truth, [&](const ChannelEvent& e) { return !keep(e); });
  std::sort(det.begin(), det.end(), by_channel_then_sample);
  std::sort(truth.begin(), truth.end(), by_channel_then_sample);
  MatchResult m;
  size_t i = 0, j = 0;
  while (i < det.size() && j < truth.size()) {
    const auto& d = det[i];
    const auto& t = truth[j];
    if (d.channel != t.channel) {
      if (d.channel < t.channel) ++m.fp, ++i;
      else ++m.fn, ++j;
    } else if (d.sample < t.sample - tol) {
      ++m.fp, ++i;
    } else if (t.sample < d.sample - tol) {
      ++m.fn, ++j;
    } else {
      ++m.tp, ++i, ++j;
    }
  }
  m.fp += det.size() - i;
  m.fn += truth.size() - j;
  return m;
}

Result<std::vector<ChannelEvent>> read_events_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return error(Errc::not_found, fmt::format("cannot open {}", path));
  std::string line;
  if (!std::getline(in, line))
    return error(Errc::invalid_argument, fmt::format("{}: empty file (expected a CSV header)", path));
  const auto head = split_csv(line);
  const auto ch = std::find(head.begin(), head.end(), "channel");
  const auto sa = std::find(head.begin(), head.end(), "sample");
  if (ch == head.end() || sa == head.end())
    return error(Errc::invalid_argument,
                 fmt::format("{}:1: header \"{}\" lacks a \"channel\" or \"sample\" column", path, line));
  const auto ci = static_cast<size_t>(ch - head.begin()), si = static_cast<size_t>(sa - head.begin());
  std::vector<ChannelEvent> out;
  for (size_t ln = 2; std::getline(in, line); ++ln) {
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv(line);
    ChannelEvent e;
    if (cells.size() <= std::max(ci, si) || !parse_int(cells[ci], e.channel) || !parse_int(cells[si], e.sample))
      return error(Errc::invalid_argument,
                   fmt::format("{}:{}: expected integer channel and sample, got \"{}\"", path, ln, line));
    out.push_back(e);
  }
  return out;
}

}  // namespace ion::bio
