// SPDX-License-Identifier: Apache-2.0
#pragma once
// One seeded PRNG family for everything that must be reproducible (never std::random_device or
// std:: distributions, whose output differs between standard libraries).
// Generator: xoshiro256** seeded through splitmix64. Independent per-subsystem streams are derived
// from (experiment seed, stream name) so adding a subsystem never shifts another one's numbers.
#include <cstdint>
#include <string_view>

namespace ion {

uint64_t splitmix64(uint64_t& state);
// 64-bit FNV-1a of a name, used to derive stream keys.
uint64_t hash_name(std::string_view name);

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  // A stream for one subsystem, e.g. Rng::stream(seed, "sim.link.hub->bio").
  static Rng stream(uint64_t seed, std::string_view name);
  // A child stream of this one (deterministic, does not advance this generator).
  Rng fork(std::string_view name) const;

  uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform();
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n). REQUIRES: n > 0. Unbiased (Lemire's method).
  uint64_t below(uint64_t n);
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal via the Marsaglia polar method (caches the second value).
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Exponential with the given rate (mean 1/rate). REQUIRES: rate > 0.
  double exponential(double rate);
  // Poisson count with mean lambda >= 0 (inversion for small lambda, PTRS for large).
  uint64_t poisson(double lambda);

  uint64_t seed_key() const { return key_; }

 private:
  uint64_t s_[4];
  uint64_t key_;
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace ion
