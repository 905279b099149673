// SPDX-License-Identifier: Apache-2.0
#include "env/sim_storage.hpp"

#include <algorithm>

namespace ion {
namespace {

class SimOutputFile final : public OutputFile {
 public:
  SimOutputFile(SimStorage& owner, std::unique_ptr<OutputFile> real) : owner_(owner), real_(std::move(real)) {}

  Status append(std::span<const uint8_t> bytes) override {
    uint64_t allowed = bytes.size();
    const int err = owner_.check(StorageOp::write, path(), bytes.size(), &allowed);
    if (err == 0) return real_->append(bytes);
    ION_TRY(real_->append(bytes.first(static_cast<size_t>(allowed))));  // the part that fit
    return storage_error(StorageOp::write, path(), err);
  }
  Status sync() override {
    if (const int err = owner_.check(StorageOp::sync, path())) return storage_error(StorageOp::sync, path(), err);
    return real_->sync();
  }
  Status truncate(uint64_t size) override {
    if (const int err = owner_.check(StorageOp::truncate, path()))
      return storage_error(StorageOp::truncate, path(), err);
    return real_->truncate(size);
  }
  uint64_t size() const override { return real_->size(); }
  const std::string& path() const override { return real_->path(); }

 private:
  SimStorage& owner_;
  std::unique_ptr<OutputFile> real_;
};

class SimInputFile final : public InputFile {
 public:
  SimInputFile(SimStorage& owner, std::unique_ptr<InputFile> real) : owner_(owner), real_(std::move(real)) {}

  Result<size_t> read_at(uint64_t offset, std::span<uint8_t> into) override {
    if (const int err = owner_.check(StorageOp::read, path())) return storage_error(StorageOp::read, path(), err);
    return real_->read_at(offset, into);
  }
  const FileInfo& info() const override { return real_->info(); }
  const std::string& path() const override { return real_->path(); }

 private:
  SimStorage& owner_;
  std::unique_ptr<InputFile> real_;
};

}  // namespace

bool SimStorage::matches(const Rule& r, StorageOp op, const std::string& path) {
  const std::string& suffix = r.fault.path_suffix;
  return !r.spent && r.fault.op == op && path.size() >= suffix.size() &&
         path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int SimStorage::check(StorageOp op, const std::string& path, uint64_t bytes, uint64_t* allowed) {
  for (Rule& r : faults_) {
    if (!matches(r, op, path)) continue;
    const uint64_t left = r.fault.budget - r.used;
    const uint64_t need = op == StorageOp::write ? bytes : 1;
    if (need <= left) {
      r.used += need;
      continue;
    }
    if (allowed != nullptr) *allowed = std::min(*allowed, left);
    r.used = r.fault.budget;
    r.spent = r.fault.once;
    ++fired_;
    return r.fault.error;
  }
  return 0;
}

Result<std::unique_ptr<OutputFile>> SimStorage::open_append(const std::string& path, const AppendOptions& o) {
  const std::string real = resolve(path);
  if (const int err = check(StorageOp::open, real)) return storage_error(StorageOp::open, real, err);
  ION_TRY(make_dirs(parent_dir(real)));
  ION_TRY_ASSIGN(auto f, real_.open_append(real, o));
  return std::unique_ptr<OutputFile>(new SimOutputFile(*this, std::move(f)));
}

Result<std::unique_ptr<InputFile>> SimStorage::open_read(const std::string& path) {
  const std::string real = resolve(path);
  if (const int err = check(StorageOp::open, real)) return storage_error(StorageOp::open, real, err);
  ION_TRY_ASSIGN(auto f, real_.open_read(real));
  return std::unique_ptr<InputFile>(new SimInputFile(*this, std::move(f)));
}

Result<FileInfo> SimStorage::stat(const std::string& path) {
  const std::string real = resolve(path);
  if (const int err = check(StorageOp::stat, real)) return storage_error(StorageOp::stat, real, err);
  return real_.stat(real);
}

Status SimStorage::rename(const std::string& from, const std::string& to) {
  const std::string f = resolve(from), t = resolve(to);
  if (const int err = check(StorageOp::rename, t)) return storage_error(StorageOp::rename, f + " to " + t, err);
  return real_.rename(f, t);
}

Status SimStorage::remove(const std::string& path) {
  const std::string real = resolve(path);
  if (const int err = check(StorageOp::remove, real)) return storage_error(StorageOp::remove, real, err);
  return real_.remove(real);
}

Status SimStorage::make_dirs(const std::string& dir) {
  const std::string real = resolve(dir);
  if (const int err = check(StorageOp::mkdir, real)) return storage_error(StorageOp::mkdir, real, err);
  return real_.make_dirs(real);
}

Status SimStorage::sync_dir(const std::string& dir) {
  const std::string real = resolve(dir);
  if (const int err = check(StorageOp::sync, real)) return storage_error(StorageOp::sync, real, err);
  return real_.sync_dir(real);
}

}  // namespace ion
