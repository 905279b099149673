// SPDX-License-Identifier: Apache-2.0
#include "site/bio/signal_recorder.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ion::bio {

Status StimulusTtl::onset(OpenEphysWriter& w, int64_t sample, const Stimulus& s) {
  ION_TRY(flush(w, sample));
  ION_TRY(w.ttl(sample, static_cast<int>(s.electrode) + 1, true));
  line_ = static_cast<int>(s.electrode) + 1;
  onset_ = sample;
  fall_ = sample + std::max<int64_t>(1, std::llround(2.0 * s.width_s * rate_hz_));
  return Status::ok();
}

Status StimulusTtl::flush(OpenEphysWriter& w, int64_t before) {
  if (line_ == 0) return Status::ok();
  const int line = line_;
  line_ = 0;
  return w.ttl(std::max(onset_, std::min(fall_, before)), line, false);
}

Result<SignalRecorder> SignalRecorder::create(const SignalRecordingConfig& cfg, uint32_t channels, double rate_hz,
                                              double bit_volts_uv) {
  if (cfg.storage == nullptr) return error(Errc::invalid_argument, cfg.session + ": signal recording without storage");
  OeStreamSpec spec;
  spec.channels = channels;
  spec.sample_rate_hz = rate_hz;
  spec.bit_volts_uv = bit_volts_uv;
  auto w = OpenEphysWriter::create(*cfg.storage, cfg.session, spec);
  if (!w) return w.status().prefixed("signal recording: ");
  return SignalRecorder(std::move(*w), rate_hz, cfg.session);
}

Status SignalRecorder::block(std::span<const int16_t> rows) {
  if (closed_) return Status::ok();
  if (auto s = w_->write(rows); !s) return failed(s);
  rows_ = w_->rows();
  return Status::ok();
}

Status SignalRecorder::stimulus(const Stimulus& s) {
  if (closed_ || s.outcome == StimulusOutcome::refused) return Status::ok();
  // As Culture::stimulate: the nearest row, or the next one to be generated if that is past.
  const int64_t row = std::llround(static_cast<double>(s.t) * 1e-9 * rate_hz_);
  if (auto st = ttl_.onset(*w_, std::max(row, rows_), s); !st) return failed(st);
  return Status::ok();
}

Status SignalRecorder::close() {
  Status s = complete();
  return s ? s : s.prefixed("signal recording failed: ");
}

Status SignalRecorder::complete() {
  if (closed_) return Status::ok();
  closed_ = true;
  ION_TRY(ttl_.flush(*w_, std::max<int64_t>(0, rows_ - 1)));
  return w_->close();
}

// The writer has cut the data file back to its whole rows (OpenEphysWriter::write); completing
// the session for those rows keeps what was recorded readable.
Status SignalRecorder::failed(const Status& s) {
  Status done = complete();
  const std::string kept = done ? fmt::format("the session {} keeps the first {} rows", session_, rows_)
                                : fmt::format("the session {} could not be completed either ({})", session_,
                                              done.message());
  return error(s.code(), fmt::format("signal recording failed: {}; {}", s.message(), kept));
}

}  // namespace ion::bio
