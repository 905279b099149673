// SPDX-License-Identifier: Apache-2.0
#pragma once
// A tiny POSIX OutputFile (append-only) for tools and for logs opened without an Env,
// plus the few whole-file helpers the log reader and repair need.
#include <memory>
#include <string>

#include "core/status.hpp"
#include "env/env.hpp"

namespace ion::record {

class PosixOutputFile final : public OutputFile {
 public:
  // Opens `path` for appending; creates it (mode 0644) and its parent directories if missing.
  static Result<std::unique_ptr<OutputFile>> open(const std::string& path);
  ~PosixOutputFile() override;
  PosixOutputFile(const PosixOutputFile&) = delete;
  PosixOutputFile& operator=(const PosixOutputFile&) = delete;

  Status append(std::span<const uint8_t> bytes) override;  // write(2) loop; no user-space buffer
  Status flush() override { return Status::ok(); }          // append() already reached the OS
  Status sync() override;                                   // fdatasync(2)
  uint64_t size() const override { return size_; }

 private:
  PosixOutputFile(int fd, std::string path, uint64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}
  int fd_;
  std::string path_;
  uint64_t size_;
};

// Size of a regular file; not_found if it does not exist.
Result<uint64_t> file_size(const std::string& path);
// Truncates `path` to `size` bytes and syncs it.
Status truncate_file(const std::string& path, uint64_t size);
// Creates the parent directories of `path` (like mkdir -p of its dirname).
Status make_parent_dirs(const std::string& path);

}  // namespace ion::record
