// SPDX-License-Identifier: Apache-2.0
// Test helper: a small tmpfs mounted on a fresh directory (a disk that really fills up), unmounted
// when the object goes. Mounting needs root (CAP_SYS_ADMIN); when it is not possible, reason()
// says why and the test skips with that reason printed.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ion::testing {

class Tmpfs {
 public:
  Tmpfs(const std::string& dir, size_t size_bytes) : dir_(dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    const std::string opts = "size=" + std::to_string(size_bytes) + ",mode=0755";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) != 0)
      reason_ = "cannot mount a tmpfs on " + dir_ + " (" + std::strerror(errno) + "); it needs root";
  }
  ~Tmpfs() {
    if (reason_.empty()) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

  bool mounted() const { return reason_.empty(); }
  const std::string& reason() const { return reason_; }
  const std::string& dir() const { return dir_; }

  // Writes a file until the disk is full (ENOSPC). Returns the bytes written.
  size_t fill(const std::string& name) const {
    std::ofstream out(dir_ + "/" + name, std::ios::binary);
    const std::vector<char> block(4096, 'f');
    size_t n = 0;
    while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) n += block.size();
    return n;
  }

 private:
  std::string dir_;
  std::string reason_;
};

}  // namespace ion::testing
