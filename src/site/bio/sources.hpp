// SPDX-License-Identifier: Apache-2.0
#pragma once
// Signal sources of the bio site: blocks of interleaved int16 rows from a recording or an emulator.
//   * Open Ephys binary sessions (site/bio/openephys.hpp).
//   * raw int16 LE interleaved file with explicit channels, rate and gain.
//   * HDF5 2-D int16 dataset [samples][channels] (attributes sample_rate / bit_volts optional).
//   * the culture emulator.
// All errors name the file and what was expected; nothing throws.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "site/bio/culture.hpp"

namespace ion::bio {

struct SignalInfo {
  uint32_t channels = 0;
  double sample_rate_hz = 0;
  std::vector<float> gain_v;  // volts per int16 unit, per channel
  int64_t total_rows = -1;    // -1: unbounded (emulator)
  std::string description;    // e.g. "Open Ephys DIR (continuous[0] 'ion-culture-100.0')"
};

class SignalSource {
 public:
  virtual ~SignalSource() = default;
  virtual const SignalInfo& info() const = 0;
  // Fills up to out.size() / channels whole rows; returns the number of rows (0 = end of data).
  virtual Result<size_t> read(std::span<int16_t> out) = 0;
};

// Opens `path` and checks it holds whole rows of info.channels int16 LE samples (sets total_rows).
Result<std::unique_ptr<SignalSource>> open_int16_frames(const std::string& path, SignalInfo info);
// Open Ephys binary sessions: site/bio/openephys.hpp.
Result<std::unique_ptr<SignalSource>> open_raw_int16(const std::string& path, uint32_t channels, double rate_hz,
                                                     double gain_v);
// rate_hz / gain_v <= 0: take them from the dataset's attributes "sample_rate" / "bit_volts" (µV).
Result<std::unique_ptr<SignalSource>> open_hdf5(const std::string& path, const std::string& dataset, double rate_hz,
                                                double gain_v);
// Emits `rows` rows of the culture (then end of data). Takes ownership.
std::unique_ptr<SignalSource> culture_source(Culture culture, int64_t rows);

}  // namespace ion::bio
