// SPDX-License-Identifier: Apache-2.0
#include "record/posix_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ion::record {
namespace {
Status os_error(const std::string& what, const std::string& path) {
  return error(Errc::io_error, what + " " + path + ": " + std::strerror(errno));
}
}  // namespace

Status make_parent_dirs(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return error(Errc::io_error, "cannot create directory " + parent.string() + ": " + ec.message());
  return Status::ok();
}

Result<std::unique_ptr<OutputFile>> PosixOutputFile::open(const std::string& path) {
  ION_TRY(make_parent_dirs(path));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return os_error("cannot open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = os_error("cannot stat", path);
    ::close(fd);
    return s;
  }
  return std::unique_ptr<OutputFile>(new PosixOutputFile(fd, path, static_cast<uint64_t>(st.st_size)));
}

PosixOutputFile::~PosixOutputFile() { ::close(fd_); }

Status PosixOutputFile::append(std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_error("cannot write", path_);
    done += static_cast<size_t>(n);
    size_ += static_cast<uint64_t>(n);
  }
  return Status::ok();
}

Status PosixOutputFile::sync() {
  if (::fdatasync(fd_) != 0) return os_error("cannot sync", path_);
  return Status::ok();
}

Result<uint64_t> file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return error(Errc::not_found, "no such file " + path);
    return os_error("cannot stat", path);
  }
  return static_cast<uint64_t>(st.st_size);
}

Status truncate_file(const std::string& path, uint64_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open", path);
  Status s;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) s = os_error("cannot truncate", path);
  if (s.is_ok() && ::fdatasync(fd) != 0) s = os_error("cannot sync", path);
  ::close(fd);
  return s;
}

}  // namespace ion::record
