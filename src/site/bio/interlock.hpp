// SPDX-License-Identifier: Apache-2.0
#pragma once
// The stimulation safety interlock: the only path from a SynapticInput to a pulse on tissue.
//
// Bypass is impossible by construction: a Stimulator accepts only an ApprovedStimulus, which
// only the Interlock can create (private constructor), cannot be copied, and is spent when it is
// moved from or delivered. Every decision — delivered, clamped or refused — is counted and
// returned as a Stimulus event for the recording.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/events.hpp"
#include "core/status.hpp"
#include "site/bio/stim_limits.hpp"

namespace ion::bio {

enum class Refusal : uint8_t {
  none = 0,
  bad_weight,        // NaN, ±inf or negative weight
  weight_above_one,  // weight > 1 under the refuse policy
  bad_electrode,     // electrode index outside 0..electrode_count-1
  amplitude,         // mapped amplitude above the limit (refuse policy)
  width,             // mapped width outside [min, max] (refuse policy)
  charge,            // charge above cap / density / Shannon limit (refuse policy)
  electrode_rate,    // closer than 1/max_rate_hz to the previous pulse on this electrode
  global_rate,       // global token bucket empty
  time_reversal,     // time earlier than a previous decision (rate limits would be void)
  internal,          // final re-check failed (a bug; never delivered)
  count_
};
inline constexpr size_t kRefusalKinds = static_cast<size_t>(Refusal::count_);
const char* refusal_name(Refusal r);

struct InterlockCounters {
  uint64_t requests = 0;
  uint64_t delivered = 0;  // approved unchanged
  uint64_t clamped = 0;    // approved after reduction to the limits
  uint64_t refused = 0;    // sum of by_reason
  std::array<uint64_t, kRefusalKinds> by_reason{};
  uint64_t of(Refusal r) const { return by_reason[static_cast<size_t>(r)]; }
};

class Interlock;

// A pulse that passed the interlock. Move-only; the moved-from object is spent.
class ApprovedStimulus {
 public:
  ApprovedStimulus(const ApprovedStimulus&) = delete;
  ApprovedStimulus& operator=(const ApprovedStimulus&) = delete;
  ApprovedStimulus(ApprovedStimulus&& o) noexcept : s_(o.s_), valid_(o.valid_) { o.valid_ = false; }
  ApprovedStimulus& operator=(ApprovedStimulus&& o) noexcept;

  bool valid() const { return valid_; }
  const Stimulus& pulse() const { return s_; }
  // Marks the token used (called by a Stimulator when it delivers). Returns false if already spent.
  bool consume();

 private:
  friend class Interlock;
  explicit ApprovedStimulus(const Stimulus& s) : s_(s), valid_(true) {}
  Stimulus s_;
  bool valid_ = false;
};

// The interlock's answer: the record (always) and the token (only when approved).
struct StimDecision {
  Stimulus record;  // outcome delivered/clamped/refused; charge 0 if refused
  Refusal reason = Refusal::none;
  std::optional<ApprovedStimulus> approved;
};

// True when the pulse satisfies every amplitude/width/charge limit (not the rate limits).
bool pulse_within_limits(const Stimulus& s, const StimLimits& lim);

class Interlock {
 public:
  // Validates limits and mapping; absurd limits → error, no interlock.
  static Result<Interlock> create(const StimLimits& limits, const StimMapping& mapping);

  // Maps input.weight to a pulse on `electrode` at time now_ns and checks it.
  // REQUIRES: nothing — every input, however malformed, gives a counted decision.
  StimDecision review(const SynapticInput& input, int64_t electrode, Time now_ns);
  // The bio site's default routing: the electrode is the post neuron's index.
  StimDecision review(const SynapticInput& input, Time now_ns) {
    return review(input, static_cast<int64_t>(input.post.index), now_ns);
  }

  const InterlockCounters& counters() const { return counters_; }
  const StimLimits& limits() const { return lim_; }
  const StimMapping& mapping() const { return map_; }

 private:
  Interlock(const StimLimits& l, const StimMapping& m);
  StimDecision refuse(Stimulus rec, Refusal why);
  bool fit_pulse(Stimulus& s, bool& clamped, Refusal& why) const;
  double charge_of(double amplitude, double width_s) const;
  bool take_rate_budget(uint32_t electrode, Time now_ns, Refusal& why);

  StimLimits lim_;
  StimMapping map_;
  double charge_limit_c_ = 0;
  std::vector<Time> last_pulse_ns_;  // per electrode; INT64_MIN = never
  double tokens_ = 0;
  Time last_refill_ns_ = INT64_MIN;
  Time last_decision_ns_ = INT64_MIN;
  InterlockCounters counters_;
};

// A device that puts approved pulses on electrodes. Real drivers implement this later.
class Stimulator {
 public:
  virtual ~Stimulator() = default;
  // Consumes the token; a spent or invalid token → error and nothing delivered.
  virtual Status deliver(ApprovedStimulus&& pulse) = 0;
};

// Emulated stimulator: keeps the delivered pulses and forwards them to an optional sink
// (e.g. the culture emulator). Not thread-safe.
class EmulatedStimulator final : public Stimulator {
 public:
  using Sink = void (*)(void* ctx, const Stimulus& s);
  EmulatedStimulator() = default;
  EmulatedStimulator(Sink sink, void* ctx) : sink_(sink), ctx_(ctx) {}
  Status deliver(ApprovedStimulus&& pulse) override;
  const std::vector<Stimulus>& delivered() const { return delivered_; }

 private:
  Sink sink_ = nullptr;
  void* ctx_ = nullptr;
  std::vector<Stimulus> delivered_;
};

}  // namespace ion::bio
