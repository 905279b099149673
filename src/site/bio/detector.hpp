// SPDX-License-Identifier: Apache-2.0
#pragma once
// Online spike detection over interleaved multi-channel blocks, causal and block-size independent:
// band-pass (Butterworth biquads) → MAD noise estimate → threshold k·σ → peak alignment → dead time.
// A spike is emitted align_window after its threshold crossing, stamped with the sample of its
// peak. Per-channel state is structure-of-arrays; process() allocates nothing except appending
// to the caller's output vector.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/events.hpp"
#include "core/status.hpp"
#include "site/bio/filter.hpp"
#include "site/bio/noise.hpp"

namespace ion::bio {

enum class Polarity : uint8_t { negative, positive, both };
const char* polarity_name(Polarity p);
Result<Polarity> parse_polarity(std::string_view s);

struct DetectorConfig {
  uint32_t channels = 0;
  double sample_rate_hz = 0;
  double band_lo_hz = 300, band_hi_hz = 3000;
  int order = 2;  // per edge: order-n high-pass + order-n low-pass
  // threshold = k·σ. 4.35: best precision/recall balance at SNR 6 on the emulated cultures
  // (docs/benchmarks.md, detect); with noise rows inside spikes left out of σ this is about the
  // operating point 4.3 had when σ still read 1–3 % high from the channel's own spikes.
  double threshold_k = 4.35;
  Polarity polarity = Polarity::negative;
  double dead_time_s = 1e-3;       // after a peak, no new detection on that channel
  double align_window_s = 0.5e-3;  // peak search after the crossing (also the added latency)
  // After-lobe rejection: a peak within lobe_window of the previous accepted peak on the channel
  // and smaller than lobe_ratio × that peak is the band-pass ringing of the earlier spike, not a
  // new spike (0 disables). Counted in Detector::lobes_rejected().
  double lobe_window_s = 2.5e-3;
  double lobe_ratio = 0.8;
  // MAD noise estimate (MadNoise, 1024-value ring per channel): the first estimate (end of the
  // warm-up, no detection before) from noise_window_s of signal, replaced when the ring is full;
  // then refills spanning 4×, 16×, … more signal, up to noise_track_window_s, each weighted by
  // its span; then steady re-estimates from a ring spanning noise_track_window_s. Band-passed
  // samples 40 µs apart are strongly correlated, so the early estimates are the noisiest (σ's
  // relative SD ≈ 5 % at 41 ms); a 1 s ring holds nearly independent values (≈ 2 % after
  // smoothing; measured, docs/benchmarks.md). Rows inside a detected spike are left out.
  double noise_window_s = 0.01;
  double noise_track_window_s = 1.0;
  double noise_update_s = 1.0;  // each channel re-estimated this often
  float noise_alpha = 0.25f;    // smoothing of successive estimates
  bool snippets = false;        // keep the filtered waveform around each peak
  double snippet_pre_s = 0.5e-3, snippet_post_s = 1.0e-3;
  std::vector<float> gain_v;  // per channel volts per input unit (empty → 1.0)
  SiteId site = 0;            // Spike.source = {site, channel}
  Time t0_ns = 0;             // time of sample 0

  Status validate() const;
};

struct DetectedSpike {
  uint32_t channel = 0;
  int64_t sample = 0;     // sample index of the peak (0 = first sample processed)
  float amplitude_v = 0;  // filtered peak value × gain
  float threshold_v = 0;  // threshold in force at the crossing × gain (signed)
  uint32_t snippet =
      0;  // index into Detector::snippets() in snippet_length() units (if enabled; restarts after clear_snippets())
};

class Detector {
 public:
  static Result<Detector> create(const DetectorConfig& cfg);
  Detector(Detector&&) noexcept;
  Detector& operator=(Detector&&) noexcept;
  ~Detector();

  // Processes `rows` complete rows of interleaved int16 samples (size = rows × channels) and
  // appends the spikes finalised within them to `out`, in row order.
  // REQUIRES: block.size() is a multiple of channels (else error, nothing processed).
  Status process(std::span<const int16_t> block, std::vector<DetectedSpike>& out);
  // Emits spikes whose peak search is still open (end of a recording).
  void flush(std::vector<DetectedSpike>& out);

  Spike to_spike(const DetectedSpike& d) const;
  Time sample_time_ns(int64_t sample) const;
  int64_t rows_processed() const;
  uint64_t lobes_rejected() const;
  const DetectorConfig& config() const;
  float sigma(uint32_t channel) const;  // in input units
  bool noise_ready() const;
  uint32_t snippet_length() const;
  // Snippets of all spikes emitted so far, snippet_length() floats each (volts), pre + post.
  const std::vector<float>& snippets() const;
  void clear_snippets();

 private:
  struct State;
  explicit Detector(std::unique_ptr<State> s);
  std::unique_ptr<State> st_;
};

// Samples at `rate_hz` are aligned to [t0, t0 + n/rate): sample i → t0 + round(i·1e9/rate).
Time sample_to_ns(int64_t sample, double rate_hz, Time t0_ns);

}  // namespace ion::bio
