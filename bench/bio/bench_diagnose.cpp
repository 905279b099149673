// SPDX-License-Identifier: Apache-2.0
// diagnose_snr(): why spikes are missed or falsely detected on an emulated culture (bench.hpp).
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "bench/bio/bench_detect.hpp"
#include "site/bio/culture.hpp"
#include "site/bio/detector.hpp"
#include "site/bio/filter.hpp"

namespace ion::bio {

namespace {
// Sample counts of the windows the diagnosis uses.
struct Windows {
  int64_t tol, lobe, misaligned, near, isolated;
  explicit Windows(double fs)
      : tol(std::llround(0.4e-3 * fs)),
        lobe(std::llround(2.5e-3 * fs)),
        misaligned(std::llround(1.6e-3 * fs)),
        near(std::llround(5e-3 * fs)),
        isolated(std::llround(4e-3 * fs)) {}
};

struct Recording {
  uint32_t channels = 0;
  int64_t rows = 0;
  std::vector<float> y, noise;     // band-passed signal and band-passed noise alone [row][ch]
  std::vector<float> sigma;        // detector σ at each row [row][ch] (0 before the first estimate)
  std::vector<double> sigma_true;  // σ of the band-passed noise per channel
  std::vector<DetectedSpike> spikes;
  std::vector<TruthSpike> truth;
  std::vector<std::vector<int64_t>> det_at, truth_at;  // per channel, sorted samples

  float at(const std::vector<float>& v, int64_t r, uint32_t c) const {
    return v[static_cast<size_t>(r) * channels + c];
  }
  // Elements e of sorted v with lo <= |e − s| <= hi.
  size_t count_within(const std::vector<int64_t>& v, int64_t s, int64_t lo, int64_t hi) const {
    size_t n = 0;
    for (auto it = std::lower_bound(v.begin(), v.end(), s - hi); it != v.end() && *it <= s + hi; ++it)
      n += std::llabs(*it - s) >= lo;
    return n;
  }
  bool any_within(const std::vector<int64_t>& v, int64_t s, int64_t lo, int64_t hi) const {
    return count_within(v, s, lo, hi) > 0;
  }
  // Another truth spike on channel c within `hi` of s (t itself counts once).
  bool other_truth_within(uint32_t c, int64_t s, int64_t hi) const { return count_within(truth_at[c], s, 0, hi) > 1; }
};

std::vector<float> band_pass(const std::vector<int16_t>& x, uint32_t n_channels, double fs) {
  FilterBank bank(*butterworth_bandpass(2, 300, 3000, fs), n_channels);
  std::vector<float> y(x.size());
  for (size_t r = 0; r < x.size() / n_channels; ++r) bank.process_row(&x[r * n_channels], &y[r * n_channels]);
  return y;
}

Status record(Recording& rec, double snr, uint32_t n_channels, double seconds, uint64_t seed, double k) {
  CultureConfig cc;
  cc.channels = n_channels;
  cc.snr = snr;
  cc.snr_spread = 1.0;
  cc.truth_min_snr = std::min(cc.truth_min_snr, snr);
  cc.seed = seed;
  CultureConfig quiet = cc;
  quiet.snr = 1e-6;  // below the emulator's 0.02 cut-off: no waveform is rendered, same noise
  auto a = Culture::create(cc);
  ION_TRY(a.status());
  auto b = Culture::create(quiet);
  ION_TRY(b.status());
  const double fs = cc.sample_rate_hz;
  const auto block = static_cast<int64_t>(fs * 1e-3);
  rec.channels = n_channels;
  rec.rows = static_cast<int64_t>(seconds * fs) / block * block;
  std::vector<int16_t> xa(static_cast<size_t>(rec.rows) * n_channels), xb(xa.size());
  a->generate(xa);
  b->generate(xb);
  DetectorConfig dc;
  dc.channels = n_channels;
  dc.sample_rate_hz = fs;
  dc.threshold_k = k;
  auto det = Detector::create(dc);
  ION_TRY(det.status());
  rec.sigma.assign(xa.size(), 0.0f);
  for (int64_t r = 0; r < rec.rows; r += block) {
    ION_TRY(det->process({xa.data() + r * n_channels, static_cast<size_t>(block * n_channels)}, rec.spikes));
    for (int64_t q = r; q < r + block; ++q)
      for (uint32_t c = 0; c < n_channels; ++c) rec.sigma[static_cast<size_t>(q) * n_channels + c] = det->sigma(c);
  }
  det->flush(rec.spikes);
  rec.y = band_pass(xa, n_channels, fs);
  rec.noise = band_pass(xb, n_channels, fs);
  rec.truth = a->truth();
  return Status::ok();
}

void index(Recording& rec) {
  const uint32_t n_channels = rec.channels;
  rec.sigma_true.assign(n_channels, 0.0);
  const int64_t from = std::min<int64_t>(2000, rec.rows / 2);
  for (uint32_t c = 0; c < n_channels; ++c) {
    double s = 0;
    for (int64_t r = from; r < rec.rows; ++r) s += std::pow(rec.at(rec.noise, r, c), 2);
    rec.sigma_true[c] = std::sqrt(s / static_cast<double>(rec.rows - from));
  }
  rec.det_at.assign(n_channels, {});
  rec.truth_at.assign(n_channels, {});
  for (const auto& s : rec.spikes) rec.det_at[s.channel].push_back(s.sample);
  for (const auto& t : rec.truth) rec.truth_at[t.channel].push_back(t.sample);
  for (auto& v : rec.det_at) std::sort(v.begin(), v.end());
  for (auto& v : rec.truth_at) std::sort(v.begin(), v.end());
}

// The cause of one miss (no detection within ±tol); see SnrDiagnosis.
void classify_miss(const Recording& rec, const TruthSpike& t, const Windows& w, double k, SnrDiagnosis& d) {
  const int64_t tol = w.tol;
  const uint32_t c = t.channel;
  if (rec.at(rec.sigma, t.sample, c) <= 0) {
    ++d.miss_warmup;
    return;
  }
  int64_t lowest = t.sample;
  for (int64_t r = t.sample - tol; r <= t.sample + tol; ++r)
    if (rec.at(rec.y, r, c) < rec.at(rec.y, lowest, c)) lowest = r;
  const double y = rec.at(rec.y, lowest, c);
  const bool crossed_detector = y < -k * rec.at(rec.sigma, lowest, c);
  const bool crossed_true = y < -k * rec.sigma_true[c];
  if (!crossed_detector && !crossed_true) ++d.miss_below;
  else if (!crossed_detector) ++d.miss_sigma;
  else if (rec.other_truth_within(c, t.sample, w.lobe)) ++d.miss_overlap;
  else if (rec.any_within(rec.det_at[c], t.sample, tol + 1, w.misaligned)) ++d.miss_misaligned;
  else ++d.miss_other;
}

void classify(const Recording& rec, const Windows& w, double k, SnrDiagnosis& d) {
  const int64_t tol = w.tol;
  double trough_sum = 0;
  d.trough_min = 1e300;
  d.trough_max = 0;
  for (const auto& t : rec.truth) {
    const uint32_t c = t.channel;
    if (t.sample < tol || t.sample + tol >= rec.rows) continue;
    if (!rec.other_truth_within(c, t.sample, w.isolated)) {
      double trough = 0;
      for (int64_t r = t.sample - tol; r <= t.sample + tol; ++r)
        trough = std::min(trough, static_cast<double>(rec.at(rec.y, r, c) - rec.at(rec.noise, r, c)));
      const double v = -trough / rec.sigma_true[c];
      trough_sum += v, ++d.troughs;
      d.trough_min = std::min(d.trough_min, v), d.trough_max = std::max(d.trough_max, v);
    }
    if (!rec.any_within(rec.det_at[c], t.sample, 0, tol)) classify_miss(rec, t, w, k, d);
  }
  d.trough_mean = d.troughs ? trough_sum / static_cast<double>(d.troughs) : 0;
  if (d.troughs == 0) d.trough_min = 0;
  for (const auto& s : rec.spikes) {
    const uint32_t c = s.channel;
    if (rec.any_within(rec.truth_at[c], s.sample, 0, tol)) continue;
    const double spike = rec.at(rec.y, s.sample, c) - rec.at(rec.noise, s.sample, c);
    const bool near = rec.any_within(rec.truth_at[c], s.sample, 0, w.near) || std::fabs(spike) > rec.sigma_true[c];
    ++(near ? d.fp_near_spike : d.fp_noise);
  }
}

void sigma_stats(const Recording& rec, double fs, SnrDiagnosis& d) {
  double s1 = 0, s2 = 0;
  uint64_t n = 0;
  const auto step = static_cast<int64_t>(0.1 * fs);
  for (int64_t r = static_cast<int64_t>(3 * fs); r < rec.rows; r += step)
    for (uint32_t c = 0; c < rec.channels; ++c) {
      const double q = rec.at(rec.sigma, r, c) / rec.sigma_true[c];
      s1 += q, s2 += q * q, ++n;
    }
  if (n == 0) return;
  d.sigma_ratio_mean = s1 / static_cast<double>(n);
  d.sigma_ratio_sd = std::sqrt(std::max(0.0, s2 / static_cast<double>(n) - d.sigma_ratio_mean * d.sigma_ratio_mean));
}
}  // namespace

Result<SnrDiagnosis> diagnose_snr(double snr, uint32_t channels, double seconds, uint64_t seed, double threshold_k) {
  if (!(seconds > 0 && seconds <= 600)) return error(Errc::out_of_range, "diagnosis length must be in (0, 600] s");
  Recording rec;
  ION_TRY(record(rec, snr, channels, seconds, seed, threshold_k));
  index(rec);
  const double fs = CultureConfig{}.sample_rate_hz;
  const Windows w(fs);
  SnrDiagnosis d;
  std::vector<ChannelEvent> det, truth;
  for (const auto& s : rec.spikes) det.push_back({s.channel, s.sample});
  for (const auto& t : rec.truth) truth.push_back({t.channel, t.sample});
  d.m = match_spikes(det, truth, w.tol);
  classify(rec, w, threshold_k, d);
  sigma_stats(rec, fs, d);
  return d;
}

}  // namespace ion::bio
