// SPDX-License-Identifier: Apache-2.0
#pragma once
// Bounds on an experiment file's raw text, checked before the TOML parser sees it (toml++ nests
// one table per dotted key part and recurses per nesting level: a 100 KB file with one key of
// 50 000 parts overflowed the stack). Limits in experiment/limits.hpp.
#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/status.hpp"
#include "experiment/diagnostics.hpp"

namespace ion::experiment {

// Checks size, nesting of arrays / inline tables and the dotted parts of every key or table
// header. On the first violation adds one diagnostic (FILE:LINE:COL of the offending place,
// with the limit and what was found) and returns false.
bool check_input_shape(std::string_view text, const std::string& file, Diagnostics& diags);

// Reads an experiment file without ever blocking or growing without bound: opens it
// non-blocking, refuses anything that is not a regular file (directory, FIFO, socket, character
// or block device, e.g. /dev/zero) by its type, and refuses more than limits::kMaxFileBytes
// (checked on the size and again while reading, for files whose size is not known up front).
// Error messages do not repeat the path.
Result<std::string> read_experiment_file(const std::string& path);

// "a directory", "a FIFO (named pipe)", "a character device", "a block device", "a socket",
// "a regular file" (for messages about a path of the wrong kind).
const char* file_type_name(mode_t mode);

}  // namespace ion::experiment
