// SPDX-License-Identifier: Apache-2.0
// Damaged experiment files never crash the loader: every truncation of the built-in file and
// seeded random byte edits either load or give diagnostics with positions inside the text.
// (Run under ION_SANITIZE=address,undefined for memory errors.)
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/prng.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"

namespace ion::experiment {
namespace {

int line_count(const std::string& text) { return 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

// Loads `text`; checks the outcome is consistent (ok ⇔ no diagnostics, positions in range).
void check_consistent(const std::string& text, const std::string& what) {
  Diagnostics d;
  auto r = load_experiment_text(text, "m.toml", &d);
  EXPECT_EQ(r.is_ok(), d.empty()) << what;
  for (const auto& diag : d) {
    EXPECT_GE(diag.line, 1) << what << ": " << diag.to_string();
    EXPECT_LE(diag.line, line_count(text) + 1) << what << ": " << diag.to_string();
    EXPECT_FALSE(diag.message.empty()) << what;
  }
}

TEST(Robustness, EveryTruncationOfTheBuiltinIsHandled) {
  const std::string full(builtin_experiment_text());
  // Until the first site has its address (up to its closing quote; a comment may follow) the
  // prefix cannot be a valid experiment.
  const std::string first_address = "address = \"127.0.0.1\"";
  ASSERT_NE(full.find(first_address), std::string::npos);
  const size_t first_site_done = full.find(first_address) + first_address.size();
  for (size_t n = 0; n <= full.size(); ++n) {
    std::string cut = full.substr(0, n);
    check_consistent(cut, "truncated at " + std::to_string(n));
    if (n < first_site_done - 1) {
      EXPECT_FALSE(load_experiment_text(cut, "m.toml").is_ok()) << n;
    }
  }
  EXPECT_TRUE(load_experiment_text(full, "m.toml").is_ok());
}

TEST(Robustness, RandomByteEditsAreHandled) {
  const std::string full(builtin_experiment_text());
  Rng rng = Rng::stream(12345, "test.experiment.mutate");
  const char alphabet[] = "[]{}=\",.-_0123456789azAZ \n#'\\";
  for (int i = 0; i < 1500; ++i) {
    std::string text = full;
    int edits = 1 + static_cast<int>(rng.below(4));
    for (int k = 0; k < edits; ++k) text[rng.below(text.size())] = alphabet[rng.below(sizeof alphabet - 1)];
    check_consistent(text, "mutation " + std::to_string(i));
  }
}

}  // namespace
}  // namespace ion::experiment
