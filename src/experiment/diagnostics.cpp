// SPDX-License-Identifier: Apache-2.0
#include "experiment/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

#include "experiment/limits.hpp"

namespace ion::experiment {

std::string Diagnostic::to_string() const {
  std::string s = file + ":";
  if (line > 0) s += std::to_string(line) + ":" + std::to_string(col) + ":";
  s += " ";
  if (!key_path.empty()) s += key_path + ": ";
  return s + message;
}

void Diagnostics::add(Diagnostic d) {
  if (items_.size() < limits::kMaxDiagnostics) items_.push_back(std::move(d));
  else ++dropped_;
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.col < b.col;
  });
}

std::string Diagnostics::to_string() const {
  std::string s;
  for (const auto& d : items_) s += d.to_string() + "\n";
  if (dropped_ > 0) {
    s += items_.front().file + ": ... and " + std::to_string(dropped_) + " more problem" + (dropped_ == 1 ? "" : "s") +
         " (only the first " + std::to_string(items_.size()) + " are listed)\n";
  }
  return s;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      size_t next = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

std::string_view did_you_mean(std::string_view word, NameList candidates) {
  std::string_view best;
  size_t best_d = SIZE_MAX;
  for (auto c : candidates) {
    // Only distances <= 2 are ever suggested: skip the O(n·m) distance when lengths say it is more.
    if (c.size() > word.size() + 2 || word.size() > c.size() + 2) continue;
    size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  if (best_d <= 2 && best_d * 2 < std::max(word.size(), best.size())) return best;
  return {};
}

std::string quoted_list(NameList names) {
  std::string s;
  for (auto n : names) s += (s.empty() ? "\"" : ", \"") + std::string(n) + "\"";
  return s;
}

}  // namespace ion::experiment
