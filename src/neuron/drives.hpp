// SPDX-License-Identifier: Apache-2.0
#pragma once
// Drives: spike trains (regular pacemaker, Poisson, piecewise-constant rate schedules) and input
// currents (constant, steps, ramps, sampled waveforms such as seeded noise read from a file).
// All randomness comes from ion::Rng; all times are int64 ns.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/prng.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::neuron {

// ---- spike trains ----------------------------------------------------------------------------
// Spikes at start + phase + k/rate in [start, end). rate <= 0 → none.
std::vector<Time> regular_train(double rate_hz, Time start, Time end, Duration phase_ns = 0);
// Homogeneous Poisson process in [start, end) (exponential intervals).
std::vector<Time> poisson_train(double rate_hz, Time start, Time end, Rng& rng);

struct RatePhase {
  double rate_hz = 0;
  Duration duration_ns = 0;
};
enum class SpikeProcess { regular, poisson };

// "10Hz 10s, 50Hz 5s, 10Hz 10s" (phases separated by ',' or ';'). Errors name the phase.
Result<std::vector<RatePhase>> parse_rate_schedule(std::string_view text);
Duration schedule_length(std::span<const RatePhase> phases);
// Concatenates each phase's train; a regular phase restarts its grid at the phase start.
std::vector<Time> schedule_train(std::span<const RatePhase> phases, SpikeProcess process, Time start, Rng& rng);

// Independent Poisson inputs of one rate to each of n targets, drawn per step: the total count
// is Poisson(n·rate·dt) and each input picks a target uniformly (equivalent in law, O(inputs)).
class PoissonGroup {
 public:
  PoissonGroup(size_t n, double rate_hz, Rng rng) : n_(n), rate_hz_(rate_hz), rng_(rng) {}
  // Appends the targets of the inputs falling in one step of dt_s (a target may repeat).
  void draw(double dt_s, std::vector<uint32_t>& targets);
  double rate_hz() const { return rate_hz_; }

 private:
  size_t n_;
  double rate_hz_;
  Rng rng_;
};

// ---- input currents --------------------------------------------------------------------------
// Spec strings (the CLI's --input):
//   "const,0.5nA"                      I = 0.5 nA always
//   "step,0.8nA,100ms,600ms"           0.8 nA for 100 ms <= t < 600 ms, else 0
//   "ramp,0nA,1nA,0ms,2s"              linear from 0 to 1 nA over [0, 2 s), else 0
//   "file,PATH,0.1ms"                  samples (A, one per line, '#' comments) each held for 0.1 ms
//   "noise,0.5nA,0.2nA,0.1ms,SEED"     seeded Gaussian samples (mean, sd) held for 0.1 ms each
class CurrentInput {
 public:
  enum class Kind { constant, step, ramp, samples, noise };
  static Result<CurrentInput> parse(std::string_view spec);
  static CurrentInput constant(double amp_a);
  static CurrentInput step(double amp_a, Time on, Time off);
  static CurrentInput ramp(double from_a, double to_a, Time t0, Time t1);
  static CurrentInput samples(std::vector<double> values_a, Duration sample_dt_ns);
  static CurrentInput noise(double mean_a, double sd_a, Duration sample_dt_ns, uint64_t seed);

  // Current (A) at time t (for a step starting at t, held over the step).
  double at(Time t);
  Kind kind() const { return kind_; }

 private:
  Kind kind_ = Kind::constant;
  double a0_ = 0, a1_ = 0;
  Time t0_ = 0, t1_ = 0;
  std::vector<double> samples_;
  Duration sample_dt_ns_ = 1;
  Rng rng_{0};  // noise: samples_ is extended lazily, so values never depend on query order
};

// Seeded Gaussian noise samples (A): mean + sd·N(0,1) from Rng::stream(seed, "neuron.noise").
std::vector<double> noise_samples(double mean_a, double sd_a, size_t count, uint64_t seed);
// One value per line, "%.17g" (exact round trip). Errors name the path.
Status write_samples(const std::string& path, std::span<const double> values);
Result<std::vector<double>> read_samples(const std::string& path);

}  // namespace ion::neuron
