// SPDX-License-Identifier: Apache-2.0
// record::read_hdf5: recording.h5 read back into the MergedRecording its logs give (the logs of
// ion_record_fixture: three sites, a resumed session, an unknown kind, a duplicated spike, a torn
// tail), format 2 and format 1; and every kind of bad file refused with a clear error.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "../common/run_command.hpp"
#include "../common/test_files.hpp"
#include "record/hdf5_export.hpp"
#include "record/hdf5_import.hpp"

using namespace ion;
using namespace ion::record;

namespace {

struct Fixture {
  std::string dir, h5;
  MergedRecording logs;
};

// The fixture's logs (seed 3), merged and exported once per process. The directory is the
// running test's own: ctest runs this binary's tests in parallel processes.
const Fixture& fixture() {
  static const Fixture kFixture = [] {
    Fixture x;
    x.dir = ion::testing::fresh_test_dir(
        "test-runs", std::string("hdf5-import-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    EXPECT_EQ(ion::testing::run_command(std::string(ION_RECORD_FIXTURE) + " " + x.dir + " 3").code, 0);
    std::vector<std::string> logs;
    for (const auto& e : std::filesystem::directory_iterator(x.dir)) {
      if (e.path().extension() == ".ionlog") logs.push_back(e.path().string());
    }
    x.h5 = x.dir + "/recording.h5";
    auto r = export_logs_to_hdf5(logs, x.h5);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    if (r.is_ok()) x.logs = r->merged;
    return x;
  }();
  return kFixture;
}

void expect_same(const MergedRecording& a, const MergedRecording& b) {
  EXPECT_EQ(digest(a), digest(b));
  EXPECT_EQ(a.experiment_name, b.experiment_name);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.site_names, b.site_names);
  EXPECT_EQ(a.neuron_names, b.neuron_names);
  EXPECT_EQ(a.synapse_names, b.synapse_names);
  ASSERT_EQ(a.sites.size(), b.sites.size());
  for (size_t i = 0; i < a.sites.size(); ++i) {
    EXPECT_EQ(a.sites[i].tail.state, b.sites[i].tail.state);
    EXPECT_EQ(a.sites[i].tail.good_bytes, b.sites[i].tail.good_bytes);
    EXPECT_EQ(a.sites[i].tail.unknown_records, b.sites[i].tail.unknown_records);
  }
  ASSERT_EQ(a.sessions.size(), b.sessions.size());
  for (size_t i = 0; i < a.sessions.size(); ++i) {
    EXPECT_EQ(a.sessions[i].epoch, b.sessions[i].epoch);
    EXPECT_EQ(a.sessions[i].wall_ns, b.sessions[i].wall_ns);
  }
  EXPECT_EQ(a.gaps.size(), b.gaps.size());
  for (const auto& [k, rows] : a.links) {
    for (const auto& r : rows) EXPECT_EQ(r.peer, k.second);
  }
}

TEST(Hdf5Import, GivesBackWhatTheLogsGive) {
  const Fixture& f = fixture();
  auto r = read_hdf5_file(f.h5);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->format_version, kHdf5FormatVersion);
  EXPECT_EQ(digest(r->merged), r->digest);
  expect_same(r->merged, f.logs);
  ASSERT_TRUE(r->outcome.has_value());
  EXPECT_EQ(r->outcome->status, outcome_from_notes(f.logs).status);
  // The fixture holds every table the digest covers, so the digest above checks rows, not zeros.
  EXPECT_FALSE(r->merged.spikes.empty() || r->merged.inputs.empty() || r->merged.stimuli.empty());
  EXPECT_FALSE(r->merged.synapses.empty() || r->merged.links.empty() || r->merged.clocks.empty());
  size_t damaged = 0;  // the fixture's torn tail survives
  for (const auto& s : r->merged.sites) damaged += s.tail.state != TailState::clean;
  EXPECT_EQ(damaged, 1u);
}

TEST(Hdf5Import, ProgressNeverGoesBackAndEndsAtItsTotal) {
  const Fixture& f = fixture();
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  auto r = read_hdf5_file(f.h5, [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); });
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  expect_same(r->merged, f.logs);  // the callback changes nothing read
  ASSERT_FALSE(calls.empty());
  const uint64_t total = calls.front().second;
  EXPECT_EQ(total, 7 * kHdf5ReadStep);  // meta, sites, events, weights, links, clocks, notes
  EXPECT_EQ(calls.front().first, 0u);
  EXPECT_EQ(calls.back().first, total);
  for (size_t i = 1; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second, total);
    EXPECT_GE(calls[i].first, calls[i - 1].first) << "call " << i;
  }
  // Within the weights (the fourth part), each synapse's group advances the count.
  size_t within_weights = 0;
  for (const auto& [done, t] : calls) within_weights += done > 3 * kHdf5ReadStep && done < 4 * kHdf5ReadStep;
  EXPECT_EQ(within_weights + 1, r->merged.synapses.size());  // groups 1..n-1 (group 0 is at the part's start)
}

TEST(Hdf5Import, ProgressStopsShortOfItsTotalOnAnError) {
  const std::string bad = ion::testing::fresh_test_dir("test-runs", "hdf5-import-progress-bad") + "/not.h5";
  std::ofstream(bad) << "not an HDF5 file";
  uint64_t last = 0, total = 1;
  auto r = read_hdf5_file(bad, [&](uint64_t done, uint64_t t) { last = done, total = t; });
  EXPECT_FALSE(r.is_ok());
  EXPECT_LT(last, total);
}

// A copy of the fixture's file changed with the HDF5 API.
std::string mutated(const std::string& name, const std::function<void(hid_t)>& change) {
  const std::string out = fixture().dir + "/" + name + ".h5";
  std::filesystem::copy_file(fixture().h5, out, std::filesystem::copy_options::overwrite_existing);
  hid_t file = H5Fopen(out.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  EXPECT_GE(file, 0);
  change(file);
  H5Fclose(file);
  return out;
}

// Replaces /meta attribute `name` by a u32.
void set_meta_u32(hid_t file, const char* name, uint32_t v) {
  hid_t obj = H5Gopen2(file, "/meta", H5P_DEFAULT);
  H5Adelete(obj, name);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, H5T_STD_U32LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_UINT32, &v);
  H5Aclose(a), H5Sclose(space), H5Gclose(obj);
}

// Replaces dataset `path` by one of `n` elements of `type` (no data written).
void replace(hid_t file, const char* path, hid_t type, hsize_t n) {
  H5Ldelete(file, path, H5P_DEFAULT);
  hid_t space = H5Screate_simple(1, &n, nullptr);
  H5Dclose(H5Dcreate2(file, path, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Sclose(space);
}

// /spikes with t_ns of another type (the other fields as written).
void spikes_with_t(hid_t file, hid_t t_type) {
  hid_t c = H5Tcreate(H5T_COMPOUND, 8 + 2 + 4 + 1 + 2 + 16);
  H5Tinsert(c, "t_ns", 0, t_type);
  H5Tinsert(c, "site", 16, H5T_STD_U16LE);
  H5Tinsert(c, "index", 18, H5T_STD_U32LE);
  H5Tinsert(c, "kind", 22, H5T_STD_U8LE);
  H5Tinsert(c, "log_site", 23, H5T_STD_U16LE);
  replace(file, "/spikes", c, 3);
  H5Tclose(c);
}

struct BadFile {
  const char* name;
  std::function<std::string()> make;  // writes the file, returns its path
  Errc code;
  const char* message;  // a part of the error message (besides the path)
};

std::string write_bytes(const std::string& name, const std::string& bytes) {
  const std::string path = fixture().dir + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// The fixture's file cut to `keep(size)` bytes.
std::string truncated(const char* name, const std::function<size_t(size_t)>& keep) {
  const std::string all = ion::testing::file_contents(fixture().h5);
  return write_bytes(name, all.substr(0, keep(all.size())));
}

std::vector<BadFile> bad_files() {
  hid_t vstr = H5Tcopy(H5T_C_S1);
  H5Tset_size(vstr, H5T_VARIABLE);
  return {
      {"absent", [] { return fixture().dir + "/absent.h5"; }, Errc::not_found, "no such file"},
      {"text", [] { return write_bytes("text.h5", "not an HDF5 file\n"); }, Errc::corrupt, "not an HDF5 file"},
      {"empty", [] { return write_bytes("empty.h5", ""); }, Errc::corrupt, "not an HDF5 file"},
      {"an event log", [] { return std::string(fixture().dir + "/hub.ionlog"); }, Errc::corrupt, "not an HDF5 file"},
      {"truncated to 100 bytes", [] { return truncated("t100.h5", [](size_t) { return 100; }); }, Errc::corrupt,
       "cannot open it"},
      {"truncated to half", [] { return truncated("half.h5", [](size_t n) { return n / 2; }); }, Errc::corrupt,
       "cannot open it"},
      {"truncated by one byte", [] { return truncated("minus1.h5", [](size_t n) { return n - 1; }); }, Errc::corrupt,
       "cannot open it"},
      {"no /spikes", [] { return mutated("nospikes", [](hid_t f) { H5Ldelete(f, "/spikes", H5P_DEFAULT); }); },
       Errc::corrupt, "/spikes: missing"},
      {"no /meta", [] { return mutated("nometa", [](hid_t f) { H5Ldelete(f, "/meta", H5P_DEFAULT); }); }, Errc::corrupt,
       "/meta: missing"},
      {"no /weights", [] { return mutated("noweights", [](hid_t f) { H5Ldelete(f, "/weights", H5P_DEFAULT); }); },
       Errc::corrupt, "/weights: missing"},
      {"format_version 3", [] { return mutated("v3", [](hid_t f) { set_meta_u32(f, "format_version", 3); }); },
       Errc::invalid_argument, "format_version is 3; this ion reads formats 1 to 2"},
      {"format_version 0", [] { return mutated("v0", [](hid_t f) { set_meta_u32(f, "format_version", 0); }); },
       Errc::invalid_argument, "format_version is 0"},
      {"t_ns a string", [vstr] { return mutated("tstr", [vstr](hid_t f) { spikes_with_t(f, vstr); }); }, Errc::corrupt,
       "/spikes: field t_ns is a variable-length string, expected a 8-byte signed integer"},
      {"t_ns a float", [] { return mutated("tflt", [](hid_t f) { spikes_with_t(f, H5T_IEEE_F64LE); }); }, Errc::corrupt,
       "/spikes: field t_ns is a 8-byte float, expected a 8-byte signed integer"},
      {"t_ns unsigned", [] { return mutated("tu64", [](hid_t f) { spikes_with_t(f, H5T_STD_U64LE); }); }, Errc::corrupt,
       "field t_ns is a 8-byte unsigned integer"},
      {"/spikes not a table", [] { return mutated("flat", [](hid_t f) { replace(f, "/spikes", H5T_STD_I64LE, 2); }); },
       Errc::corrupt, "/spikes: is a 8-byte signed integer, not a table"},
      {"/spikes declares 2^40 rows",
       [] { return mutated("huge", [](hid_t f) { replace(f, "/spikes", H5T_STD_I64LE, hsize_t{1} << 40); }); },
       Errc::corrupt, "rows, more than a"},
      {"a weight column short",
       [] { return mutated("short", [](hid_t f) { replace(f, "/weights/0/weight", H5T_IEEE_F32LE, 1); }); },
       Errc::corrupt, "/weights/0/weight: has 1 rows, the group's first column"},
      {"a weight column of strings",
       [vstr] { return mutated("wstr", [vstr](hid_t f) { replace(f, "/weights/0/weight", vstr, 1); }); }, Errc::corrupt,
       "/weights/0/weight: the dataset is a variable-length string, expected a 4-byte float"},
      {"digest an integer", [] { return mutated("dig", [](hid_t f) { set_meta_u32(f, "digest", 7); }); }, Errc::corrupt,
       "/meta: attribute digest is a 4-byte unsigned integer, expected a variable-length string"},
  };
}

TEST(Hdf5Import, RefusesEveryKindOfBadFileByName) {
  for (const BadFile& b : bad_files()) {
    const std::string path = b.make();
    auto r = read_hdf5(path);
    ASSERT_FALSE(r.is_ok()) << b.name;
    EXPECT_EQ(r.status().code(), b.code) << b.name << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(path), std::string::npos) << b.name << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(b.message), std::string::npos) << b.name << ": " << r.status().message();
  }
}

TEST(Hdf5Import, AFileTruncatedAnywhereIsAnErrorNeverACrash) {
  const std::string all = ion::testing::file_contents(fixture().h5);
  for (size_t n = 0; n < all.size(); n += 1 + all.size() / 97) {
    const std::string path = write_bytes("cut.h5", all.substr(0, n));
    auto r = read_hdf5(path);
    EXPECT_FALSE(r.is_ok()) << n;
  }
}

TEST(Hdf5Import, ReadsFormat1) {
  // Format 1 differs for this reader only in where the weight traces are (/synapses/<id>).
  const std::string v1 = mutated("v1", [](hid_t f) {
    set_meta_u32(f, "format_version", 1);
    H5Ldelete(f, "/synapses", H5P_DEFAULT);
    H5Lmove(f, "/weights", f, "/synapses", H5P_DEFAULT, H5P_DEFAULT);
  });
  auto r = read_hdf5_file(v1);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->format_version, 1u);
  expect_same(r->merged, fixture().logs);
}

}  // namespace
