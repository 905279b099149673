// SPDX-License-Identifier: Apache-2.0
// Open Ephys reader (structure.oebin JSON + continuous.dat frames) and the raw int16 reader.
// Input layout: bytes before the first NUL are structure.oebin; bytes after it are written to
// continuous/s/continuous.dat and to a raw file (so a "folder_name": "s" stream finds data);
// continuous/s/sample_numbers.npy gets one sample number per row for split % 7 + 1 channels (so
// streams of that channel count open), and the whole input is also parsed as an NPY header.
// Properties: every input either opens or fails with a message; an opened source reports sane
// info (1..65536 channels, positive rate, one positive gain per channel) and reads exactly
// total_rows whole rows. Files live in a private directory under /tmp (removed at exit).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "site/bio/npy.hpp"
#include "site/bio/openephys.hpp"

namespace fs = std::filesystem;

namespace {

struct Dir {
  fs::path root = fs::temp_directory_path() / ("ion-fuzz-oebin-" + std::to_string(::getpid()));
  Dir() { fs::create_directories(root / "continuous" / "s"); }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

void write_file(const fs::path& p, const uint8_t* data, size_t size) {
  std::ofstream o(p, std::ios::binary | std::ios::trunc);
  o.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

// Reads the whole source and checks its info against what it delivers.
void drain(ion::bio::SignalSource& src) {
  const auto& info = src.info();
  ION_FUZZ_CHECK(info.channels >= 1 && info.channels <= 65536);
  ION_FUZZ_CHECK(info.sample_rate_hz > 0 && std::isfinite(info.sample_rate_hz));
  ION_FUZZ_CHECK(info.gain_v.size() == info.channels);
  for (float g : info.gain_v) ION_FUZZ_CHECK(g > 0);
  // At most 64 Ki samples per read (at least 4 rows): a 1 MB input holds up to ~500 000 rows of
  // one channel, which the loop's bound of 100 000 reads must cover.
  const size_t kRows = std::max<size_t>(4, 65536 / info.channels);
  std::vector<int16_t> buf(size_t{info.channels} * kRows);
  int64_t rows = 0;
  for (int i = 0; i < 100000; ++i) {
    auto n = src.read(buf);
    ION_FUZZ_CHECK(n.is_ok());
    if (*n == 0) break;
    ION_FUZZ_CHECK(*n <= kRows);
    rows += static_cast<int64_t>(*n);
  }
  ION_FUZZ_CHECK(rows == info.total_rows);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 2 * 1024 * 1024) return -1;  // 1 MB JSON with deep nesting (fuzz/make_large_inputs.py)
  static Dir dir;
  size_t split = 0;
  while (split < size && data[split] != 0) ++split;
  const size_t dat_at = split < size ? split + 1 : size;
  write_file(dir.root / "structure.oebin", data, split);
  write_file(dir.root / "continuous" / "s" / "continuous.dat", data + dat_at, size - dat_at);
  const uint32_t channels = split % 7 + 1;  // a few channel counts for the raw reader and the NPY
  std::vector<int64_t> samples((size - dat_at) / (2 * channels));
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<int64_t>(i);
  const std::string npy = ion::bio::npy_file(ion::bio::NpyType::i8, samples.data(), samples.size());
  write_file(dir.root / "continuous" / "s" / "sample_numbers.npy", reinterpret_cast<const uint8_t*>(npy.data()),
             npy.size());
  auto src = ion::bio::open_openephys(dir.root.string());
  if (src) drain(**src);
  else ION_FUZZ_CHECK(!src.status().message().empty());
  auto header = ion::bio::parse_npy_header({reinterpret_cast<const char*>(data), size}, "input");
  if (!header) ION_FUZZ_CHECK(!header.status().message().empty());
  auto raw = ion::bio::open_raw_int16((dir.root / "continuous" / "s" / "continuous.dat").string(), channels, 30000.0,
                                      0.195e-6);
  if (raw) drain(**raw);
  else ION_FUZZ_CHECK(!raw.status().message().empty());
  return 0;
}
