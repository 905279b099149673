// SPDX-License-Identifier: Apache-2.0
#pragma once
// Checked command-line values: an out-of-range integer is refused with the valid range instead of
// being wrapped (CLI11 reads "-1" into a uint64_t as 18446744073709551615), and durations go
// through core/units like the experiment file's ("8s" and "8 s" are the same).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace ion::cli {

// A CLI11 validator of the raw text: a decimal integer in [lo, hi], no sign, no wrap.
// Message: "found \"-1\", expected an integer in 0..18446744073709551615".
CLI::Validator unsigned_in(uint64_t lo = 0, uint64_t hi = std::numeric_limits<uint64_t>::max());

// `text` as a duration of at least `min_ns`; otherwise CliError (exit 2) naming `flag`, what was
// found and what is expected.
Duration duration_arg(std::string_view flag, std::string_view text, Duration min_ns = 0);

}  // namespace ion::cli
