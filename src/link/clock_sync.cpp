// SPDX-License-Identifier: Apache-2.0
#include "link/clock_sync.hpp"

#include <algorithm>

namespace ion::link {

ClockSync::ClockSync(ClockSyncConfig cfg) : cfg_(cfg), est_(cfg.estimator) {
  cfg_.probes_per_wave = std::max<uint32_t>(cfg_.probes_per_wave, 1);
}

void ClockSync::start(Time now_ns) {
  started_ = true;
  wave_open_ = false;
  pending_.clear();
  best_.reset();
  best_fwd_.reset();
  best_back_.reset();
  close_at_ns_ = kTimeNever;
  sent_in_wave_ = cfg_.probes_per_wave;  // "previous wave complete": next probe opens a wave
  wave_start_ns_ = now_ns - cfg_.wave_interval_ns;
}

Time ClockSync::next_probe_at() const {
  if (!started_) return kTimeNever;
  if (sent_in_wave_ < cfg_.probes_per_wave) return wave_start_ns_ + sent_in_wave_ * cfg_.probe_spacing_ns;
  return wave_start_ns_ + cfg_.wave_interval_ns;
}

ProbeToSend ClockSync::take_probe(Time now_ns) {
  if (sent_in_wave_ >= cfg_.probes_per_wave) {
    if (wave_open_) close_wave();
    ++wave_;
    sent_in_wave_ = 0;
    wave_open_ = true;
    // Keep the wave grid unless the caller fell far behind.
    const Time planned = wave_start_ns_ + cfg_.wave_interval_ns;
    wave_start_ns_ = now_ns - planned > cfg_.probe_spacing_ns ? now_ns : planned;
  }
  ProbeToSend p{wave_, sent_in_wave_, now_ns};
  pending_.push_back(p);
  ++sent_in_wave_;
  ++counters_.probes_sent;
  if (sent_in_wave_ == cfg_.probes_per_wave) close_at_ns_ = now_ns + cfg_.reply_timeout_ns;
  return p;
}

bool ClockSync::on_reply(uint32_t wave, uint32_t probe, Time t1_ns, Time t2_ns, Time t3_ns, Time t4_ns) {
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [&](const ProbeToSend& p) { return p.wave == wave && p.probe == probe && p.t1_ns == t1_ns; });
  const ClockSample s{t1_ns, t2_ns, t3_ns, t4_ns};
  if (!wave_open_ || it == pending_.end() || s.rtt_ns() < 0 || t4_ns < t1_ns) {
    ++counters_.replies_ignored;
    return false;
  }
  pending_.erase(it);
  ++counters_.replies;
  if (!best_ || s.rtt_ns() < best_->rtt_ns()) best_ = s;
  if (!best_fwd_ || t2_ns - t1_ns < best_fwd_->t2_ns - best_fwd_->t1_ns) best_fwd_ = s;
  if (!best_back_ || t4_ns - t3_ns < best_back_->t4_ns - best_back_->t3_ns) best_back_ = s;
  return true;
}

void ClockSync::service(Time now_ns) {
  if (wave_open_ && now_ns >= close_at_ns_) close_wave();
}

Time ClockSync::next_deadline() const {
  const Time close = wave_open_ ? close_at_ns_ : kTimeNever;
  return std::min(close, next_probe_at());
}

void ClockSync::close_wave() {
  wave_open_ = false;
  close_at_ns_ = kTimeNever;
  pending_.clear();
  ++counters_.waves;
  if (!best_) {
    ++counters_.waves_empty;
    return;
  }
  if (add_wave()) ++counters_.samples_used;
  best_.reset();
  best_fwd_.reset();
  best_back_.reset();
}

bool ClockSync::add_wave() {
  if (!cfg_.per_direction_minima) return est_.add(*best_);
  // u = t2 − t1 = θ + d_fwd, v = t4 − t3 = −θ + d_back ⇒ θ ≈ (u_min − v_min) / 2 at the mean
  // of the two exchanges' midpoints (exact for a linear θ).
  const ClockSample& f = *best_fwd_;
  const ClockSample& b = *best_back_;
  const Duration u = f.t2_ns - f.t1_ns;
  const Duration v = b.t4_ns - b.t3_ns;
  const Time x = f.local_mid_ns() + (b.local_mid_ns() - f.local_mid_ns()) / 2;
  return est_.add_point(x, 0.5 * static_cast<double>(u - v), u + v);
}

}  // namespace ion::link
