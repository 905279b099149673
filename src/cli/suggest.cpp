// SPDX-License-Identifier: Apache-2.0
#include "cli/suggest.hpp"

#include <algorithm>

namespace ion::cli {
namespace {

constexpr int kSwap = 0, kSubstitute = 2, kInsert = 1, kDelete = 3;
constexpr int kSimilarityFloor = 7;  // git's help.c: SIMILAR_ENOUGH(x) is x < 7

int score(std::string_view typed, std::string_view candidate) {
  if (candidate.substr(0, typed.size()) == typed) return 0;
  return weighted_edit_distance(typed, candidate) + 1;
}

}  // namespace

int weighted_edit_distance(std::string_view from, std::string_view to) {
  const size_t n = from.size(), m = to.size();
  // d[i][j]: cost of turning from[0, i) into to[0, j); kept as three rows (i-2, i-1, i).
  std::vector<int> before(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j) * kInsert;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i) * kDelete;
    for (size_t j = 1; j <= m; ++j) {
      int best = prev[j - 1] + (from[i - 1] == to[j - 1] ? 0 : kSubstitute);
      best = std::min({best, prev[j] + kDelete, cur[j - 1] + kInsert});
      if (i > 1 && j > 1 && from[i - 2] == to[j - 1] && from[i - 1] == to[j - 2])
        best = std::min(best, before[j - 2] + kSwap);
      cur[j] = best;
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::vector<std::string> suggest(std::string_view typed, const std::vector<std::string>& candidates) {
  std::vector<int> scores;
  for (const auto& c : candidates) scores.push_back(score(typed, c));
  // What was typed begins every candidate: too ambiguous to suggest one (as git).
  if (std::all_of(scores.begin(), scores.end(), [](int s) { return s == 0; })) return {};
  const int best = *std::min_element(scores.begin(), scores.end());
  std::vector<std::string> out;
  if (best >= kSimilarityFloor) return out;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (scores[i] == best) out.push_back(candidates[i]);
  return out;
}

std::string did_you_mean(const std::vector<std::string>& suggestions) {
  if (suggestions.empty()) return "";
  std::string out = suggestions.size() == 1 ? " did you mean " : " did you mean one of ";
  for (size_t i = 0; i < suggestions.size(); ++i) out += (i ? ", '" : "'") + suggestions[i] + "'";
  return out + "?";
}

}  // namespace ion::cli
