// SPDX-License-Identifier: Apache-2.0
#pragma once
// The saturating spike sender shared by `ion bench link` and `ion bench hub`.
#include <cstddef>

#include "core/events.hpp"
#include "env/real_env.hpp"
#include "link/link.hpp"

namespace ion::link::bench {

// Sends bursts of `burst` spikes to `peer` per loop iteration (all stamped with the iteration's
// time) for `span`, letting the loop run between bursts, then flushes. address(k) is the k-th
// spike's neuron. Bounded by `span`; a loop error stops it and is returned.
template <class Address>
Status saturate(RealEnv& env, Link& link, SiteId peer, Duration span, size_t burst, Address&& address) {
  const Time end = env.now() + span;
  uint64_t k = 0;
  while (env.now() < end) {
    const Time t = env.now();
    for (size_t b = 0; b < burst; ++b) (void)link.send(peer, Spike{address(k++), t, SpikeKind::spike});
    ION_TRY(env.run_once(t));
  }
  link.flush_all();
  return Status::ok();
}

}  // namespace ion::link::bench
