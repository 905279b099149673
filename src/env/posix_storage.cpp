// SPDX-License-Identifier: Apache-2.0
#include "env/posix_storage.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ion {
namespace {

FileInfo info_of(const struct stat& st) {
  FileInfo i;
  i.exists = true;
  i.regular = S_ISREG(st.st_mode);
  i.directory = S_ISDIR(st.st_mode);
  i.size = static_cast<uint64_t>(st.st_size);
  i.mode = static_cast<uint32_t>(st.st_mode & 07777);
  i.uid = static_cast<uint32_t>(st.st_uid);
  return i;
}

class PosixOutputFile final : public OutputFile {
 public:
  PosixOutputFile(int fd, std::string path, uint64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}
  ~PosixOutputFile() override { ::close(fd_); }
  PosixOutputFile(const PosixOutputFile&) = delete;
  PosixOutputFile& operator=(const PosixOutputFile&) = delete;

  Status append(std::span<const uint8_t> bytes) override {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return storage_error(StorageOp::write, path_, errno);
      if (n == 0) return storage_error(StorageOp::write, path_, EIO);  // no progress: never loop forever
      done += static_cast<size_t>(n);
      size_ += static_cast<uint64_t>(n);
    }
    return Status::ok();
  }
  Status sync() override {
    if (::fdatasync(fd_) != 0) return storage_error(StorageOp::sync, path_, errno);
    return Status::ok();
  }
  Status truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return storage_error(StorageOp::truncate, path_, errno);
    size_ = size;
    return Status::ok();
  }
  uint64_t size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
  uint64_t size_;
};

class PosixInputFile final : public InputFile {
 public:
  PosixInputFile(int fd, std::string path, FileInfo info) : fd_(fd), path_(std::move(path)), info_(info) {}
  ~PosixInputFile() override { ::close(fd_); }
  PosixInputFile(const PosixInputFile&) = delete;
  PosixInputFile& operator=(const PosixInputFile&) = delete;

  Result<size_t> read_at(uint64_t offset, std::span<uint8_t> into) override {
    size_t done = 0;
    while (done < into.size()) {
      const ssize_t n = ::pread(fd_, into.data() + done, into.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return storage_error(StorageOp::read, path_, errno);
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }
  const FileInfo& info() const override { return info_; }
  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
  FileInfo info_;
};

// Steps after open(2) of a file for appending; on failure the caller closes fd.
Status prepare_append(int fd, const std::string& path, const AppendOptions& o, uint64_t& size) {
  if (o.exclusive && ::fchmod(fd, o.mode) != 0) return storage_error(StorageOp::open, path, errno);
  if (o.lock && ::flock(fd, LOCK_EX | LOCK_NB) != 0) return storage_error(StorageOp::lock, path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return storage_error(StorageOp::stat, path, errno);
  if (!S_ISREG(st.st_mode)) return error(Errc::invalid_argument, "cannot open " + path + ": not a regular file");
  size = static_cast<uint64_t>(st.st_size);
  return Status::ok();
}

}  // namespace

std::string PosixStorage::resolve(const std::string& path) const {
  if (root_.empty() || (!path.empty() && path[0] == '/')) return path;
  return root_ + "/" + path;
}

Result<std::unique_ptr<OutputFile>> PosixStorage::open_append(const std::string& rel, const AppendOptions& o) {
  if (rel.empty()) return error(Errc::invalid_argument, "cannot open a file with an empty path");
  const std::string path = resolve(rel);
  ION_TRY(make_dirs(parent_dir(path)));
  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (o.exclusive ? O_EXCL : 0);
  const int fd = ::open(path.c_str(), flags, static_cast<mode_t>(o.mode));
  if (fd < 0) return storage_error(StorageOp::open, path, errno);
  uint64_t size = 0;
  Status s = prepare_append(fd, path, o, size);
  if (!s) {
    ::close(fd);
    if (o.exclusive) ::unlink(path.c_str());  // we created it; leave nothing behind
    return s;
  }
  return std::unique_ptr<OutputFile>(new PosixOutputFile(fd, path, size));
}

Result<std::unique_ptr<InputFile>> PosixStorage::open_read(const std::string& rel) {
  const std::string path = resolve(rel);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return storage_error(StorageOp::open, path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = storage_error(StorageOp::stat, path, errno);
    ::close(fd);
    return s;
  }
  return std::unique_ptr<InputFile>(new PosixInputFile(fd, path, info_of(st)));
}

Result<FileInfo> PosixStorage::stat(const std::string& rel) {
  const std::string path = resolve(rel);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return FileInfo{};
    return storage_error(StorageOp::stat, path, errno);
  }
  return info_of(st);
}

Status PosixStorage::rename(const std::string& from, const std::string& to) {
  const std::string f = resolve(from), t = resolve(to);
  if (::rename(f.c_str(), t.c_str()) != 0) return storage_error(StorageOp::rename, f + " to " + t, errno);
  return Status::ok();
}

Status PosixStorage::remove(const std::string& rel) {
  const std::string path = resolve(rel);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return storage_error(StorageOp::remove, path, errno);
  return Status::ok();
}

Status PosixStorage::make_dirs(const std::string& rel) {
  const std::string dir = resolve(rel);
  if (dir.empty()) return Status::ok();  // the working directory
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    const std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0755) == 0 || errno == EEXIST) continue;
    return storage_error(StorageOp::mkdir, part, errno);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return error(Errc::io_error, "cannot create directory " + dir + ": a file of that name exists");
  return Status::ok();
}

Status PosixStorage::sync_dir(const std::string& rel) {
  const std::string dir = resolve(rel);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return storage_error(StorageOp::open, dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return storage_error(StorageOp::sync, dir, err);
  return Status::ok();
}

Storage& real_storage() {
  static PosixStorage storage;
  return storage;
}

}  // namespace ion
