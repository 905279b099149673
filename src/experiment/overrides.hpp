// SPDX-License-Identifier: Apache-2.0
#pragma once
// Keyed edits of an experiment file (`ion run --set KEY=VALUE`, ion.Experiment.set in Python),
// validated by the same loader. An edit replaces the value's text in place (comments, layout and
// every other line stay as written) or inserts the key into its table; the edited text is then
// loaded like any file, so every rule of docs/experiment.md applies to it.
//
// KEY is a dotted path as in the loader's diagnostics: `experiment.seed`, `sites.hub.address`,
// `links.default.loss`. An entry of an array of tables ([[neurons]], [[synapses]]) is named by its
// `name` (`synapses.ABsyn.plasticity.ltp_above`) or by its 0-based index (`synapses[0]...`,
// `synapses.0...`). A segment holding a dot is quoted: `neurons."a.b".model`.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "experiment/diagnostics.hpp"
#include "experiment/model.hpp"

namespace ion::experiment {

struct Override {
  std::string key;    // dotted key path as written by the user
  std::string value;  // a TOML value: 25, 0.5, true, "20s", [3, 7], { a = 1 }
};

// "KEY=VALUE" as given on a command line. VALUE is a TOML value; text that is not one is taken
// as a string, so `experiment.duration=20s` means "20s". Error: no '=' or an empty key.
Result<Override> parse_override(std::string_view arg);

struct EditedText {
  std::string text;
  std::vector<std::string> key_paths;  // per override, its key in the loader's form: synapses[0].plasticity
};

// Applies the overrides in order to TOML `text` (`name` is its file name in messages). Errors
// name the override: a key that does not resolve (which part, what exists there), a value that
// is not a TOML value, or a path through a value that is not a table.
Result<EditedText> apply_overrides(std::string_view text, std::string_view name, const std::vector<Override>& sets);

// Loads `text` with the overrides applied. The file itself is validated first (its problems keep
// their own FILE:LINE:COL); then the edited text is loaded, and a problem at an overridden key
// is reported at the override ("--set KEY=VALUE: key.path: message"). Every problem is listed.
Result<Experiment> load_with_overrides(std::string_view text, std::string_view name, const std::vector<Override>& sets,
                                       Diagnostics* diags = nullptr);

}  // namespace ion::experiment
