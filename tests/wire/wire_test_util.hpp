// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared helpers for wire tests: random events and headers from a seeded ion::Rng, equality.
#include <bit>
#include <cstdint>
#include <vector>

#include "core/prng.hpp"
#include "wire/codec.hpp"

namespace ion::wire::testing {

inline bool same_bits(float a, float b) { return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b); }

inline bool equal(const Event& a, const Event& b) {
  if (a.index() != b.index()) return false;
  if (auto* x = std::get_if<Spike>(&a)) {
    auto& y = std::get<Spike>(b);
    return x->source == y.source && x->t == y.t && x->kind == y.kind;
  }
  if (auto* x = std::get_if<SynapticInput>(&a)) {
    auto& y = std::get<SynapticInput>(b);
    return x->post == y.post && x->synapse == y.synapse && same_bits(x->weight, y.weight) && x->t == y.t;
  }
  if (auto* x = std::get_if<Stimulus>(&a)) {
    auto& y = std::get<Stimulus>(b);
    return x->electrode == y.electrode && x->t == y.t && same_bits(x->amplitude, y.amplitude) &&
           same_bits(x->width_s, y.width_s) && same_bits(x->charge_c, y.charge_c) && x->synapse == y.synapse &&
           x->outcome == y.outcome && x->cathodic_first == y.cathodic_first;
  }
  auto& x = std::get<WeightUpdate>(a);
  auto& y = std::get<WeightUpdate>(b);
  return x.synapse == y.synapse && x.t == y.t && same_bits(x.resistance_ohm, y.resistance_ohm) &&
         same_bits(x.weight, y.weight) && x.action == y.action;
}

// A 64-bit value with a random magnitude class, so small and huge varints both occur.
inline uint64_t wide(Rng& r) {
  const unsigned bits = static_cast<unsigned>(r.below(65));
  if (bits == 0) return 0;
  const uint64_t v = r.next_u64();
  return bits == 64 ? v : v & ((uint64_t{1} << bits) - 1);
}
inline float rand_float(Rng& r) { return static_cast<float>(r.uniform(-1e6, 1e6)); }
inline Time rand_time_near(Rng& r, Time base) {
  switch (r.below(4)) {
    case 0:
      return static_cast<Time>(wide(r));  // anything, incl. negative
    case 1:
      return base - static_cast<Time>(r.below(10'000'000));
    default:
      return base + static_cast<Time>(r.below(1'000'000)) - 500'000;
  }
}
inline NeuronAddr rand_addr(Rng& r) { return {static_cast<SiteId>(r.below(kNoSite)), static_cast<uint32_t>(wide(r))}; }

inline Event random_event(Rng& r, Time base) {
  switch (r.below(4)) {
    case 0:
      return Spike{rand_addr(r), rand_time_near(r, base), static_cast<SpikeKind>(r.below(4))};
    case 1:
      return SynapticInput{rand_addr(r), static_cast<SynapseId>(wide(r)), static_cast<float>(r.uniform()),
                           rand_time_near(r, base)};
    case 2: {
      Stimulus s;
      s.electrode = static_cast<ElectrodeId>(r.below(65536));
      s.t = rand_time_near(r, base);
      s.amplitude = rand_float(r);
      s.width_s = static_cast<float>(r.uniform(0, 1e-3));
      s.charge_c = rand_float(r);
      s.synapse = static_cast<SynapseId>(wide(r));
      s.outcome = static_cast<StimulusOutcome>(r.below(3));
      s.cathodic_first = r.bernoulli(0.5);
      return s;
    }
    default: {
      WeightUpdate w;
      w.synapse = static_cast<SynapseId>(wide(r));
      w.t = rand_time_near(r, base);
      w.resistance_ohm = rand_float(r);
      w.weight = static_cast<float>(r.uniform());
      w.action = static_cast<PlasticityAction>(static_cast<int>(r.below(3)) - 1);
      return w;
    }
  }
}

inline Header random_header(Rng& r, MsgType type, bool insecure) {
  Header h;
  h.type = type;
  h.flags = insecure ? kFlagInsecure : 0;
  h.sender = static_cast<SiteId>(r.below(65536));
  h.receiver = static_cast<SiteId>(r.below(65536));
  h.sender_epoch = r.next_u64();
  h.receiver_epoch = r.next_u64();
  h.seq = wide(r);
  h.send_time_ns = static_cast<Time>(wide(r));
  return h;
}

}  // namespace ion::wire::testing
