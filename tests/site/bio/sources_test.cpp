// SPDX-License-Identifier: Apache-2.0
// Recording playback: Open Ephys round trip, online == offline detections, HDF5 and raw sources,
// and precise errors for every kind of bad input.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>

#include "../../common/test_files.hpp"
#include "site/bio/culture.hpp"
#include "site/bio/detector.hpp"
#include "site/bio/openephys.hpp"

using namespace ion;
using namespace ion::bio;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir(const std::string& name) { return ion::testing::fresh_test_dir("test-runs", "bio-sources-" + name); }

// The session ion writes for an 8-channel culture at 25 kHz (0.195 µV per bit).
OeStreamSpec small_spec() { return OeStreamSpec{.channels = 8, .sample_rate_hz = 25000, .bit_volts_uv = 0.195}; }
fs::path rec_of(const fs::path& session) { return OpenEphysWriter::recording_dir(session.string(), small_spec()); }
fs::path dat_of(const fs::path& session) {
  return rec_of(session) / "continuous" / OpenEphysWriter::folder_name(small_spec()) / "continuous.dat";
}

CultureConfig small_culture() {
  CultureConfig c;
  c.channels = 8;
  c.seed = 7;
  return c;
}

// Writes `rows` rows of a culture as Open Ephys while detecting online in 1 ms blocks.
std::vector<DetectedSpike> record_and_detect(const fs::path& dir, int64_t rows, std::vector<int16_t>* all = nullptr) {
  auto culture = Culture::create(small_culture());
  EXPECT_TRUE(culture.is_ok());
  const auto& cc = culture->config();
  EXPECT_EQ(cc.channels, small_spec().channels);
  auto w = OpenEphysWriter::create(real_storage(), dir.string(), small_spec());
  EXPECT_TRUE(w.is_ok()) << w.status().to_string();
  DetectorConfig dc;
  dc.channels = cc.channels;
  dc.sample_rate_hz = cc.sample_rate_hz;
  auto det = Detector::create(dc);
  std::vector<int16_t> buf(25 * cc.channels);
  std::vector<DetectedSpike> out;
  for (int64_t r = 0; r < rows; r += 25) {
    culture->generate(buf);
    EXPECT_TRUE(w->write(buf).is_ok());
    EXPECT_TRUE(det->process(buf, out).is_ok());
    if (all) all->insert(all->end(), buf.begin(), buf.end());
  }
  EXPECT_TRUE(w->close().is_ok());
  det->flush(out);
  return out;
}

std::vector<DetectedSpike> detect_source(SignalSource& src, size_t block_rows) {
  DetectorConfig dc;
  dc.channels = src.info().channels;
  dc.sample_rate_hz = src.info().sample_rate_hz;
  auto det = Detector::create(dc);
  EXPECT_TRUE(det.is_ok());
  std::vector<int16_t> buf(block_rows * dc.channels);
  std::vector<DetectedSpike> out;
  for (;;) {
    auto n = src.read(buf);
    EXPECT_TRUE(n.is_ok());
    if (!n.is_ok() || *n == 0) break;
    EXPECT_TRUE(det->process({buf.data(), *n * dc.channels}, out).is_ok());
  }
  det->flush(out);
  return out;
}

void expect_same(const std::vector<DetectedSpike>& a, const std::vector<DetectedSpike>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].channel, b[i].channel);
    EXPECT_EQ(a[i].sample, b[i].sample);
    EXPECT_EQ(a[i].amplitude_v, b[i].amplitude_v);
  }
}

std::string error_of(const Result<std::unique_ptr<SignalSource>>& r) {
  EXPECT_FALSE(r.is_ok());
  return r.is_ok() ? "" : r.status().message();
}

void write_text(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
}  // namespace

TEST(OpenEphys, OnlineAndOfflineDetectionsAreIdentical) {
  const auto dir = temp_dir("oe");
  std::vector<int16_t> all;
  const auto online = record_and_detect(dir, 25000 * 3, &all);
  ASSERT_GT(online.size(), 30u);
  auto src = open_openephys(dir.string());
  ASSERT_TRUE(src.is_ok()) << src.status().to_string();
  EXPECT_EQ((*src)->info().channels, 8u);
  EXPECT_DOUBLE_EQ((*src)->info().sample_rate_hz, 25000);
  EXPECT_FLOAT_EQ((*src)->info().gain_v[3], 0.195e-6f);
  EXPECT_EQ((*src)->info().total_rows, 75000);
  const auto offline = detect_source(**src, 4096);  // different block size
  expect_same(online, offline);
  // The samples themselves round-trip exactly, whichever path names the recording.
  for (auto path : {rec_of(dir) / "structure.oebin", dat_of(dir)}) {
    auto s = open_openephys(path.string());
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    std::vector<int16_t> back(all.size() + 80);
    auto n = (*s)->read(back);
    ASSERT_TRUE(n.is_ok());
    ASSERT_EQ(*n, 75000u);
    back.resize(all.size());
    EXPECT_EQ(back, all);
  }
  // Raw playback of the same continuous.dat with explicit parameters gives the same detections.
  auto raw = open_raw_int16(dat_of(dir).string(), 8, 25000, 0.195e-6);
  ASSERT_TRUE(raw.is_ok());
  expect_same(online, detect_source(**raw, 7));
  fs::remove_all(dir);
}

TEST(OpenEphys, BadInputsGivePreciseErrors) {
  const auto dir = temp_dir("bad");
  record_and_detect(dir, 2500);
  const auto dat = dat_of(dir);
  const auto oebin = rec_of(dir) / "structure.oebin";
  std::string good;
  {
    std::ifstream in(oebin);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Truncated continuous.dat: 2500 rows × 8 ch × 2 B minus 3 bytes.
  fs::resize_file(dat, 2500 * 16 - 3);
  auto msg = error_of(open_openephys(dir.string()));
  EXPECT_NE(msg.find("not a whole number of frames of 8 channels"), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  fs::resize_file(dat, 2500 * 16);
  // Missing fields, each named with its key path.
  auto without = [&](const std::string& key, const std::string& replacement) {
    std::string s = good;
    const auto at = s.find("\"" + key + "\"");
    EXPECT_NE(at, std::string::npos) << key;
    s.replace(at, key.size() + 2, "\"" + replacement + "\"");
    write_text(oebin, s);
    return error_of(open_openephys(dir.string()));
  };
  msg = without("sample_rate", "rate");
  EXPECT_NE(msg.find("continuous[0] has no valid \"sample_rate\""), std::string::npos) << msg;
  msg = without("num_channels", "n");
  EXPECT_NE(msg.find("\"num_channels\""), std::string::npos) << msg;
  msg = without("bit_volts", "bv");
  EXPECT_NE(msg.find("continuous[0].channels[0] has no valid \"bit_volts\""), std::string::npos) << msg;
  msg = without("folder_name", "folder");
  EXPECT_NE(msg.find("\"folder_name\""), std::string::npos) << msg;
  msg = without("continuous", "streams");
  EXPECT_NE(msg.find("\"continuous\""), std::string::npos) << msg;
  // Channel count mismatch between num_channels and the channels array.
  {
    std::string s = good;
    const auto at = s.find("\"num_channels\": 8");
    ASSERT_NE(at, std::string::npos);
    s.replace(at, 17, "\"num_channels\": 9");
    write_text(oebin, s);
    msg = error_of(open_openephys(dir.string()));
    EXPECT_NE(msg.find("channel count mismatch: num_channels = 9 but the channels array lists 8"), std::string::npos)
        << msg;
  }
  write_text(oebin, "{ not json");
  msg = error_of(open_openephys(dir.string()));
  EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
  fs::remove(oebin);
  msg = error_of(open_openephys(oebin.string()));
  EXPECT_NE(msg.find("cannot open"), std::string::npos) << msg;
  msg = error_of(open_openephys(dir.string()));
  EXPECT_NE(msg.find("no structure.oebin found"), std::string::npos) << msg;
  // Unknown format / wrong raw parameters.
  write_text(dir / "notes.txt", "hello");
  msg = error_of(open_openephys((dir / "notes.txt").string()));
  EXPECT_NE(msg.find("not an Open Ephys recording"), std::string::npos) << msg;
  msg = error_of(open_raw_int16(dat.string(), 7, 25000, 1e-6));  // 40000 bytes, 14-byte frames
  EXPECT_NE(msg.find("7 channels"), std::string::npos) << msg;
  msg = error_of(open_raw_int16(dat.string(), 8, 0, 1e-6));
  EXPECT_NE(msg.find("--rate"), std::string::npos) << msg;
  fs::remove_all(dir);
}

TEST(Hdf5Source, ReadsDatasetAndAttributes) {
  const auto dir = temp_dir("h5");
  const auto path = (dir / "rec.h5").string();
  const hsize_t dims[2] = {1000, 3};
  std::vector<int16_t> data(3000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<int16_t>(static_cast<int>(i % 977) - 400);
  {
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t sp = H5Screate_simple(2, dims, nullptr);
    hid_t d = H5Dcreate2(f, "/data", H5T_STD_I16LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
    hid_t as = H5Screate(H5S_SCALAR);
    const double rate = 20000, bv = 0.5;
    hid_t a = H5Acreate2(d, "sample_rate", H5T_NATIVE_DOUBLE, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &rate);
    H5Aclose(a);
    a = H5Acreate2(d, "bit_volts", H5T_NATIVE_DOUBLE, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &bv);
    H5Aclose(a);
    hid_t d2 = H5Dcreate2(f, "/flat", H5T_STD_I16LE, as, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d2);
    H5Sclose(as);
    H5Dclose(d);
    H5Sclose(sp);
    H5Fclose(f);
  }
  auto src = open_hdf5(path, "/data", 0, 0);
  ASSERT_TRUE(src.is_ok()) << src.status().to_string();
  EXPECT_EQ((*src)->info().channels, 3u);
  EXPECT_DOUBLE_EQ((*src)->info().sample_rate_hz, 20000);
  EXPECT_FLOAT_EQ((*src)->info().gain_v[0], 0.5e-6f);
  std::vector<int16_t> back, buf(3 * 333);
  for (;;) {
    auto n = (*src)->read(buf);
    ASSERT_TRUE(n.is_ok());
    if (*n == 0) break;
    back.insert(back.end(), buf.begin(), buf.begin() + static_cast<long>(*n * 3));
  }
  EXPECT_EQ(back, data);
  auto msg = error_of(open_hdf5(path, "/missing", 0, 0));
  EXPECT_NE(msg.find("no such dataset"), std::string::npos) << msg;
  msg = error_of(open_hdf5(path, "/flat", 0, 0));
  EXPECT_NE(msg.find("2-D"), std::string::npos) << msg;
  msg = error_of(open_hdf5((dir / "nope.h5").string(), "/data", 0, 0));
  EXPECT_NE(msg.find("cannot open as HDF5"), std::string::npos) << msg;
  fs::remove_all(dir);
}

TEST(CultureStimulus, DeliveredChargeEvokesSpikesNearTheElectrode) {
  auto count_near = [](bool stimulate) {
    CultureConfig cc;
    cc.channels = 9;
    cc.drive_mean_a = 0.3e-9;  // nearly silent culture
    cc.drive_sd_a = 0.05e-9;
    auto c = Culture::create(cc);
    EXPECT_TRUE(c.is_ok());
    std::vector<int16_t> buf(1250 * cc.channels);
    for (int k = 0; k < 20; ++k) {  // 20 stimuli, each at the start of a 50 ms block
      if (stimulate) {
        Stimulus s;
        s.electrode = 4;
        s.t = static_cast<Time>(k) * 50'000'000;
        s.charge_c = 0.3e-9f;
        c->stimulate(s);
      }
      c->generate(buf);
    }
    size_t near = 0;
    for (const auto& t : c->truth()) near += t.channel == 4;
    return near;
  };
  EXPECT_EQ(count_near(false), 0u);
  EXPECT_GE(count_near(true), 10u);
}
