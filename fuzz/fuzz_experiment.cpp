// SPDX-License-Identifier: Apache-2.0
// Experiment loader (TOML text → validated Experiment). Properties: any text either loads or
// fails with at least one diagnostic and a non-empty message; it never crashes or throws.
// Inputs up to 64 KiB beyond the loader's own 1 MiB bound, so that both sides of the bound are
// explored (fuzz/make_large_inputs.py seeds 1 MB inputs with deep nesting and long keys).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "experiment/limits.hpp"
#include "experiment/load.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > ion::experiment::limits::kMaxFileBytes + 64 * 1024) return -1;  // -1: not added to the corpus
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ion::experiment::Diagnostics diags;
  auto r = ion::experiment::load_experiment_text(text, "fuzz.toml", &diags);
  if (!r) {
    ION_FUZZ_CHECK(!r.status().message().empty());
    ION_FUZZ_CHECK(!diags.empty());
  }
  return 0;
}
