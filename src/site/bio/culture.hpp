// SPDX-License-Identifier: Apache-2.0
#pragma once
// An emulated neuronal culture on a multi-electrode array, with ground truth.
//
// Neurons (ion::neuron populations, AdEx by default, heterogeneous parameters) fire spontaneously
// from a noisy (Ornstein–Uhlenbeck) background current, optionally coupled by recurrent
// current-based synapses. Each neuron sits in 2-D over a square electrode grid; its spikes appear
// on every electrode as a biphasic extracellular waveform scaled by distance ((r0/d)², flat within
// r0). Each electrode adds noise shaped so its σ in the 300–3000 Hz detection band equals
// noise_uv, plus optional slow drift and stimulus artefacts. Amplitudes are set so the depth of a
// neuron's band-passed trough on its own electrode is snr..snr·snr_spread times that σ (the SNR
// definition used by the detection benchmark: what a negative-polarity detector sees). A delivered stimulus injects an
// EPSC-like current into nearby neurons, proportional to its charge. One step of the neurons per sample; all randomness
// from ion::Rng streams of `seed`; deterministic.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "core/status.hpp"

namespace ion::bio {

struct CultureConfig {
  uint32_t channels = 60;
  double sample_rate_hz = 25000;
  double pitch_m = 200e-6;             // electrode spacing (square grid)
  uint32_t neurons_per_electrode = 2;  // placed within r0 of each electrode
  uint32_t background_neurons = 0;     // placed uniformly over the array
  double r0_m = 20e-6;                 // amplitude is flat within r0, ∝ (r0/d)² beyond
  std::string model = "adex";          // any ion::neuron model name ("adex", "hh", …)
  double snr = 8;                      // band-passed trough depth / band noise σ on the own electrode
  double snr_spread = 1.5;             // per-neuron SNR uniform in [snr, snr·snr_spread]
  double truth_min_snr = 4;            // a (spike, channel) pair is ground truth above this SNR
  double noise_uv = 10;                // noise σ in the detection band, µV
  double bit_volts_uv = 0.195;         // int16 quantum (Intan), µV
  double drive_mean_a = 0.47e-9;       // mean background current (× U(0.85, 1.05) per neuron)
  double drive_sd_a = 0.25e-9;         // OU background current σ
  double drive_tau_s = 5e-3;
  bool recurrent = false;
  double connection_prob = 0.05;
  double syn_weight_a = 0.3e-9;  // current jump per presynaptic spike
  double syn_tau_s = 5e-3;
  double drift_uv = 0;              // slow per-channel drift amplitude (0.1–1 Hz)
  double artefact_uv = 0;           // stimulus artefact amplitude at max charge on the electrode
  double stim_radius_m = 100e-6;    // neurons within this distance receive stimulus current
  double stim_gain_a_per_c = 10.0;  // peak current per delivered charge (A/C) at distance 0
  double stim_tau_s = 3e-3;
  double burn_in_s = 0.5;  // neurons run this long before sample 0 (no output)
  uint64_t seed = 1;

  Status validate() const;
};

struct TruthSpike {
  uint32_t neuron = 0;
  uint32_t channel = 0;
  int64_t sample = 0;  // sample of the waveform trough on that channel
  float snr = 0;       // band-passed trough depth / noise σ on that channel
};

class Culture {
 public:
  static Result<Culture> create(const CultureConfig& cfg);
  Culture(Culture&&) noexcept;
  Culture& operator=(Culture&&) noexcept;
  ~Culture();

  // Produces the next out.size() / channels rows of int16 samples (interleaved), in bit units of
  // bit_volts_uv. REQUIRES: out.size() is a multiple of channels.
  void generate(std::span<int16_t> out);
  // Queues a delivered stimulus; it acts from the sample at s.t (or immediately if past).
  void stimulate(const Stimulus& s);

  // Ground truth of everything generated so far, in generation order (by spike onset).
  const std::vector<TruthSpike>& truth() const;
  int64_t rows_generated() const;
  uint32_t neuron_count() const;
  const CultureConfig& config() const;
  // Neuron position (m) and electrode position (m).
  std::pair<double, double> neuron_xy(uint32_t i) const;
  std::pair<double, double> electrode_xy(uint32_t e) const;
  uint64_t neuron_spikes() const;  // all spikes fired so far

 private:
  struct State;
  explicit Culture(std::unique_ptr<State> s);
  std::unique_ptr<State> st_;
};

// Sets drive_mean_a (within [-1, 2] nA; drive_sd_a unchanged) so an unconnected culture of this
// configuration fires at about target_hz per neuron: bisection, each step a seeded 3 s run of 8
// neurons on one electrode. Returns the adjusted configuration.
Result<CultureConfig> calibrate_drive(CultureConfig cfg, double target_hz);

// Writes truth as CSV: "neuron,channel,sample,time_s,snr".
Status write_truth_csv(const std::string& path, const std::vector<TruthSpike>& truth, double rate_hz);

}  // namespace ion::bio
