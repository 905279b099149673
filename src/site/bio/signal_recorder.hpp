// SPDX-License-Identifier: Apache-2.0
#pragma once
// The bio site's raw signal recording (`[recording] signal = true`, docs/recording.md §7.1): every
// block of int16 rows the site processes (from the culture emulator or a replayed recording) and
// every delivered stimulus as TTL edges, written as an Open Ephys session through OpenEphysWriter
// (and so through the Storage facet).
//
// Failure contract: the first failed write stops the recording. The data file is then cut back to
// the last whole block that was written and the metadata (.npy files, structure.oebin,
// settings.xml) is written for exactly those rows, so the partial session stays readable when the
// storage still accepts the small metadata files; the error says how many rows the session keeps.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/events.hpp"
#include "core/status.hpp"
#include "site/bio/openephys.hpp"

namespace ion::bio {

// Stimuli as TTL edges on line electrode + 1: rising at the onset sample, falling after both
// phases of the pulse (or at the next onset / the end of the recording, if sooner).
class StimulusTtl {
 public:
  explicit StimulusTtl(double rate_hz) : rate_hz_(rate_hz) {}
  Status onset(OpenEphysWriter& w, int64_t sample, const Stimulus& s);
  // Ends the pulse in progress at the latest at sample `before` (never before its onset).
  Status flush(OpenEphysWriter& w, int64_t before);

 private:
  double rate_hz_;
  int line_ = 0;
  int64_t onset_ = 0;
  int64_t fall_ = 0;
};

struct SignalRecordingConfig {
  Storage* storage = nullptr;
  std::string session;  // the session root, e.g. <out>/<site>.openephys
};

class SignalRecorder {
 public:
  // One bit_volts for every channel (the session's settings hold one per stream here).
  static Result<SignalRecorder> create(const SignalRecordingConfig& cfg, uint32_t channels, double rate_hz,
                                       double bit_volts_uv);
  SignalRecorder(SignalRecorder&&) noexcept = default;
  SignalRecorder& operator=(SignalRecorder&&) noexcept = default;
  ~SignalRecorder() = default;

  // Whole rows, in order. On failure the recording is closed (see the contract above).
  Status block(std::span<const int16_t> rows);
  // A delivered stimulus; its onset is the row the emulator applies it at (no earlier than the
  // rows already recorded).
  Status stimulus(const Stimulus& s);
  // Ends pending TTL pulses at the last row and completes the session.
  Status close();
  int64_t rows() const { return rows_; }

 private:
  SignalRecorder(OpenEphysWriter w, double rate_hz, std::string session)
      : w_(std::move(w)), rate_hz_(rate_hz), session_(std::move(session)), ttl_(rate_hz) {}
  Status failed(const Status& s);
  Status complete();  // close() without the message prefix

  std::optional<OpenEphysWriter> w_;
  double rate_hz_ = 0;
  std::string session_;
  StimulusTtl ttl_;
  int64_t rows_ = 0;
  bool closed_ = false;
};

}  // namespace ion::bio
