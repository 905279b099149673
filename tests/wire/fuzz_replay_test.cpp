// SPDX-License-Identifier: Apache-2.0
// The committed corpus of fuzz_wire_sealed (fuzz/corpus/fuzz_wire_sealed/: the seeds and the
// inputs that once made the target fail) replayed through the target's own entry,
// fuzz/fuzz_wire_sealed.cpp, compiled into this test without libFuzzer. Each of its property
// checks aborts the process when it fails, so a regression fails this test.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "../common/test_files.hpp"
#include "wire/codec.hpp"

// The target's entry; its name is libFuzzer's.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);  // NOLINT(readability-identifier-naming)

namespace ion::wire {
namespace {

const std::string kCorpus = std::string(ION_SOURCE_DIR) + "/fuzz/corpus/fuzz_wire_sealed";

// The file's bytes (empty when it cannot be read).
std::vector<uint8_t> read_input(const std::string& path) {
  const std::string s = ion::testing::file_contents(path);
  return {s.begin(), s.end()};
}

TEST(FuzzWireSealedReplay, EveryCorpusInputPassesTheTargetsChecks) {
  size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    const std::vector<uint8_t> d = read_input(entry.path().string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(d.data(), d.size()), 0) << entry.path();
    ++inputs;
  }
  EXPECT_GE(inputs, 12u);  // the seeds of fuzz/make_seeds.py and the regression below
}

// The input that made fuzz_wire_sealed abort before commit 0d1b0e9: a status message (type 7),
// whose plaintext parses cleanly; the target then called set_control on its empty control
// message instead of copying its entries.
TEST(FuzzWireSealedReplay, StatusMessageThatCrashedTheTarget) {
  const std::vector<uint8_t> d = read_input(kCorpus + "/status_set_control_crash.bin");
  ASSERT_FALSE(d.empty());
  Datagram plain;
  const auto r = decode_plain(d, plain);
  ASSERT_TRUE(r.is_ok()) << wire_error_name(r.error());
  EXPECT_EQ(plain.header.type, MsgType::status);
  EXPECT_EQ(LLVMFuzzerTestOneInput(d.data(), d.size()), 0);
}

}  // namespace
}  // namespace ion::wire
