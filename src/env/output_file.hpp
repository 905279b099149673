// SPDX-License-Identifier: Apache-2.0
#pragma once
// The OutputFile shared by RealEnv and SimEnv: a real file opened O_APPEND, with a small user-space
// buffer (appends up to kBufferBytes are coalesced; flush() writes them, sync() also fdatasyncs).
#include <memory>
#include <string>

#include "env/env.hpp"

namespace ion {

// Opens `path` for appending, creating missing parent directories. Errors name the path and the
// OS reason. The file is flushed (not synced) when the object is destroyed.
Result<std::unique_ptr<OutputFile>> open_append_file(const std::string& path);

// `path` if it is absolute or `root` is empty, otherwise root/path.
std::string resolve_output_path(const std::string& root, const std::string& path);

}  // namespace ion
