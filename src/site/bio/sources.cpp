// SPDX-License-Identifier: Apache-2.0
#include "site/bio/sources.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

namespace ion::bio {

namespace fs = std::filesystem;

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

}  // namespace

Result<std::unique_ptr<SignalSource>> open_int16_frames(const std::string& path, SignalInfo info) {
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
  return open_int16_frames(path, std::move(info));
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

}  // namespace ion::bio
