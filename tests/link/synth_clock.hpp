// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helper: a local clock with offset, drift and optional step against a master clock that
// reads true time, and a probe exchange over a jittery symmetric path (pure arithmetic).
#include <cmath>

#include "core/prng.hpp"
#include "core/time.hpp"
#include "link/clock_estimator.hpp"

namespace ion::link::test {

struct SynthClock {
  double offset_ns = 0;  // local − true at true time 0
  double drift = 0;      // local rate − 1
  Time step_at_true_ns = kTimeNever;
  double step_ns = 0;  // added to local after step_at_true_ns

  Time local(Time true_ns) const {
    double l = static_cast<double>(true_ns) * (1.0 + drift) + offset_ns;
    if (true_ns >= step_at_true_ns) l += step_ns;
    return static_cast<Time>(std::llround(l));
  }
  // True time at which this clock reads local_ns (inverse of local()).
  Time true_at(Time local_ns) const {
    double l = static_cast<double>(local_ns) - offset_ns;
    double t = l / (1.0 + drift);
    if (static_cast<Time>(t) >= step_at_true_ns) t = (l - step_ns) / (1.0 + drift);
    return static_cast<Time>(std::llround(t));
  }
  // Master (true) time − local time, at the given local reading.
  double true_offset_at_local(Time local_ns) const { return static_cast<double>(true_at(local_ns) - local_ns); }
};

// One probe exchange starting at true time t: one-way delays base + U(0, jitter) each way.
inline ClockSample exchange(const SynthClock& c, Time true_send_ns, Duration base_ns, Duration jitter_ns, Rng& rng) {
  const Time t_arrive = true_send_ns + base_ns + static_cast<Time>(rng.uniform() * static_cast<double>(jitter_ns));
  const Time t_reply = t_arrive + 20 * kMicrosecond;  // master processing
  const Time t_back = t_reply + base_ns + static_cast<Time>(rng.uniform() * static_cast<double>(jitter_ns));
  return ClockSample{c.local(true_send_ns), t_arrive, t_reply, c.local(t_back)};
}

// The minimum-RTT exchange of a wave of `n` probes spaced 5 ms apart from true time t.
inline ClockSample wave_min(const SynthClock& c, Time t, int n, Duration base_ns, Duration jitter_ns, Rng& rng) {
  ClockSample best{};
  for (int i = 0; i < n; ++i) {
    ClockSample s = exchange(c, t + i * 5 * kMillisecond, base_ns, jitter_ns, rng);
    if (i == 0 || s.rtt_ns() < best.rtt_ns()) best = s;
  }
  return best;
}

}  // namespace ion::link::test
