// SPDX-License-Identifier: Apache-2.0
#include "site/bio/bio_role.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <fmt/format.h>

namespace ion::bio {

Result<std::unique_ptr<BioRole>> BioRole::create(BioRoleConfig cfg, site::RoleHost& host) {
  if (cfg.culture.has_value() == (cfg.recording != nullptr))
    return error(Errc::invalid_argument, "bio site: configure exactly one signal source (culture or recording)");
  std::unique_ptr<BioRole> r(new BioRole(host));
  r->site_ = cfg.site;
  if (cfg.culture) {
    if (cfg.culture->seed == 0) cfg.culture->seed = host.rng("bio.culture").next_u64();
    auto c = Culture::create(*cfg.culture);
    ION_TRY(c.status());
    r->culture_.emplace(std::move(*c));
    r->rate_hz_ = cfg.culture->sample_rate_hz;
    r->channels_ = cfg.culture->channels;
  } else {
    r->recording_ = std::move(cfg.recording);
    r->rate_hz_ = r->recording_->info().sample_rate_hz;
    r->channels_ = r->recording_->info().channels;
  }
  DetectorConfig dc;
  dc.channels = r->channels_;
  dc.sample_rate_hz = r->rate_hz_;
  dc.threshold_k = cfg.threshold_k;
  dc.polarity = cfg.polarity;
  dc.site = cfg.site;
  if (r->recording_) dc.gain_v = r->recording_->info().gain_v;
  auto det = Detector::create(dc);
  ION_TRY(det.status());
  r->detector_.emplace(std::move(*det));
  cfg.limits.electrode_count = r->channels_;
  auto il = Interlock::create(cfg.limits, cfg.mapping);
  ION_TRY(il.status());
  r->interlock_.emplace(std::move(*il));
  if (r->culture_)
    r->stimulator_ = std::make_unique<EmulatedStimulator>(
        [](void* ctx, const Stimulus& s) { static_cast<Culture*>(ctx)->stimulate(s); }, &*r->culture_);
  else r->stimulator_ = std::make_unique<EmulatedStimulator>();  // recordings cannot be stimulated
  r->block_rows_ = std::max<size_t>(1, static_cast<size_t>(std::llround(cfg.block_s * r->rate_hz_)));
  r->buf_.resize(r->block_rows_ * r->channels_);
  r->last_stim_ns_.assign(r->channels_, std::numeric_limits<Time>::min() / 2);
  r->evoked_window_ns_ = cfg.evoked_window_ns;
  if (cfg.signal) ION_TRY(r->open_signal(*cfg.signal));
  return r;
}

// The session holds one bit_volts per stream: a recording with per-channel gains is refused.
Status BioRole::open_signal(const SignalRecordingConfig& cfg) {
  double gain_v = culture_ ? culture_->config().bit_volts_uv * 1e-6 : 0;
  if (recording_) {
    const auto& g = recording_->info().gain_v;
    if (g.empty() || std::any_of(g.begin(), g.end(), [&](float x) { return x != g.front(); }))
      return error(Errc::invalid_argument, "bio site: [recording] signal needs one gain for every channel of " +
                                               recording_->info().description);
    gain_v = g.front();
  }
  auto rec = SignalRecorder::create(cfg, channels_, rate_hz_, gain_v * 1e6);
  ION_TRY(rec.status());
  signal_.emplace(std::move(*rec));
  return Status::ok();
}

// A failed signal write stops the site: its recording would silently miss data otherwise.
void BioRole::check_signal(const Status& s) {
  if (s) return;
  signal_.reset();
  host_.fail_site(s);
}

void BioRole::process_rows(size_t rows) {
  std::span<int16_t> block(buf_.data(), rows * channels_);
  size_t got = rows;
  if (culture_) {
    culture_->generate(block);
  } else {
    auto n = recording_->read(block);
    if (!n.is_ok()) host_.record_note("bio: " + n.status().message());
    got = n.is_ok() ? *n : 0;
    if (got == 0) {
      ended_ = true;
      host_.record_note("bio: end of recording");
      return;
    }
  }
  if (signal_) check_signal(signal_->block({buf_.data(), got * channels_}));
  found_.clear();
  if (!detector_->process({buf_.data(), got * channels_}, found_).is_ok()) return;  // whole rows: cannot fail
  rows_ += static_cast<int64_t>(got);
  for (const auto& d : found_) {
    Spike s = detector_->to_spike(d);
    const Time since = s.t - last_stim_ns_[d.channel];
    s.kind = since >= 0 && since <= evoked_window_ns_ ? SpikeKind::evoked : SpikeKind::spontaneous;
    host_.emit_spike(s);
    ++spikes_;
  }
}

void BioRole::advance(Time now) {
  now_ns_ = std::max(now_ns_, now);
  const auto target = static_cast<int64_t>(std::floor(static_cast<double>(now_ns_) * 1e-9 * rate_hz_));
  while (!ended_ && rows_ < target)
    process_rows(static_cast<size_t>(std::min<int64_t>(target - rows_, static_cast<int64_t>(block_rows_))));
}

void BioRole::on_input(const SynapticInput& in) {
  auto d = interlock_->review(in, now_ns_);
  host_.record_stimulus(d.record);
  if (!d.approved) return;
  const ElectrodeId e = d.record.electrode;
  if (auto s = stimulator_->deliver(std::move(*d.approved)); !s) {
    host_.record_note("bio: stimulator: " + s.message());
    return;
  }
  last_stim_ns_[e] = d.record.t;
  if (signal_) check_signal(signal_->stimulus(d.record));
}

// The run has already ended for another reason, which is what it reports; completing the session
// is the best left to do; the event log is closed, so its own failure goes to standard error.
BioRole::~BioRole() {
  if (!signal_) return;
  if (Status s = signal_->close(); !s) std::fprintf(stderr, "ion: signal recording: %s\n", s.message().c_str());
}

void BioRole::finish(Time end) {
  advance(end);
  if (signal_) check_signal(signal_->close());
}

void BioRole::status(site::RoleStatus& out) const {
  const auto& c = interlock_->counters();
  out.interlock = site::InterlockStatus{c.delivered, c.clamped, c.refused};
}

}  // namespace ion::bio
