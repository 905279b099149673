// SPDX-License-Identifier: Apache-2.0
#include "site/bio/culture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include <fmt/format.h>

#include "core/prng.hpp"
#include "neuron/models.hpp"
#include "neuron/population.hpp"
#include "site/bio/filter.hpp"

namespace ion::bio {

namespace {
constexpr double kPi = std::numbers::pi;

struct Template {
  std::vector<float> w;  // unit waveform (trough −1 before scaling)
  int32_t trough = 0;    // index of the trough
};

// Biphasic extracellular spike: Gaussian trough then a zero-net-area rebound.
Template make_template(Rng& rng, double fs) {
  const double s1 = rng.uniform(0.10, 0.16), w2 = rng.uniform(0.3, 0.5), delay = rng.uniform(0.4, 0.6);
  const double r = s1 / w2;
  Template t;
  t.trough = static_cast<int32_t>(std::lround(0.6e-3 * fs));
  const auto len = static_cast<int32_t>(std::lround(2.6e-3 * fs));
  for (int32_t i = 0; i < len; ++i) {
    const double ms = (i - t.trough) / fs * 1e3;
    t.w.push_back(static_cast<float>(-std::exp(-ms * ms / (2 * s1 * s1)) +
                                     r * std::exp(-(ms - delay) * (ms - delay) / (2 * w2 * w2))));
  }
  return t;
}

// Depth of the trough of the waveform after the detection band-pass (order 2, 300–3000 Hz), as
// sampled: the amplitude a negative-polarity detector sees (SpikeInterface's SNR with
// peak_sign "neg"). Not max |y|: after the band-pass the rebound of a wide spike can exceed its
// trough (by up to 1.3× for these templates), and defining SNR by it would label a unit "SNR 6"
// whose trough is only 4.5σ deep.
double filtered_trough(const std::vector<float>& w, double fs) {
  FilterBank bank(*butterworth_bandpass(2, 300, 3000, fs), 1);
  double trough = 0;
  for (size_t i = 0; i < w.size() + static_cast<size_t>(fs * 5e-3); ++i) {
    const float x = i < w.size() ? w[i] : 0.0f;
    float y;
    bank.process_row(&x, &y);
    trough = std::max(trough, -static_cast<double>(y));
  }
  return trough;
}
}  // namespace

Status CultureConfig::validate() const {
  auto bad = [](const char* what, auto v, const char* expected) {
    return error(Errc::out_of_range, fmt::format("culture {} = {}: expected {}", what, v, expected));
  };
  if (channels == 0 || channels > 4096) return bad("channels", channels, "1..4096");
  if (!(sample_rate_hz >= 10000 && sample_rate_hz <= 30000)) return bad("rate", sample_rate_hz, "10–30 kHz");
  if (!(pitch_m > 0 && pitch_m < 1e-2)) return bad("pitch", pitch_m, "0 < pitch < 1 cm");
  if (neurons_per_electrode > 16) return bad("neurons per electrode", neurons_per_electrode, "0..16");
  if (background_neurons > 100000) return bad("background neurons", background_neurons, "<= 100000");
  if (!(snr > 0 && snr <= 100) || !(snr_spread >= 1 && snr_spread <= 10))
    return bad("snr", snr, "0 < snr <= 100, spread 1..10");
  if (!(noise_uv > 0 && noise_uv < 1000)) return bad("noise", noise_uv, "0 < noise < 1000 µV");
  if (!(bit_volts_uv > 0 && bit_volts_uv < 100)) return bad("bit_volts", bit_volts_uv, "0 < bit_volts < 100 µV");
  if (!std::isfinite(drive_mean_a) || !(drive_sd_a >= 0) || !(drive_tau_s > 0))
    return bad("drive", drive_mean_a, "finite mean, sd >= 0, tau > 0");
  if (!(connection_prob >= 0 && connection_prob <= 1)) return bad("connection probability", connection_prob, "0..1");
  if (!(drift_uv >= 0) || !(artefact_uv >= 0)) return bad("drift/artefact", drift_uv, ">= 0 µV");
  if (!(burn_in_s >= 0 && burn_in_s <= 60)) return bad("burn-in", burn_in_s, "0..60 s");
  if (!(r0_m > 0) || !(stim_radius_m >= 0) || !(stim_tau_s > 0) || !(syn_tau_s > 0))
    return bad("radius/tau", r0_m, "> 0");
  return Status::ok();
}

struct Culture::State {
  CultureConfig cfg;
  neuron::Population pop;
  uint32_t n = 0, cols = 1, substeps = 1;
  std::vector<uint8_t> fired;  // per neuron: spiked in this sample
  double dt_s = 0, fs = 0;
  double ou_decay = 0, ou_kick = 0, syn_decay = 0, stim_decay = 0;  // per row, from cfg (init_dynamics)
  Rng rng;
  std::vector<double> x, y;                  // neuron positions, m
  std::vector<double> drive, ou, syn, stim;  // per-neuron currents, A
  std::vector<Template> tmpl;
  struct Tap {
    uint32_t channel;
    float uv;
    float snr;
  };
  std::vector<std::vector<Tap>> taps;  // per neuron: channels that see it
  std::vector<std::vector<uint32_t>> targets;
  std::vector<std::vector<double>> syn_ring;  // [delay slot][neuron] arriving current
  size_t syn_delay_rows = 1;
  struct Active {
    uint32_t neuron;
    int64_t start;
  };
  std::vector<Active> active;
  struct Pending {
    int64_t row;
    uint32_t electrode;
    double charge_c;
  };
  std::vector<Pending> pending;
  struct Artefact {
    int64_t start;
    uint32_t electrode;
    double scale;
  };
  std::vector<Artefact> artefacts;
  std::vector<Biquad> noise_shape;
  std::unique_ptr<FilterBank> noise_bank;
  double noise_scale = 1;
  std::vector<double> drift_hz, drift_phase;
  std::vector<float> row_in, row_out;
  std::vector<TruthSpike> truth;
  std::vector<uint32_t> spiked_now;
  int64_t row = 0;
  uint64_t spikes = 0;

  explicit State(neuron::Population p) : pop(std::move(p)) {}
  void place(Rng& r);
  void make_taps(Rng& r);
  void connect(Rng& r);
  void calibrate_noise();
  void init_dynamics();
  void burn_in();
  void scale_param(const char* name, double lo, double hi, Rng& r);
  void step_neurons();
  void render_row(int16_t* out);
  double ex(uint32_t e) const { return (e % cols) * cfg.pitch_m; }
  double ey(uint32_t e) const { return (e / cols) * cfg.pitch_m; }
};

void Culture::State::place(Rng& r) {
  for (uint32_t e = 0; e < cfg.channels; ++e)
    for (uint32_t k = 0; k < cfg.neurons_per_electrode; ++k) {
      const double rad = cfg.r0_m * std::sqrt(r.uniform()), ang = r.uniform(0, 2 * kPi);
      x.push_back(ex(e) + rad * std::cos(ang));
      y.push_back(ey(e) + rad * std::sin(ang));
    }
  const double w = cols * cfg.pitch_m, h = ((cfg.channels + cols - 1) / cols) * cfg.pitch_m;
  for (uint32_t k = 0; k < cfg.background_neurons; ++k) {
    x.push_back(r.uniform(-0.5 * cfg.pitch_m, w - 0.5 * cfg.pitch_m));
    y.push_back(r.uniform(-0.5 * cfg.pitch_m, h - 0.5 * cfg.pitch_m));
  }
}

void Culture::State::make_taps(Rng& r) {
  taps.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    tmpl.push_back(make_template(r, fs));
    const double snr_i = cfg.snr * r.uniform(1.0, cfg.snr_spread);
    const double unit_peak = filtered_trough(tmpl.back().w, fs);
    for (uint32_t e = 0; e < cfg.channels; ++e) {
      const double d = std::hypot(x[i] - ex(e), y[i] - ey(e));
      const double f = std::pow(cfg.r0_m / std::max(d, cfg.r0_m), 2);
      const double snr_e = snr_i * f;
      if (snr_e < 0.02) continue;
      taps[i].push_back({e, static_cast<float>(snr_e * cfg.noise_uv / unit_peak), static_cast<float>(snr_e)});
    }
  }
}

void Culture::State::connect(Rng& r) {
  targets.assign(n, {});
  if (!cfg.recurrent) return;
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t j = 0; j < n; ++j)
      if (i != j && r.bernoulli(cfg.connection_prob)) targets[i].push_back(j);
}

// White noise → 1st-order low-pass at 6 kHz; scaled so σ in the detection band is noise_uv.
void Culture::State::calibrate_noise() {
  noise_shape = butterworth_lowpass(1, std::min(6000.0, 0.45 * fs), fs);
  FilterBank shape(noise_shape, 1), band(*butterworth_bandpass(2, 300, 3000, fs), 1);
  double energy = 0;
  for (int i = 0; i < static_cast<int>(fs); ++i) {
    const float imp = i == 0 ? 1.0f : 0.0f;
    float a, b;
    shape.process_row(&imp, &a);
    band.process_row(&a, &b);
    energy += static_cast<double>(b) * b;
  }
  noise_scale = cfg.noise_uv / std::sqrt(energy);
  noise_bank = std::make_unique<FilterBank>(noise_shape, cfg.channels);
}

Result<Culture> Culture::create(const CultureConfig& cfg) {
  ION_TRY(cfg.validate());
  auto model = neuron::find_model(cfg.model);
  ION_TRY(model.status());
  const double fs = cfg.sample_rate_hz;
  // One or more neuron steps per sample, within the model's largest stable dt.
  const double sample_ns = 1e9 / fs;
  const auto substeps = static_cast<uint32_t>(std::ceil(sample_ns / static_cast<double>((*model)->max_dt_ns)));
  const auto dt_ns = static_cast<Duration>(std::llround(sample_ns / substeps));
  const uint32_t n = cfg.channels * cfg.neurons_per_electrode + cfg.background_neurons;
  if (n == 0)
    return error(Errc::invalid_argument, "culture has no neurons (neurons per electrode and background both 0)");
  auto pop = neuron::Population::create(**model, n, dt_ns);
  ION_TRY(pop.status());
  auto st = std::make_unique<State>(std::move(*pop));
  st->substeps = substeps;
  st->cfg = cfg;
  st->n = n;
  st->fs = fs;
  st->dt_s = 1.0 / fs;
  st->cols = static_cast<uint32_t>(std::ceil(std::sqrt(static_cast<double>(cfg.channels))));
  st->rng = Rng::stream(cfg.seed, "bio.culture.noise");
  Rng geo = Rng::stream(cfg.seed, "bio.culture.geometry");
  st->place(geo);
  st->make_taps(geo);
  st->connect(geo);
  st->calibrate_noise();
  st->init_dynamics();
  st->burn_in();
  return Culture(std::move(st));
}

}  // namespace ion::bio

namespace ion::bio {

void Culture::State::scale_param(const char* name, double lo, double hi, Rng& r) {
  auto col = pop.param(name);
  if (!col.is_ok()) return;  // the model has no such parameter
  for (double& v : *col) v *= r.uniform(lo, hi);
}

// Heterogeneous parameters (±10–20 %, thresholds ±1 mV, AdEx adaptation ×0.5–1.5, HH C_m, g_Na,
// g_K ±10 %), drives,
// synaptic delay ring, drift.
void Culture::State::init_dynamics() {
  Rng r = Rng::stream(cfg.seed, "bio.culture.params");
  scale_param("C", 0.85, 1.15, r);
  scale_param("g_L", 0.85, 1.15, r);
  scale_param("b", 0.5, 1.5, r);
  scale_param("C_m", 0.9, 1.1, r);  // Hodgkin–Huxley models
  scale_param("g_Na", 0.9, 1.1, r);
  scale_param("g_K", 0.9, 1.1, r);
  if (auto vt = pop.param("V_T"); vt.is_ok())
    for (double& v : *vt) v += r.normal(0, 1e-3);
  if (auto tref = pop.param("t_ref"); tref.is_ok())
    for (double& v : *tref) v = std::max(v, 2e-3);
  pop.reset_state();
  if (auto v = pop.state("v"); v.is_ok())
    for (double& vi : *v) vi += r.uniform(0, 10e-3);  // desynchronise the start
  drive.resize(n);
  for (auto& d : drive) d = cfg.drive_mean_a * r.uniform(0.85, 1.05);
  ou.assign(n, 0.0);
  fired.assign(n, 0);
  syn.assign(n, 0.0);
  stim.assign(n, 0.0);
  ou_decay = std::exp(-dt_s / cfg.drive_tau_s);
  ou_kick = cfg.drive_sd_a * std::sqrt(1 - ou_decay * ou_decay);
  syn_decay = std::exp(-dt_s / cfg.syn_tau_s);
  stim_decay = std::exp(-dt_s / cfg.stim_tau_s);
  syn_delay_rows = static_cast<size_t>(std::max(1.0, std::round(1.5e-3 * fs)));
  syn_ring.assign(syn_delay_rows, std::vector<double>(n, 0.0));
  for (uint32_t e = 0; e < cfg.channels; ++e) {
    drift_hz.push_back(r.uniform(0.1, 1.0));
    drift_phase.push_back(r.uniform(0, 2 * kPi));
  }
  row_in.assign(cfg.channels, 0.0f);
  row_out.assign(cfg.channels, 0.0f);
}

// Runs the network without output so the recording starts in steady state, then forgets it.
void Culture::State::burn_in() {
  const auto rows = static_cast<int64_t>(cfg.burn_in_s * fs);
  for (int64_t r = 0; r < rows; ++r) {
    step_neurons();
    ++row;
  }
  row = 0;
  active.clear();
  truth.clear();
  spikes = 0;
  for (auto& slot : syn_ring) std::fill(slot.begin(), slot.end(), 0.0);
}

void Culture::State::step_neurons() {
  while (!pending.empty() && pending.front().row <= row) {
    const auto p = pending.front();
    pending.erase(pending.begin());
    for (uint32_t i = 0; i < n; ++i) {
      const double d = std::hypot(x[i] - ex(p.electrode), y[i] - ey(p.electrode));
      if (d <= cfg.stim_radius_m) stim[i] += cfg.stim_gain_a_per_c * p.charge_c / (1 + std::pow(d / 50e-6, 2));
    }
  }
  auto& arriving = syn_ring[static_cast<size_t>(row) % syn_delay_rows];
  auto in = pop.input_current();
  for (uint32_t i = 0; i < n; ++i) {
    ou[i] = ou[i] * ou_decay + ou_kick * rng.normal();
    syn[i] = syn[i] * syn_decay + arriving[i];
    arriving[i] = 0;
    stim[i] *= stim_decay;
    in[i] = drive[i] + ou[i] + syn[i] + stim[i];
  }
  std::vector<uint32_t>& now = spiked_now;
  now.clear();
  for (uint32_t k = 0; k < substeps; ++k) {
    pop.step();
    for (uint32_t i : pop.spikes())
      if (!fired[i]) fired[i] = 1, now.push_back(i);
  }
  for (uint32_t i : now) fired[i] = 0;
  for (uint32_t i : now) {
    ++spikes;
    active.push_back({i, row});
    for (const auto& t : taps[i])
      if (t.snr >= cfg.truth_min_snr) truth.push_back({i, t.channel, row + tmpl[i].trough, t.snr});
    for (uint32_t j : targets[i]) arriving[j] += cfg.syn_weight_a;  // read again syn_delay_rows later
  }
}

void Culture::State::render_row(int16_t* out) {
  const uint32_t n_channels = cfg.channels;
  for (uint32_t c = 0; c < n_channels; ++c) row_in[c] = static_cast<float>(rng.normal() * noise_scale);
  noise_bank->process_row(row_in.data(), row_out.data());
  if (cfg.drift_uv > 0)
    for (uint32_t c = 0; c < n_channels; ++c)
      row_out[c] += static_cast<float>(cfg.drift_uv * std::sin(2 * kPi * drift_hz[c] * row * dt_s + drift_phase[c]));
  size_t keep = 0;
  for (const auto& a : active) {
    const auto k = static_cast<size_t>(row - a.start);
    const auto& w = tmpl[a.neuron].w;
    if (k >= w.size()) continue;
    for (const auto& t : taps[a.neuron]) row_out[t.channel] += t.uv * w[k];
    active[keep++] = a;
  }
  active.resize(keep);
  keep = 0;
  for (const auto& a : artefacts) {  // biphasic, 0.2 ms per phase, then 1 ms exponential recovery
    const double ms = static_cast<double>(row - a.start) * dt_s * 1e3;
    if (ms > 5) continue;
    const double v = ms < 0.2 ? -1.0 : ms < 0.4 ? 1.0 : 0.3 * std::exp(-(ms - 0.4) / 1.0);
    row_out[a.electrode] += static_cast<float>(a.scale * v);
    artefacts[keep++] = a;
  }
  artefacts.resize(keep);
  const float inv_q = static_cast<float>(1.0 / cfg.bit_volts_uv);
  for (uint32_t c = 0; c < n_channels; ++c)
    out[c] = static_cast<int16_t>(std::lround(std::clamp(row_out[c] * inv_q, -32768.0f, 32767.0f)));
}

Culture::Culture(std::unique_ptr<State> s) : st_(std::move(s)) {}
Culture::Culture(Culture&&) noexcept = default;
Culture& Culture::operator=(Culture&&) noexcept = default;
Culture::~Culture() = default;

void Culture::generate(std::span<int16_t> out) {
  const uint32_t n_channels = st_->cfg.channels;
  for (size_t r = 0; r + n_channels <= out.size(); r += n_channels) {
    st_->step_neurons();
    st_->render_row(out.data() + r);
    ++st_->row;
  }
}

void Culture::stimulate(const Stimulus& s) {
  if (s.outcome == StimulusOutcome::refused || s.electrode >= st_->cfg.channels) return;
  const auto row = static_cast<int64_t>(std::llround(static_cast<double>(s.t) * 1e-9 * st_->fs));
  const int64_t at = std::max(row, st_->row);
  State::Pending p{at, s.electrode, static_cast<double>(s.charge_c)};
  auto pos = std::upper_bound(st_->pending.begin(), st_->pending.end(), p,
                              [](const auto& a, const auto& b) { return a.row < b.row; });
  st_->pending.insert(pos, p);
  if (st_->cfg.artefact_uv > 0) st_->artefacts.push_back({at, s.electrode, st_->cfg.artefact_uv * s.charge_c / 0.3e-9});
}

const std::vector<TruthSpike>& Culture::truth() const { return st_->truth; }
int64_t Culture::rows_generated() const { return st_->row; }
uint32_t Culture::neuron_count() const { return st_->n; }
const CultureConfig& Culture::config() const { return st_->cfg; }
std::pair<double, double> Culture::neuron_xy(uint32_t i) const { return {st_->x[i], st_->y[i]}; }
std::pair<double, double> Culture::electrode_xy(uint32_t e) const { return {st_->ex(e), st_->ey(e)}; }
uint64_t Culture::neuron_spikes() const { return st_->spikes; }

namespace {
constexpr double kCalibrationSeconds = 3;

double measured_rate_hz(const CultureConfig& base, double drive_mean_a) {
  CultureConfig c = base;
  c.channels = 1;
  c.neurons_per_electrode = 8;
  c.background_neurons = 0;
  c.recurrent = false;
  c.drive_mean_a = drive_mean_a;
  auto culture = Culture::create(c);
  if (!culture.is_ok()) return -1;
  std::vector<int16_t> buf(static_cast<size_t>(c.sample_rate_hz) / 10);
  for (int k = 0; k < static_cast<int>(kCalibrationSeconds * 10); ++k) culture->generate(buf);
  return static_cast<double>(culture->neuron_spikes()) / (kCalibrationSeconds * 8);
}
}  // namespace

Result<CultureConfig> calibrate_drive(CultureConfig cfg, double target_hz) {
  ION_TRY(cfg.validate());
  if (!(target_hz > 0 && target_hz < 200))
    return error(Errc::out_of_range, fmt::format("culture target rate {} Hz must be in (0, 200)", target_hz));
  double lo = -1e-9, hi = 2e-9;  // mean drive, A (negative: tonic models such as hh-hippocampal)
  if (measured_rate_hz(cfg, hi) < target_hz || measured_rate_hz(cfg, lo) > target_hz)
    return error(Errc::out_of_range,
                 fmt::format("culture: no mean drive in [-1, 2] nA gives {} Hz with model {}", target_hz, cfg.model));
  for (int i = 0; i < 12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (measured_rate_hz(cfg, mid) < target_hz ? lo : hi) = mid;
  }
  cfg.drive_mean_a = 0.5 * (lo + hi);
  return cfg;
}

Status write_truth_csv(const std::string& path, const std::vector<TruthSpike>& truth, double rate_hz) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return error(Errc::io_error, fmt::format("cannot write truth file {}", path));
  std::fputs("neuron,channel,sample,time_s,snr\n", f);
  for (const auto& t : truth)
    fmt::print(f, "{},{},{},{:.6f},{:.2f}\n", t.neuron, t.channel, t.sample, static_cast<double>(t.sample) / rate_hz,
               t.snr);
  const bool ok = std::fclose(f) == 0;
  return ok ? Status::ok() : error(Errc::io_error, fmt::format("error writing truth file {}", path));
}

}  // namespace ion::bio
