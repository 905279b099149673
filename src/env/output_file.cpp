// SPDX-License-Identifier: Apache-2.0
#include "env/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace ion {
namespace {

constexpr size_t kBufferBytes = 64 * 1024;

class AppendFile final : public OutputFile {
 public:
  AppendFile(int fd, std::string path, uint64_t size) : fd_(fd), path_(std::move(path)), size_(size) {
    buf_.reserve(kBufferBytes);
  }
  ~AppendFile() override {
    (void)flush();
    ::close(fd_);
  }
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  Status append(std::span<const uint8_t> bytes) override {
    if (buf_.size() + bytes.size() > kBufferBytes) ION_TRY(flush());
    if (bytes.size() >= kBufferBytes) return write_all(bytes);
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    size_ += bytes.size();
    return {};
  }

  Status flush() override {
    if (buf_.empty()) return {};
    Status s = write_out(buf_);
    buf_.clear();
    return s;
  }

  Status sync() override {
    ION_TRY(flush());
    if (::fdatasync(fd_) != 0) return os_error("fdatasync");
    return {};
  }

  uint64_t size() const override { return size_; }

 private:
  Status write_all(std::span<const uint8_t> bytes) {
    size_ += bytes.size();
    return write_out(bytes);
  }

  // Writes every byte (retrying short writes and EINTR).
  Status write_out(std::span<const uint8_t> bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return os_error("write");
      done += static_cast<size_t>(n);
    }
    return {};
  }

  Status os_error(const char* what) const {
    return error(Errc::io_error, std::string(what) + " " + path_ + ": " + std::strerror(errno));
  }

  int fd_;
  std::string path_;
  uint64_t size_;
  std::vector<uint8_t> buf_;
};

}  // namespace

std::string resolve_output_path(const std::string& root, const std::string& path) {
  if (root.empty() || (!path.empty() && path[0] == '/')) return path;
  return (std::filesystem::path(root) / path).string();
}

Result<std::unique_ptr<OutputFile>> open_append_file(const std::string& path) {
  if (path.empty()) return error(Errc::invalid_argument, "output path is empty");
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    return error(Errc::io_error, "cannot create directory " + parent.string() + " for " + path + ": " +
                                     ec.message());
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return error(Errc::io_error, "cannot open " + path + " for appending: " + std::strerror(errno));
  struct stat st {};
  uint64_t size = (::fstat(fd, &st) == 0) ? static_cast<uint64_t>(st.st_size) : 0;
  return std::unique_ptr<OutputFile>(new AppendFile(fd, path, size));
}

}  // namespace ion
