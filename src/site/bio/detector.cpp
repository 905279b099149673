// SPDX-License-Identifier: Apache-2.0
#include "site/bio/detector.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace ion::bio {

const char* polarity_name(Polarity p) {
  switch (p) {
    case Polarity::negative:
      return "neg";
    case Polarity::positive:
      return "pos";
    case Polarity::both:
      return "both";
  }
  return "?";
}

Result<Polarity> parse_polarity(std::string_view s) {
  if (s == "neg" || s == "negative") return Polarity::negative;
  if (s == "pos" || s == "positive") return Polarity::positive;
  if (s == "both") return Polarity::both;
  return error(Errc::invalid_argument, fmt::format("unknown polarity \"{}\": expected neg, pos or both", s));
}

Time sample_to_ns(int64_t sample, double rate_hz, Time t0_ns) {
  return t0_ns + std::llround(static_cast<double>(sample) * 1e9 / rate_hz);
}

Status DetectorConfig::validate() const {
  if (channels == 0 || channels > 65536)
    return error(Errc::out_of_range, fmt::format("detector channels = {} must be 1..65536", channels));
  if (!std::isfinite(sample_rate_hz) || sample_rate_hz < 1000 || sample_rate_hz > 1e6)
    return error(Errc::out_of_range, fmt::format("detector sample rate {} Hz must be 1 kHz..1 MHz", sample_rate_hz));
  ION_TRY(butterworth_bandpass(order, band_lo_hz, band_hi_hz, sample_rate_hz).status());
  if (!std::isfinite(threshold_k) || threshold_k <= 0 || threshold_k > 100)
    return error(Errc::out_of_range, fmt::format("threshold k = {} must be in (0, 100]", threshold_k));
  auto span_ok = [](double v) { return std::isfinite(v) && v >= 0 && v <= 1.0; };
  if (!span_ok(dead_time_s) || !span_ok(align_window_s) || !span_ok(snippet_pre_s) || !span_ok(snippet_post_s))
    return error(Errc::out_of_range, "dead time, align window and snippet spans must be 0..1 s");
  if (!std::isfinite(noise_window_s) || noise_window_s <= 0 || noise_window_s > 60 || !std::isfinite(noise_update_s) ||
      noise_update_s <= 0 || noise_update_s > 3600)
    return error(Errc::out_of_range, "noise window must be in (0, 60] s and noise update in (0, 3600] s");
  if (!(noise_track_window_s >= noise_window_s && noise_track_window_s <= 60))
    return error(Errc::out_of_range, fmt::format("noise tracking window {} s must be in [noise window {} s, 60 s]",
                                                 noise_track_window_s, noise_window_s));
  if (!span_ok(lobe_window_s) || !(lobe_ratio >= 0 && lobe_ratio <= 1))
    return error(Errc::out_of_range, "lobe window must be 0..1 s and lobe ratio 0..1");
  if (!(noise_alpha > 0 && noise_alpha <= 1))
    return error(Errc::out_of_range, fmt::format("noise alpha {} must be in (0, 1]", noise_alpha));
  if (!gain_v.empty() && gain_v.size() != channels)
    return error(Errc::invalid_argument,
                 fmt::format("detector gain list has {} entries for {} channels", gain_v.size(), channels));
  return Status::ok();
}

struct Detector::State {
  DetectorConfig cfg;
  FilterBank bank;
  MadNoise noise;
  uint32_t n;
  int64_t row = 0;
  int32_t align_rows, dead_rows, pre_rows, post_rows, lobe_rows;
  float lobe_ratio;
  uint64_t lobes = 0;
  std::vector<float> y, lo, hi, best, thr_at, gain, last_amp;
  std::vector<int64_t> last_row;  // peak row of the last accepted spike per channel
  std::vector<uint8_t> mode, flag;
  std::vector<int8_t> sign;
  std::vector<int32_t> left;
  std::vector<int64_t> best_row;
  std::vector<float> ring;  // snippets: [hist_rows][n] filtered history
  int32_t hist_rows = 0;
  int64_t written = 0;  // rows stored in ring so far
  std::vector<float> snippets;

  State(const DetectorConfig& c, const std::vector<Biquad>& sections, uint32_t win, uint32_t dec, uint64_t upd,
        uint32_t track, uint32_t first)
      : cfg(c),
        bank(sections, c.channels),
        noise(c.channels, win, dec, upd, c.noise_alpha, track, first),
        n(c.channels) {}

  enum Mode : uint8_t { kIdle = 0, kSearching = 1, kDead = 2, kWaiting = 3 };
  void refresh(uint32_t c);
  void handle(uint32_t c, float v, std::vector<DetectedSpike>& out);
  void finish_search(uint32_t c, std::vector<DetectedSpike>& out, bool final = false);
  void emit(uint32_t c, std::vector<DetectedSpike>& out);
  void copy_snippet(uint32_t c);
  void do_row(const int16_t* in, std::vector<DetectedSpike>& out);
};

void Detector::State::refresh(uint32_t c) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const float s = noise.sigma(c);
  const float t = static_cast<float>(cfg.threshold_k) * s;
  const bool usable = s > 1e-6f;  // a flat (dead) channel never triggers
  lo[c] = usable && cfg.polarity != Polarity::positive ? -t : -kInf;
  hi[c] = usable && cfg.polarity != Polarity::negative ? t : kInf;
}

void Detector::State::copy_snippet(uint32_t c) {
  const int64_t first = best_row[c] - pre_rows;
  for (int64_t r = first; r <= best_row[c] + post_rows; ++r) {
    const bool have = r >= 0 && r < written && r >= written - hist_rows;
    snippets.push_back(have ? ring[static_cast<size_t>(r % hist_rows) * n + c] * gain[c] : 0.0f);
  }
}

void Detector::State::emit(uint32_t c, std::vector<DetectedSpike>& out) {
  DetectedSpike d;
  d.channel = c;
  d.sample = best_row[c];
  d.amplitude_v = best[c] * gain[c];
  d.threshold_v = thr_at[c] * gain[c];
  if (cfg.snippets) {
    d.snippet = static_cast<uint32_t>(snippets.size() / static_cast<size_t>(pre_rows + post_rows + 1));
    copy_snippet(c);
  }
  out.push_back(d);
  const int64_t dead_left = dead_rows - (row - best_row[c]);
  mode[c] = dead_left > 0 ? kDead : kIdle;
  left[c] = static_cast<int32_t>(std::max<int64_t>(dead_left, 0));
}

void Detector::State::finish_search(uint32_t c, std::vector<DetectedSpike>& out, bool final) {
  if (best_row[c] - last_row[c] <= lobe_rows && std::fabs(best[c]) < lobe_ratio * last_amp[c]) {
    // Ringing of the previous spike: drop it and re-arm at once. No dead time from a dropped
    // lobe: it would blank a genuine spike right after the lobe (a later crossing within the
    // same lobe is searched and dropped again).
    ++lobes;
    mode[c] = kIdle;
    left[c] = 0;
    return;
  }
  last_row[c] = best_row[c];
  last_amp[c] = std::fabs(best[c]);
  if (cfg.snippets && !final) {
    const int64_t wait = best_row[c] + post_rows - row;
    if (wait > 0) {
      mode[c] = kWaiting;
      left[c] = static_cast<int32_t>(wait);
      return;
    }
  }
  emit(c, out);
}

void Detector::State::handle(uint32_t c, float v, std::vector<DetectedSpike>& out) {
  switch (mode[c]) {
    case kIdle:
      sign[c] = v < lo[c] ? -1 : 1;
      best[c] = v;
      best_row[c] = row;
      thr_at[c] = v < lo[c] ? lo[c] : hi[c];
      mode[c] = kSearching;
      left[c] = align_rows - 1;
      if (left[c] <= 0) finish_search(c, out);
      return;
    case kSearching:
      if (sign[c] * v > sign[c] * best[c]) best[c] = v, best_row[c] = row;
      if (--left[c] <= 0) finish_search(c, out);
      return;
    case kWaiting:
      if (--left[c] <= 0) emit(c, out);
      return;
    default:  // kDead
      if (--left[c] <= 0) mode[c] = kIdle;
      return;
  }
}

void Detector::State::do_row(const int16_t* in, std::vector<DetectedSpike>& out) {
  float* __restrict yv = y.data();
  bank.process_row(in, yv);
  noise.push_row(yv, mode.data());  // rows inside a detected spike (search, dead time) are not noise
  for (uint32_t c : noise.changed) refresh(c);
  noise.changed.clear();
  if (cfg.snippets) {
    std::memcpy(&ring[static_cast<size_t>(row % hist_rows) * n], yv, n * sizeof(float));
    written = row + 1;
  }
  const float* __restrict l = lo.data();
  const float* __restrict h = hi.data();
  const uint8_t* __restrict m = mode.data();
  uint8_t* __restrict f = flag.data();
  for (uint32_t c = 0; c < n; ++c) f[c] = static_cast<uint8_t>((yv[c] < l[c]) | (yv[c] > h[c]) | (m[c] != 0));
  for (uint32_t c0 = 0; c0 < n; c0 += 8) {  // flag has n rounded up to 8, padding is 0
    uint64_t word;
    std::memcpy(&word, f + c0, 8);
    while (word) {
      const int bit = __builtin_ctzll(word);
      handle(c0 + static_cast<uint32_t>(bit / 8), yv[c0 + bit / 8], out);
      word &= ~(0xFFull << (bit & ~7));
    }
  }
  ++row;
}

Result<Detector> Detector::create(const DetectorConfig& cfg) {
  ION_TRY(cfg.validate());
  auto sections = butterworth_bandpass(cfg.order, cfg.band_lo_hz, cfg.band_hi_hz, cfg.sample_rate_hz);
  ION_TRY(sections.status());
  const double fs = cfg.sample_rate_hz;
  constexpr uint32_t kWindow = 1024;
  const auto dec = static_cast<uint32_t>(std::max(1.0, std::ceil(cfg.noise_window_s * fs / kWindow)));
  const auto first = static_cast<uint32_t>(std::clamp(std::ceil(cfg.noise_window_s * fs / dec), 16.0, 1024.0));
  const auto track = std::max(dec, static_cast<uint32_t>(std::ceil(cfg.noise_track_window_s * fs / kWindow)));
  const auto upd = static_cast<uint64_t>(std::max(1.0, std::round(cfg.noise_update_s * fs)));
  auto st = std::make_unique<State>(cfg, *sections, kWindow, dec, upd, track, first);
  const uint32_t n = cfg.channels;
  auto rows = [&](double s) { return static_cast<int32_t>(std::lround(s * fs)); };
  st->align_rows = std::max(1, rows(cfg.align_window_s));
  st->dead_rows = rows(cfg.dead_time_s);
  st->lobe_rows = rows(cfg.lobe_window_s);
  st->lobe_ratio = static_cast<float>(cfg.lobe_ratio);
  st->last_amp.assign(n, 0.0f);
  st->last_row.assign(n, std::numeric_limits<int64_t>::min() / 2);
  st->pre_rows = rows(cfg.snippet_pre_s);
  st->post_rows = rows(cfg.snippet_post_s);
  st->y.assign(n, 0.0f);
  st->lo.assign(n, -std::numeric_limits<float>::infinity());
  st->hi.assign(n, std::numeric_limits<float>::infinity());
  st->best.assign(n, 0.0f);
  st->thr_at.assign(n, 0.0f);
  st->gain = cfg.gain_v.empty() ? std::vector<float>(n, 1.0f) : cfg.gain_v;
  st->mode.assign(n, 0);
  st->flag.assign((n + 7) / 8 * 8, 0);
  st->sign.assign(n, -1);
  st->left.assign(n, 0);
  st->best_row.assign(n, 0);
  if (cfg.snippets) {
    st->hist_rows = st->pre_rows + st->post_rows + 2;
    st->ring.assign(static_cast<size_t>(st->hist_rows) * n, 0.0f);
  }
  return Detector(std::move(st));
}

Detector::Detector(std::unique_ptr<State> s) : st_(std::move(s)) {}
Detector::Detector(Detector&&) noexcept = default;
Detector& Detector::operator=(Detector&&) noexcept = default;
Detector::~Detector() = default;

Status Detector::process(std::span<const int16_t> block, std::vector<DetectedSpike>& out) {
  const uint32_t n = st_->n;
  if (block.size() % n != 0)
    return error(Errc::invalid_argument,
                 fmt::format("detector block of {} samples is not a whole number of {}-channel rows", block.size(), n));
  const size_t rows = block.size() / n;
  for (size_t r = 0; r < rows; ++r) st_->do_row(block.data() + r * n, out);
  return Status::ok();
}

void Detector::flush(std::vector<DetectedSpike>& out) {
  for (uint32_t c = 0; c < st_->n; ++c) {
    if (st_->mode[c] == State::kSearching) st_->finish_search(c, out, /*final=*/true);
    else if (st_->mode[c] == State::kWaiting) st_->emit(c, out);
  }
}

Spike Detector::to_spike(const DetectedSpike& d) const {
  Spike s;
  s.source = NeuronAddr{st_->cfg.site, d.channel};
  s.t = sample_time_ns(d.sample);
  s.kind = SpikeKind::spike;
  return s;
}

Time Detector::sample_time_ns(int64_t sample) const {
  return sample_to_ns(sample, st_->cfg.sample_rate_hz, st_->cfg.t0_ns);
}
int64_t Detector::rows_processed() const { return st_->row; }
uint64_t Detector::lobes_rejected() const { return st_->lobes; }
const DetectorConfig& Detector::config() const { return st_->cfg; }
float Detector::sigma(uint32_t channel) const { return st_->noise.sigma(channel); }
bool Detector::noise_ready() const { return st_->noise.ready(); }
uint32_t Detector::snippet_length() const { return static_cast<uint32_t>(st_->pre_rows + st_->post_rows + 1); }
const std::vector<float>& Detector::snippets() const { return st_->snippets; }
void Detector::clear_snippets() { st_->snippets.clear(); }

}  // namespace ion::bio
