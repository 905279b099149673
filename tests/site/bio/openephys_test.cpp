// SPDX-License-Identifier: Apache-2.0
// Open Ephys binary sessions: the exact tree and NPY files the writer makes, the reader at every
// folder level and among several experiments/recordings, and a table of missing or malformed
// parts, each error naming the path and what was expected.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "../../common/test_files.hpp"
#include "env/sim_storage.hpp"
#include "site/bio/npy.hpp"
#include "site/bio/openephys.hpp"

using namespace ion;
using namespace ion::bio;
namespace fs = std::filesystem;

namespace {

fs::path fresh(const std::string& name) { return ion::testing::fresh_test_dir("test-runs", "openephys-" + name); }

OeStreamSpec spec(int experiment = 1, int recording = 1, uint32_t channels = 3) {
  return OeStreamSpec{.channels = channels,
                      .sample_rate_hz = 20000,
                      .bit_volts_uv = 0.195,
                      .experiment = experiment,
                      .recording = recording};
}

// Writes `rows` rows (sample r of channel c = r * 10 + c) and a TTL pulse on line 2 at 10..12.
void write_session(Storage& st, const fs::path& session, const OeStreamSpec& s, int64_t rows = 100) {
  auto w = OpenEphysWriter::create(st, session.string(), s);
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  std::vector<int16_t> block;
  for (int64_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < s.channels; ++c) block.push_back(static_cast<int16_t>(r * 10 + c));
  ASSERT_TRUE(w->write(block).is_ok());
  ASSERT_TRUE(w->ttl(10, 2, true).is_ok());
  ASSERT_TRUE(w->ttl(12, 2, false).is_ok());
  ASSERT_TRUE(w->close().is_ok());
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::string error_of(const Result<std::unique_ptr<SignalSource>>& r) {
  return r.is_ok() ? "(opened)" : r.status().message();
}

const std::string kRec = "Record Node 101/experiment1/recording1";
const std::string kStream = kRec + "/continuous/ion_culture-100.mea";
const std::string kTtl = kRec + "/events/ion_culture-100.mea/TTL";

}  // namespace

TEST(Npy, HeaderIsVersion1PaddedTo64AndParsesBack) {
  for (auto t : {NpyType::i2, NpyType::i8, NpyType::f8, NpyType::u8})
    for (uint64_t n : {0ull, 7ull, 123456789ull}) {
      const std::string h = npy_header(t, n);
      EXPECT_EQ(h.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
      EXPECT_EQ(h.size() % 64, 0u);
      EXPECT_EQ(h.back(), '\n');
      auto p = parse_npy_header(h, "x.npy");
      ASSERT_TRUE(p.is_ok()) << p.status().to_string();
      EXPECT_EQ(p->descr, npy_descr(t));
      EXPECT_FALSE(p->fortran_order);
      EXPECT_EQ(p->shape, std::vector<uint64_t>{n});
      EXPECT_EQ(p->data_offset, h.size());
    }
}

TEST(OpenEphysWriter, WritesTheGuiTreeWithNpyColumns) {
  const auto root = fresh("tree");
  write_session(real_storage(), root, spec());
  std::set<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files.insert(fs::relative(e.path(), root).string());
  const std::set<std::string> want{
      "Record Node 101/settings.xml", kRec + "/structure.oebin",       kRec + "/sync_messages.txt",
      kStream + "/continuous.dat",    kStream + "/sample_numbers.npy", kStream + "/timestamps.npy",
      kTtl + "/states.npy",           kTtl + "/sample_numbers.npy",    kTtl + "/timestamps.npy",
      kTtl + "/full_words.npy"};
  EXPECT_EQ(files, want);
  EXPECT_EQ(fs::file_size(root / kStream / "continuous.dat"), 100u * 3 * 2);
  auto sn = read_npy_i64((root / kStream / "sample_numbers.npy").string(), 1000);
  ASSERT_TRUE(sn.is_ok()) << sn.status().to_string();
  ASSERT_EQ(sn->size(), 100u);
  EXPECT_EQ((*sn)[99], 99);
  EXPECT_TRUE(read_npy_header((root / kStream / "timestamps.npy").string(), NpyType::f8, 100).is_ok());
  const std::string ts = slurp(root / kStream / "timestamps.npy");
  double t99 = 0;
  std::memcpy(&t99, ts.data() + ts.size() - 8, 8);
  EXPECT_DOUBLE_EQ(t99, 99 / 20000.0);
  const std::string states = slurp(root / kTtl / "states.npy");
  EXPECT_NE(states.find("'descr': '<i2'"), std::string::npos);
  int16_t st[2];
  std::memcpy(st, states.data() + states.size() - 4, 4);
  EXPECT_EQ(st[0], 2);   // rising on line 2
  EXPECT_EQ(st[1], -2);  // falling
  const std::string words = slurp(root / kTtl / "full_words.npy");
  EXPECT_NE(words.find("'descr': '<u8'"), std::string::npos);
  const std::string oebin = slurp(root / kRec / "structure.oebin");
  EXPECT_NE(oebin.find("\"GUI version\": \"0.6.7\""), std::string::npos);
  EXPECT_NE(oebin.find("\"channel_name\": \"Stimulation TTL\""), std::string::npos);  // neo needs it
  EXPECT_NE(slurp(root / "Record Node 101/settings.xml").find("<CHANNEL name=\"CH3\" number=\"2\" gain=\"0.195\"/>"),
            std::string::npos);
  fs::remove_all(root);
}

TEST(OpenEphysWriter, FullDiskLeavesNoStructureOebin) {
  const auto root = fresh("enospc");
  SimStorage st;
  st.inject(StorageFault{StorageOp::write, "timestamps.npy.tmp", 100, ENOSPC});
  auto w = OpenEphysWriter::create(st, root.string(), spec());
  ASSERT_TRUE(w.is_ok());
  std::vector<int16_t> rows(300, 1);
  ASSERT_TRUE(w->write(rows).is_ok());
  const auto s = w->close();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(root / kRec / "structure.oebin"));
  EXPECT_FALSE(fs::exists(root / kStream / "timestamps.npy.tmp"));
  EXPECT_NE(error_of(open_openephys(root.string())).find("no structure.oebin found"), std::string::npos);
  fs::remove_all(root);
}

TEST(OpenEphysReader, AcceptsEveryFolderLevel) {
  const auto root = fresh("levels");
  write_session(real_storage(), root, spec());
  for (const fs::path& p : {root, root / "Record Node 101", root / "Record Node 101/experiment1", root / kRec,
                            root / kRec / "structure.oebin", root / kStream / "continuous.dat"}) {
    auto src = open_openephys(p.string());
    ASSERT_TRUE(src.is_ok()) << p << ": " << src.status().to_string();
    EXPECT_EQ((*src)->info().channels, 3u);
    EXPECT_EQ((*src)->info().total_rows, 100);
    EXPECT_FLOAT_EQ((*src)->info().gain_v[2], 0.195e-6f);
    std::vector<int16_t> buf(6);
    ASSERT_EQ(*(*src)->read(buf), 2u);
    EXPECT_EQ(buf[5], 12);  // row 1, channel 2
  }
  fs::remove_all(root);
}

TEST(OpenEphysReader, ChoosesAmongExperimentsAndRecordings) {
  const auto root = fresh("several");
  // Channel count = 10 * experiment + recording tells which one was opened.
  for (int e : {1, 2})
    for (int r : {1, 2}) write_session(real_storage(), root, spec(e, r, static_cast<uint32_t>(10 * e + r)));
  auto channels = [&](const fs::path& p, OeSelect sel) {
    auto s = open_openephys(p.string(), sel);
    return s.is_ok() ? static_cast<int>((*s)->info().channels) : -1;
  };
  EXPECT_EQ(channels(root, {2, 1}), 21);
  EXPECT_EQ(channels(root, {1, 2}), 12);
  EXPECT_EQ(channels(root / "Record Node 101/experiment2", {0, 2}), 22);
  EXPECT_EQ(channels(root / "Record Node 101/experiment1/recording2", {}), 12);
  std::string msg = error_of(open_openephys(root.string()));
  EXPECT_NE(msg.find("holds 4 recordings"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--recording N"), std::string::npos) << msg;
  msg = error_of(open_openephys(root.string(), {0, 1}));
  EXPECT_NE(msg.find("holds 2 recordings (Record Node 101/experiment1/recording1, Record Node "
                     "101/experiment2/recording1)"),
            std::string::npos)
      << msg;
  msg = error_of(open_openephys(root.string(), {3, 1}));
  EXPECT_NE(msg.find("no experiment3/recording1 (the session holds Record Node 101/experiment1/recording1"),
            std::string::npos)
      << msg;
  fs::remove_all(root);
}

// Each row breaks one part of a good session; the error must name `where` and say `expected`.
TEST(OpenEphysReader, MissingOrMalformedPartsAreNamed) {
  struct Case {
    const char* name;
    std::function<void(const fs::path&)> mutate;
    std::string where, expected;
  };
  const std::vector<Case> cases{
      {"no oebin", [](const fs::path& r) { fs::remove(r / kRec / "structure.oebin"); }, "",
       "no structure.oebin found (expected an Open Ephys session: <session>/Record Node <id>/experiment<N>"},
      {"no dat", [](const fs::path& r) { fs::remove(r / kStream / "continuous.dat"); }, kStream + "/continuous.dat",
       "cannot read the data file"},
      {"no sample numbers", [](const fs::path& r) { fs::remove(r / kStream / "sample_numbers.npy"); },
       kStream + "/sample_numbers.npy", "missing (expected one int64 sample number per row of continuous.dat, 100"},
      {"wrong npy shape",
       [](const fs::path& r) {
         const int64_t five[5] = {0, 1, 2, 3, 4};
         spit(r / kStream / "sample_numbers.npy", npy_file(NpyType::i8, five, 5));
       },
       kStream + "/sample_numbers.npy", "holds 5 items (expected 100, one per sample of continuous.dat)"},
      {"wrong npy type",
       [](const fs::path& r) {
         std::vector<double> d(100);
         spit(r / kStream / "sample_numbers.npy", npy_file(NpyType::f8, d.data(), d.size()));
       },
       kStream + "/sample_numbers.npy", "array of '<f8' (expected a 1-D C-order array of '<i8')"},
      {"truncated npy", [](const fs::path& r) { fs::resize_file(r / kStream / "sample_numbers.npy", 128 + 8 * 50); },
       kStream + "/sample_numbers.npy", "its header announces 100 items = 928 bytes (truncated)"},
      {"not npy", [](const fs::path& r) { spit(r / kStream / "sample_numbers.npy", "hello"); },
       kStream + "/sample_numbers.npy", "does not start with the NPY magic"},
      {"Record Node x", [](const fs::path& r) { fs::rename(r / "Record Node 101", r / "Record Node x"); },
       "Record Node x", "is not 'Record Node <id>' (id an integer, e.g. 101)"},
      {"experimentA",
       [](const fs::path& r) { fs::rename(r / "Record Node 101/experiment1", r / "Record Node 101/experimentA"); },
       "Record Node 101/experimentA", "is not experiment<N>"},
      {"two recordings", [](const fs::path& r) { write_session(real_storage(), r, spec(1, 2)); }, "",
       "choose one with --experiment N / --recording N"},
  };
  for (const auto& c : cases) {
    const auto root = fresh("bad");
    write_session(real_storage(), root, spec());
    c.mutate(root);
    const std::string msg = error_of(open_openephys(root.string()));
    const std::string where = c.where.empty() ? root.string() : (root / c.where).string();
    EXPECT_NE(msg.find(where), std::string::npos) << c.name << ": " << msg;
    EXPECT_NE(msg.find(c.expected), std::string::npos) << c.name << ": " << msg;
    fs::remove_all(root);
  }
}
