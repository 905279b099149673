// SPDX-License-Identifier: Apache-2.0
#include "env/output_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

using namespace ion;

namespace {

std::string test_dir(const char* name) {
  std::string dir = std::string(ION_BINARY_DIR) + "/test-out/output_file/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(OutputFile, BuffersUntilFlushAndKeepsOrderAcrossLargeAppends) {
  const std::string path = test_dir("order") + "/a/b/log.bin";
  auto f = open_append_file(path);
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  std::vector<uint8_t> expected;
  for (int round = 0; round < 50; ++round) {
    // Mix small appends (buffered) with ones larger than the 64 KiB buffer (written through).
    std::vector<uint8_t> chunk(round % 7 == 0 ? 100'000 : 1 + round * 13, static_cast<uint8_t>(round));
    ASSERT_TRUE((*f)->append(chunk).is_ok());
    expected.insert(expected.end(), chunk.begin(), chunk.end());
    EXPECT_EQ((*f)->size(), expected.size());
  }
  const uint8_t tail[] = {1, 2, 3};
  ASSERT_TRUE((*f)->append(tail).is_ok());
  expected.insert(expected.end(), std::begin(tail), std::end(tail));
  EXPECT_LT(read_all(path).size(), expected.size());  // the tail is still in the buffer
  ASSERT_TRUE((*f)->flush().is_ok());
  EXPECT_EQ(read_all(path), expected);
  ASSERT_TRUE((*f)->sync().is_ok());
}

TEST(OutputFile, ReopenAppendsAndReportsTheExistingSize) {
  const std::string path = test_dir("reopen") + "/x.log";
  const uint8_t one[] = {'a', 'b'};
  { ASSERT_TRUE((*open_append_file(path))->append(one).is_ok()); }
  auto f = open_append_file(path);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ((*f)->size(), 2u);
  ASSERT_TRUE((*f)->append(one).is_ok());
  f = Status(Errc::internal, "closed");  // destroys the file object: flushes
  EXPECT_EQ(read_all(path), (std::vector<uint8_t>{'a', 'b', 'a', 'b'}));
}

TEST(OutputFile, ErrorsNameThePathAndTheReason) {
  const std::string dir = test_dir("errors");
  std::filesystem::create_directories(dir);
  auto is_dir = open_append_file(dir);
  ASSERT_FALSE(is_dir.is_ok());
  EXPECT_EQ(is_dir.status().message(), "cannot open " + dir + " for appending: Is a directory");
  EXPECT_EQ(open_append_file("").status().message(), "output path is empty");
  EXPECT_EQ(resolve_output_path("/runs/1", "a.log"), "/runs/1/a.log");
  EXPECT_EQ(resolve_output_path("/runs/1", "/abs/a.log"), "/abs/a.log");
  EXPECT_EQ(resolve_output_path("", "a.log"), "a.log");
}

}  // namespace
