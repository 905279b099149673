// SPDX-License-Identifier: Apache-2.0
#pragma once
// SimStorage: real files (a PosixStorage under a root directory) with injected failures, so that
// full disks, I/O errors and failed syncs can be tested deterministically — in SimWorld runs
// (SimWorld::storage()) and in unit tests (construct one directly).
//
// A fault fires on the operations it names, for the paths it names, once its budget is used up:
//   StorageFault{StorageOp::write, "hub.ionlog", 4096, ENOSPC}
// lets 4096 more bytes be written to files whose path ends in "hub.ionlog"; the write that
// crosses that count is cut short there (the first bytes reach the file, as on a real full
// disk) and fails with "No space left on device", and so does every later write. For every other
// operation the budget counts calls: StorageFault{StorageOp::sync, "", 2, EIO} lets two syncs of
// any file succeed and fails the third and every later one. `once` makes a fault fire one time
// only (a transient error). Faults are checked in the order they were injected.
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "env/posix_storage.hpp"

namespace ion {

struct StorageFault {
  StorageOp op = StorageOp::write;
  std::string path_suffix;  // matches paths ending with this text ("" = every path)
  uint64_t budget = 0;      // write: bytes that still succeed; other ops: calls that still succeed
  int error = ENOSPC;       // the errno reported
  bool once = false;        // fire once, then let the operation succeed again
};

class SimStorage final : public Storage {
 public:
  explicit SimStorage(std::string root = "") : real_(std::move(root)) {}

  void inject(const StorageFault& f) { faults_.push_back(Rule{f, 0, false}); }
  void clear_faults() { faults_.clear(); }
  uint64_t faults_fired() const { return fired_; }

  using Storage::open_append;
  Result<std::unique_ptr<OutputFile>> open_append(const std::string& path, const AppendOptions& o) override;
  Result<std::unique_ptr<InputFile>> open_read(const std::string& path) override;
  Result<FileInfo> stat(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status make_dirs(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;

  std::string resolve(const std::string& path) const { return real_.resolve(path); }

  // For the files it returns: 0 to let the operation happen, else the errno to fail it with.
  // For writes, `bytes` is the request and `allowed` is set to how many bytes may go first.
  int check(StorageOp op, const std::string& path, uint64_t bytes = 0, uint64_t* allowed = nullptr);

 private:
  struct Rule {
    StorageFault fault;
    uint64_t used = 0;   // bytes (writes) or calls (other operations) let through so far
    bool spent = false;  // a `once` fault that has fired
  };
  static bool matches(const Rule& r, StorageOp op, const std::string& path);

  PosixStorage real_;
  std::vector<Rule> faults_;
  uint64_t fired_ = 0;
};

}  // namespace ion
