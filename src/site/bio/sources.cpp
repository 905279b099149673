// SPDX-License-Identifier: Apache-2.0
#include "site/bio/sources.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ion::bio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Interleaved int16 little-endian rows from a file (Open Ephys continuous.dat or raw).
class FileSource final : public SignalSource {
 public:
  FileSource(std::FILE* f, SignalInfo info, std::string path) : f_(f), info_(std::move(info)), path_(std::move(path)) {}
  ~FileSource() override { std::fclose(f_); }
  const SignalInfo& info() const override { return info_; }
  Result<size_t> read(std::span<int16_t> out) override {
    const size_t want = out.size() / info_.channels;
    const size_t got = std::fread(out.data(), 2 * info_.channels, want, f_);
    if (got < want && std::ferror(f_))
      return error(Errc::io_error, fmt::format("{}: read error after {} rows", path_, rows_ + got));
    rows_ += got;
    return got;  // host is little-endian (x86-64/aarch64), as the format
  }

 private:
  std::FILE* f_;
  SignalInfo info_;
  std::string path_;
  int64_t rows_ = 0;
};

// Opens `path` and checks it holds whole frames of `channels` int16 samples.
Result<std::unique_ptr<SignalSource>> open_frames(const std::string& path, SignalInfo info) {
  std::error_code ec;
  const auto bytes = fs::file_size(path, ec);
  if (ec) return error(Errc::not_found, fmt::format("{}: cannot read the data file ({})", path, ec.message()));
  const uint64_t frame = 2ull * info.channels;
  if (bytes % frame != 0)
    return error(Errc::corrupt,
                 fmt::format("{}: {} bytes is not a whole number of frames of {} channels × 2 bytes = "
                             "{} bytes ({} stray bytes): the file is truncated or the channel count is wrong",
                             path, bytes, info.channels, frame, bytes % frame));
  if (bytes == 0) return error(Errc::invalid_argument, fmt::format("{}: the data file holds no samples", path));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return error(Errc::io_error, fmt::format("{}: cannot open for reading", path));
  info.total_rows = static_cast<int64_t>(bytes / frame);
  return std::unique_ptr<SignalSource>(new FileSource(f, std::move(info), path));
}

Status field_error(const std::string& oebin, const std::string& where, const char* key, const char* expected) {
  return error(Errc::invalid_argument,
               fmt::format("{}: {} has no valid \"{}\" (expected {})", oebin, where, key, expected));
}

// Parses stream `stream` of structure.oebin into info + data folder name.
Status parse_oebin(const std::string& oebin, size_t stream, SignalInfo& info, std::string& folder) {
  std::ifstream in(oebin);
  if (!in)
    return error(Errc::not_found, fmt::format("{}: cannot open (expected an Open Ephys structure.oebin)", oebin));
  const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return error(Errc::invalid_argument,
                 fmt::format("{}: not valid JSON (expected an Open Ephys structure.oebin object)", oebin));
  if (!j.contains("continuous") || !j["continuous"].is_array() || j["continuous"].empty())
    return field_error(oebin, "the top level", "continuous", "a non-empty array of streams");
  const auto& streams = j["continuous"];
  if (stream >= streams.size())
    return error(Errc::out_of_range,
                 fmt::format("{}: stream {} requested, file has {}", oebin, stream, streams.size()));
  const auto& s = streams[stream];
  const std::string where = fmt::format("continuous[{}]", stream);
  if (!s.is_object()) return field_error(oebin, where, "(object)", "an object");
  if (!s.contains("folder_name") || !s["folder_name"].is_string())
    return field_error(oebin, where, "folder_name", "a string");
  if (!s.contains("sample_rate") || !s["sample_rate"].is_number() || !(s["sample_rate"].get<double>() > 0))
    return field_error(oebin, where, "sample_rate", "a positive number, e.g. 30000.0");
  if (!s.contains("num_channels") || !s["num_channels"].is_number_integer() || s["num_channels"].get<int64_t>() <= 0 ||
      s["num_channels"].get<int64_t>() > 65536)
    return field_error(oebin, where, "num_channels", "an integer 1..65536");
  if (!s.contains("channels") || !s["channels"].is_array()) return field_error(oebin, where, "channels", "an array");
  const auto n = s["num_channels"].get<uint32_t>();
  if (s["channels"].size() != n)
    return error(Errc::invalid_argument,
                 fmt::format("{}: {} channel count mismatch: num_channels = {} but the channels array lists {}", oebin,
                             where, n, s["channels"].size()));
  info.channels = n;
  info.sample_rate_hz = s["sample_rate"].get<double>();
  for (uint32_t c = 0; c < n; ++c) {
    const auto& ch = s["channels"][c];
    if (!ch.is_object() || !ch.contains("bit_volts") || !ch["bit_volts"].is_number() ||
        !(ch["bit_volts"].get<double>() > 0))
      return field_error(oebin, fmt::format("{}.channels[{}]", where, c), "bit_volts",
                         "a positive number (µV per bit)");
    double scale = 1e-6;  // Open Ephys data channels are in µV
    if (ch.contains("units") && ch["units"].is_string()) {
      const auto u = ch["units"].get<std::string>();
      if (u == "mV") scale = 1e-3;
      else if (u == "V") scale = 1.0;
    }
    info.gain_v.push_back(static_cast<float>(ch["bit_volts"].get<double>() * scale));
  }
  folder = s["folder_name"].get<std::string>();
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  info.description = fmt::format("Open Ephys {} ({} '{}')", oebin, where, folder);
  return Status::ok();
}
}  // namespace

Result<std::unique_ptr<SignalSource>> open_openephys(const std::string& path, size_t stream) {
  std::error_code ec;
  fs::path dir;
  if (fs::is_directory(path, ec)) dir = path;
  else if (fs::path(path).extension() == ".oebin") dir = fs::path(path).parent_path();
  else if (fs::path(path).filename() == "continuous.dat")
    dir = fs::path(path).parent_path().parent_path().parent_path();
  else
    return error(
        Errc::invalid_argument,
        fmt::format("{}: not an Open Ephys recording (expected a directory, a structure.oebin or a continuous.dat)",
                    path));
  const std::string oebin = (dir / "structure.oebin").string();
  SignalInfo info;
  std::string folder;
  ION_TRY(parse_oebin(oebin, stream, info, folder));
  return open_frames((dir / "continuous" / folder / "continuous.dat").string(), std::move(info));
}

Result<std::unique_ptr<SignalSource>> open_raw_int16(const std::string& path, uint32_t channels, double rate_hz,
                                                     double gain_v) {
  if (channels == 0 || channels > 65536)
    return error(Errc::invalid_argument,
                 fmt::format("{}: raw input needs --channels 1..65536 (got {})", path, channels));
  if (!(rate_hz > 0)) return error(Errc::invalid_argument, fmt::format("{}: raw input needs a positive --rate", path));
  if (!(gain_v > 0)) return error(Errc::invalid_argument, fmt::format("{}: raw input needs a positive --gain", path));
  SignalInfo info;
  info.channels = channels;
  info.sample_rate_hz = rate_hz;
  info.gain_v.assign(channels, static_cast<float>(gain_v));
  info.description = fmt::format("raw int16 {} ({} channels)", path, channels);
  return open_frames(path, std::move(info));
}

namespace {
class CultureSource final : public SignalSource {
 public:
  CultureSource(Culture c, int64_t rows) : c_(std::move(c)), left_(rows) {
    info_.channels = c_.config().channels;
    info_.sample_rate_hz = c_.config().sample_rate_hz;
    info_.gain_v.assign(info_.channels, static_cast<float>(c_.config().bit_volts_uv * 1e-6));
    info_.total_rows = rows;
    info_.description = "culture emulator";
  }
  const SignalInfo& info() const override { return info_; }
  Result<size_t> read(std::span<int16_t> out) override {
    const auto rows = static_cast<size_t>(std::min<int64_t>(left_, static_cast<int64_t>(out.size() / info_.channels)));
    c_.generate(out.first(rows * info_.channels));
    left_ -= static_cast<int64_t>(rows);
    return rows;
  }

 private:
  Culture c_;
  int64_t left_;
  SignalInfo info_;
};
}  // namespace

std::unique_ptr<SignalSource> culture_source(Culture culture, int64_t rows) {
  return std::make_unique<CultureSource>(std::move(culture), rows);
}

std::string OpenEphysWriter::data_path(const std::string& dir, const std::string& source_name) {
  return (fs::path(dir) / "continuous" / (source_name + "-100.0") / "continuous.dat").string();
}

Result<OpenEphysWriter> OpenEphysWriter::create(const std::string& dir, uint32_t channels, double rate_hz,
                                                double bit_volts_uv, const std::string& source_name) {
  const std::string folder = source_name + "-100.0";
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "continuous" / folder, ec);
  if (ec)
    return error(Errc::io_error, fmt::format("{}: cannot create the recording directory ({})", dir, ec.message()));
  json chans = json::array();
  for (uint32_t c = 0; c < channels; ++c)
    chans.push_back({{"channel_name", fmt::format("CH{}", c + 1)},
                     {"description", "emulated extracellular electrode"},
                     {"identifier", "genericdata.continuous"},
                     {"history", "ion culture"},
                     {"bit_volts", bit_volts_uv},
                     {"units", "uV"},
                     {"source_processor_index", c},
                     {"recorded_processor_index", c}});
  json stream = {{"folder_name", folder + "/"},  {"sample_rate", rate_hz},     {"source_processor_name", source_name},
                 {"source_processor_id", 100},   {"stream_name", source_name}, {"recorded_processor", source_name},
                 {"recorded_processor_id", 100}, {"num_channels", channels},   {"channels", chans}};
  json root = {{"GUI version", "0.6.0"},
               {"continuous", json::array({stream})},
               {"events", json::array()},
               {"spikes", json::array()}};
  const auto oebin = (fs::path(dir) / "structure.oebin").string();
  std::ofstream o(oebin);
  o << root.dump(2) << "\n";
  if (!o) return error(Errc::io_error, fmt::format("{}: cannot write", oebin));
  OpenEphysWriter w;
  w.path_ = data_path(dir, source_name);
  w.f_ = std::fopen(w.path_.c_str(), "wb");
  if (!w.f_) return error(Errc::io_error, fmt::format("{}: cannot open for writing", w.path_));
  w.channels_ = channels;
  return w;
}

OpenEphysWriter::OpenEphysWriter(OpenEphysWriter&& o) noexcept
    : f_(o.f_), path_(std::move(o.path_)), channels_(o.channels_) {
  o.f_ = nullptr;
}
OpenEphysWriter& OpenEphysWriter::operator=(OpenEphysWriter&& o) noexcept {
  std::swap(f_, o.f_);
  std::swap(path_, o.path_);
  std::swap(channels_, o.channels_);
  return *this;
}
OpenEphysWriter::~OpenEphysWriter() {
  if (f_) std::fclose(f_);
}

Status OpenEphysWriter::write(std::span<const int16_t> rows) {
  if (!f_) return error(Errc::invalid_argument, "Open Ephys writer is closed");
  if (rows.size() % channels_ != 0)
    return error(Errc::invalid_argument,
                 fmt::format("{}: block of {} samples is not whole {}-channel rows", path_, rows.size(), channels_));
  if (std::fwrite(rows.data(), 2, rows.size(), f_) != rows.size())
    return error(Errc::io_error, fmt::format("{}: write failed", path_));
  return Status::ok();
}

Status OpenEphysWriter::close() {
  if (!f_) return Status::ok();
  const bool ok = std::fclose(f_) == 0;
  f_ = nullptr;
  return ok ? Status::ok() : error(Errc::io_error, fmt::format("{}: error on close", path_));
}

}  // namespace ion::bio
