// SPDX-License-Identifier: Apache-2.0
#pragma once
// Problems found while loading an experiment file. Every problem is collected (loading does not
// stop at the first one) and printed as  FILE:LINE:COL: key.path: message
// where the message says what was found and what was expected.
#include <string>
#include <string_view>
#include <vector>

#include "experiment/known_models.hpp"

namespace ion::experiment {

struct Diagnostic {
  std::string file;
  int line = 0;          // 1-based
  int col = 0;           // 1-based
  std::string key_path;  // "sites.hub.address", "neurons[1].drive.rate"; "" for syntax errors
  std::string message;

  // "FILE:LINE:COL: key.path: message" (the key path part is omitted when empty).
  std::string to_string() const;
};

// At most limits::kMaxDiagnostics problems are kept (a damaged or hostile file can produce one
// per line); the rest are counted and summarised in one last line.
class Diagnostics {
 public:
  void add(Diagnostic d);
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }  // kept diagnostics
  size_t dropped() const { return dropped_; }    // problems beyond the cap
  const std::vector<Diagnostic>& items() const { return items_; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  // Sorted by line then column (stable), as an editor would list them.
  void sort();
  // One diagnostic per line (and "... and N more problems" if some were dropped).
  std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
  size_t dropped_ = 0;
};

// Levenshtein distance (byte-wise, case-insensitive).
size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate if it is plausibly a typo of `word` (distance <= 2 and less than half
// the word), else "".
std::string_view did_you_mean(std::string_view word, NameList candidates);
// "\"a\", \"b\", \"c\"" — for "expected one of ..." messages.
std::string quoted_list(NameList names);

}  // namespace ion::experiment
