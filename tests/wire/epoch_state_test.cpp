// SPDX-License-Identifier: Apache-2.0
// Forward-only epochs and their persisted state (wire/epoch_state.hpp).
#include "wire/epoch_state.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ion::wire {
namespace {

namespace fs = std::filesystem;

Psk psk(uint8_t fill) {
  Psk k;
  k.bytes.fill(fill);
  return k;
}

class EpochStateDir : public ::testing::Test {
 protected:
  fs::path dir_;
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ion_epoch_state_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::chmod(dir_.c_str(), 0700);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& text) {
    std::ofstream(dir_ / "hub.epochs") << text;
    ::chmod((dir_ / "hub.epochs").c_str(), 0600);
  }
};

TEST(EpochState, NextEpochOnlyMovesForward) {
  EXPECT_EQ(next_epoch(100, 0).value(), 100u);
  EXPECT_EQ(next_epoch(100, 100).value(), 101u);  // a clock that did not move
  EXPECT_EQ(next_epoch(100, 500).value(), 501u);  // a clock that went back
  EXPECT_EQ(next_epoch(0, 0).value(), 1u);        // never 0
  EXPECT_FALSE(next_epoch(5, UINT64_MAX).is_ok());
}

TEST(EpochState, ClockEpochsGrowAndDiffer) {
  const uint64_t a = clock_epoch();
  const uint64_t b = clock_epoch();
  EXPECT_NE(a, b);
  EXPECT_GT(a, uint64_t{1'600'000'000} * 1'000'000'000);  // wall-clock ns, after 2020
  EXPECT_LT(a >> 16, (b >> 16) + 1);                      // the clock part never goes back between two reads
}

TEST(EpochState, FloorsArePerPeerAndPerKeyAndNeverLowered) {
  EpochState s;
  const uint64_t k1 = key_id(psk(1)), k2 = key_id(psk(2));
  EXPECT_NE(k1, k2);
  EXPECT_EQ(key_id(psk(1)), k1);
  EXPECT_TRUE(s.raise_peer("padova", k1, 50));
  EXPECT_FALSE(s.raise_peer("padova", k1, 40));
  EXPECT_FALSE(s.raise_peer("padova", k1, 50));
  EXPECT_EQ(s.peer_floor("padova", k1), 50u);
  EXPECT_EQ(s.peer_floor("padova", k2), 0u);  // a new key starts afresh
  EXPECT_EQ(s.peer_floor("zurich", k1), 0u);
  // docs/protocol.md §4.1, computed independently: Python hashlib.blake2b(b"ion key id v1",
  // digest_size=8, key=bytes([1]*32)), read little-endian.
  EXPECT_EQ(k1, 0xd5c8c15707356155u);
}

TEST(EpochState, TextRoundTripAndPreciseErrors) {
  EpochState s;
  s.self = 1234567890123456789u;
  s.raise_peer("padova", 0xFEDCBA9876543210u, 42);
  s.raise_peer("zurich", 1, UINT64_MAX);
  const std::string text = format_epoch_state("hub", s);
  EXPECT_EQ(text,
            "ion-epochs-v1 hub\nself 1234567890123456789\npeer padova fedcba9876543210 42\n"
            "peer zurich 0000000000000001 18446744073709551615\n");
  EXPECT_EQ(parse_epoch_state(text, "hub", "f").value(), s);
  const auto err = [](const std::string& t) { return parse_epoch_state(t, "hub", "F").status().message(); };
  EXPECT_EQ(err("ion-epochs-v1 other\n"), "F:1: expected 'ion-epochs-v1 hub'");
  EXPECT_EQ(err(""), "F:1: empty file; expected 'ion-epochs-v1 hub'");
  EXPECT_EQ(err("ion-epochs-v1 hub\nself -1\n"), "F:2: expected 'self <epoch>'");
  EXPECT_EQ(err("ion-epochs-v1 hub\nself 18446744073709551616\n"), "F:2: expected 'self <epoch>'");
  EXPECT_EQ(err("ion-epochs-v1 hub\npeer padova 12 3\n"), "F:2: expected 'peer <site> <16 hex digits> <epoch>'");
  EXPECT_EQ(err("ion-epochs-v1 hub\npeer pa/dova 0000000000000001 3\n"),
            "F:2: expected 'peer <site> <16 hex digits> <epoch>'");
  EXPECT_EQ(err("ion-epochs-v1 hub\npeer p 0000000000000001 3\npeer p 0000000000000001 4\n"),
            "F:3: peer 'p' is listed twice for one key");
  EXPECT_EQ(err("ion-epochs-v1 hub\nbogus\n"), "F:2: expected 'self <epoch>' or 'peer <site> <key id> <epoch>'");
}

TEST_F(EpochStateDir, SaveLoadRoundTripWithMode0600) {
  DirEpochStore store(dir_.string());
  EXPECT_EQ(store.load("hub").value(), EpochState{});  // nothing saved yet
  EpochState s;
  s.self = 77;
  s.raise_peer("padova", 9, 5);
  ASSERT_TRUE(store.save("hub", s).is_ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "hub.epochs").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(dir_ / "hub.epochs.tmp"));
  EXPECT_EQ(store.load("hub").value(), s);
  s.self = 78;
  ASSERT_TRUE(store.save("hub", s).is_ok());  // replaced, not appended
  EXPECT_EQ(store.load("hub").value(), s);
}

TEST_F(EpochStateDir, RefusesAStateOthersCouldRewrite) {
  DirEpochStore store(dir_.string());
  write("ion-epochs-v1 hub\nself 5\n");
  ::chmod((dir_ / "hub.epochs").c_str(), 0644);
  auto r = store.load("hub");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("chmod 600 " + (dir_ / "hub.epochs").string()), std::string::npos)
      << r.status().message();
  ::chmod((dir_ / "hub.epochs").c_str(), 0600);
  ::chmod(dir_.c_str(), 0777);
  r = store.load("hub");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("chmod go-w " + dir_.string()), std::string::npos) << r.status().message();
}

TEST_F(EpochStateDir, CorruptStateIsAnErrorNamingTheLine) {
  DirEpochStore store(dir_.string());
  write("ion-epochs-v1 hub\nself 5\npeer padova xyz 1\n");
  auto r = store.load("hub");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message(),
            (dir_ / "hub.epochs").string() + ":3: expected 'peer <site> <16 hex digits> <epoch>'");
}

TEST_F(EpochStateDir, UnwritableDirectoryIsAnErrorNamingTheFile) {
  DirEpochStore store((dir_ / "missing").string());
  auto s = store.save("hub", EpochState{});
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find((dir_ / "missing" / "hub.epochs.tmp").string()), std::string::npos) << s.message();
}

}  // namespace
}  // namespace ion::wire
