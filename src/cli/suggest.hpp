// SPDX-License-Identifier: Apache-2.0
#pragma once
// "Did you mean ...?" for mistyped subcommands and options, scored as git does it
// (git's help.c, help_unknown_cmd, and levenshtein.c): a weighted Damerau–Levenshtein distance
// with swap 0, substitution 2, insertion 1, deletion 3, plus 1; a candidate that starts with what
// was typed scores 0. The best-scoring candidates are suggested if their score is below 7
// (git's SIMILARITY_FLOOR), and none when what was typed is a prefix of every candidate.
#include <string>
#include <string_view>
#include <vector>

namespace ion::cli {

// Cost of editing `from` into `to` with git's weights (swap 0, substitute 2, insert 1, delete 3).
int weighted_edit_distance(std::string_view from, std::string_view to);

// The candidates to suggest for `typed` (in the candidates' order; empty: nothing is close).
std::vector<std::string> suggest(std::string_view typed, const std::vector<std::string>& candidates);

// " did you mean 'run'?" / " did you mean one of 'run', 'report'?" / "" for no suggestion.
std::string did_you_mean(const std::vector<std::string>& suggestions);

}  // namespace ion::cli
