// SPDX-License-Identifier: Apache-2.0
#pragma once
// The real file system behind the Storage interface (contract in env/storage.hpp): the one place
// in ion that calls open/write/fdatasync/rename/flock on persisted files.
#include <string>

#include "env/storage.hpp"

namespace ion {

class PosixStorage final : public Storage {
 public:
  // Relative paths are resolved under `root` (empty: the working directory).
  explicit PosixStorage(std::string root = "") : root_(std::move(root)) {}

  using Storage::open_append;
  Result<std::unique_ptr<OutputFile>> open_append(const std::string& path, const AppendOptions& o) override;
  Result<std::unique_ptr<InputFile>> open_read(const std::string& path) override;
  Result<FileInfo> stat(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status make_dirs(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;

  // `path` if it is absolute or root is empty, otherwise root/path.
  std::string resolve(const std::string& path) const;

 private:
  std::string root_;
};

}  // namespace ion
