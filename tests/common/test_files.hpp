// SPDX-License-Identifier: Apache-2.0
// Test helpers for files: a fresh directory under the build tree and a whole file's bytes.
// Header-only; needs ION_BINARY_DIR (defined for every test target).
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace ion::testing {

// ION_BINARY_DIR/<area>/<name>, emptied and created.
inline std::string fresh_test_dir(const std::string& area, const std::string& name) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/" + area + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The file's bytes ("" when it cannot be read).
inline std::string file_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace ion::testing
