// SPDX-License-Identifier: Apache-2.0
#include "site/bio/interlock.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace ion::bio {

const char* refusal_name(Refusal r) {
  static constexpr const char* kNames[kRefusalKinds] = {
      "none",   "bad_weight",     "weight_above_one", "bad_electrode", "amplitude", "width",
      "charge", "electrode_rate", "global_rate",      "time_reversal", "internal"};
  const auto i = static_cast<size_t>(r);
  return i < kRefusalKinds ? kNames[i] : "?";
}

ApprovedStimulus& ApprovedStimulus::operator=(ApprovedStimulus&& o) noexcept {
  if (this != &o) {
    s_ = o.s_;
    valid_ = o.valid_;
    o.valid_ = false;
  }
  return *this;
}

bool ApprovedStimulus::consume() {
  const bool was = valid_;
  valid_ = false;
  return was;
}

namespace {
double pulse_charge(const StimLimits& lim, double amplitude, double width_s) {
  return lim.mode == StimMode::current ? amplitude * width_s : lim.capacitance_f * amplitude;
}
// Float that never exceeds v (v >= 0): the stored value must not round above a limit.
float round_down(double v) {
  float f = static_cast<float>(v);
  if (static_cast<double>(f) > v) f = std::nextafter(f, 0.0f);
  return f;
}
}  // namespace

bool pulse_within_limits(const Stimulus& s, const StimLimits& lim) {
  const double a = s.amplitude, w = s.width_s, q = s.charge_c;
  if (!std::isfinite(a) || !std::isfinite(w) || !std::isfinite(q)) return false;
  if (a < 0 || a > lim.max_amplitude) return false;
  if (w < lim.min_width_s * (1 - 1e-6) || w > lim.max_width_s) return false;
  if (s.electrode >= lim.electrode_count) return false;
  const double qmax = lim.charge_limit_c();
  if (pulse_charge(lim, a, w) > qmax || q < 0 || q > qmax) return false;
  return shannon_k(pulse_charge(lim, a, w), lim.electrode_area_m2) < lim.shannon_k || a == 0;
}

Result<Interlock> Interlock::create(const StimLimits& limits, const StimMapping& mapping) {
  ION_TRY(limits.validate());
  ION_TRY(mapping.validate());
  if (mapping.width_min_s < limits.min_width_s || mapping.width_max_s > limits.max_width_s)
    return error(Errc::invalid_argument,
                 fmt::format("stimulus mapping widths [{}, {}] s must lie within the limits [{}, {}] s",
                             mapping.width_min_s, mapping.width_max_s, limits.min_width_s, limits.max_width_s));
  return Interlock(limits, mapping);
}

Interlock::Interlock(const StimLimits& l, const StimMapping& m)
    : lim_(l),
      map_(m),
      charge_limit_c_(l.charge_limit_c()),
      last_pulse_ns_(l.electrode_count, std::numeric_limits<Time>::min()),
      tokens_(l.global_burst) {}

double Interlock::charge_of(double amplitude, double width_s) const { return pulse_charge(lim_, amplitude, width_s); }

StimDecision Interlock::refuse(Stimulus rec, Refusal why) {
  rec.outcome = StimulusOutcome::refused;
  rec.charge_c = 0;
  ++counters_.refused;
  ++counters_.by_reason[static_cast<size_t>(why)];
  StimDecision d;
  d.record = rec;
  d.reason = why;
  return d;
}

// Brings amplitude, width and charge within the limits (clamp policy) or reports why not.
bool Interlock::fit_pulse(Stimulus& s, bool& clamped, Refusal& why) const {
  const bool clamp = lim_.policy == ViolationPolicy::clamp;
  double amp = s.amplitude, width = s.width_s;
  if (width < lim_.min_width_s) return why = Refusal::width, false;
  if (width > lim_.max_width_s) {
    if (!clamp) return why = Refusal::width, false;
    width = lim_.max_width_s, clamped = true;
  }
  if (amp > lim_.max_amplitude) {
    if (!clamp) return why = Refusal::amplitude, false;
    amp = lim_.max_amplitude, clamped = true;
  }
  if (charge_of(amp, width) > charge_limit_c_) {
    if (!clamp) return why = Refusal::charge, false;
    amp = lim_.mode == StimMode::current ? charge_limit_c_ / width : charge_limit_c_ / lim_.capacitance_f;
    clamped = true;
  }
  s.amplitude = round_down(amp);
  s.width_s = round_down(width);
  s.charge_c = round_down(charge_of(s.amplitude, s.width_s));
  return true;
}

bool Interlock::take_rate_budget(uint32_t electrode, Time now_ns, Refusal& why) {
  const Time last = last_pulse_ns_[electrode];
  const auto min_interval_ns = static_cast<Time>(std::ceil(1e9 / lim_.max_rate_hz));
  if (last != std::numeric_limits<Time>::min() && now_ns - last < min_interval_ns)
    return why = Refusal::electrode_rate, false;
  if (last_refill_ns_ != std::numeric_limits<Time>::min()) {
    const double dt_s = static_cast<double>(now_ns - last_refill_ns_) * 1e-9;
    tokens_ = std::min(lim_.global_burst, tokens_ + dt_s * lim_.global_rate_hz);
  }
  last_refill_ns_ = now_ns;
  if (tokens_ < 1.0) return why = Refusal::global_rate, false;
  tokens_ -= 1.0;
  last_pulse_ns_[electrode] = now_ns;
  return true;
}

StimDecision Interlock::review(const SynapticInput& input, int64_t electrode, Time now_ns) {
  ++counters_.requests;
  Stimulus rec;
  rec.t = now_ns;
  rec.synapse = input.synapse;
  rec.cathodic_first = map_.cathodic_first;
  rec.electrode = static_cast<ElectrodeId>(std::clamp<int64_t>(electrode, 0, 0xFFFF));
  if (now_ns < last_decision_ns_) return refuse(rec, Refusal::time_reversal);
  last_decision_ns_ = now_ns;
  if (electrode < 0 || electrode >= static_cast<int64_t>(lim_.electrode_count))
    return refuse(rec, Refusal::bad_electrode);
  double w = input.weight;
  if (!std::isfinite(w) || w < 0) return refuse(rec, Refusal::bad_weight);
  bool clamped = false;
  if (w > 1) {
    if (lim_.policy == ViolationPolicy::refuse) return refuse(rec, Refusal::weight_above_one);
    w = 1, clamped = true;
  }
  const double amp_span = map_.amplitude_max - map_.amplitude_min;
  const double width_span = map_.width_max_s - map_.width_min_s;
  rec.amplitude = static_cast<float>(map_.amplitude_min + (map_.weight_to_amplitude ? w * amp_span : 0));
  rec.width_s = static_cast<float>(map_.width_min_s + (map_.weight_to_width ? w * width_span : 0));
  Refusal why = Refusal::none;
  if (!fit_pulse(rec, clamped, why)) return refuse(rec, why);
  if (!pulse_within_limits(rec, lim_)) return refuse(rec, Refusal::internal);
  if (!take_rate_budget(static_cast<uint32_t>(electrode), now_ns, why)) return refuse(rec, why);
  rec.outcome = clamped ? StimulusOutcome::clamped : StimulusOutcome::delivered;
  ++(clamped ? counters_.clamped : counters_.delivered);
  StimDecision d;
  d.record = rec;
  d.approved.emplace(ApprovedStimulus(rec));
  return d;
}

Status EmulatedStimulator::deliver(ApprovedStimulus&& pulse) {
  ApprovedStimulus token(std::move(pulse));
  if (!token.consume()) return error(Errc::invalid_argument, "stimulator: the approved stimulus was already spent");
  delivered_.push_back(token.pulse());
  if (sink_) sink_(ctx_, token.pulse());
  return Status::ok();
}

}  // namespace ion::bio
