// SPDX-License-Identifier: Apache-2.0
#include "device/sim_crossbar.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

namespace ion::device {

Status check_cell(uint32_t w, uint32_t b, uint32_t words, uint32_t bits) {
  if (cell_ok(w, b, words, bits)) return Status::ok();
  char buf[128];
  std::snprintf(buf, sizeof buf, "cell (w=%u, b=%u) is outside the %ux%u array (0-based indices)", w, b, words, bits);
  return error(Errc::out_of_range, buf);
}

Status check_pulse(double v, Duration width) {
  if (pulse_ok(v, width)) return Status::ok();
  if (!std::isfinite(v) || std::fabs(v) > 20)
    return error(Errc::out_of_range, "pulse amplitude " + std::to_string(v) + " V is outside [-20, 20] V");
  return error(Errc::out_of_range, "pulse width " + format_duration(width) + " is outside (0, 10s]");
}

Result<std::unique_ptr<SimulatedCrossbar>> SimulatedCrossbar::create(const CrossbarConfig& cfg) {
  std::unique_ptr<SimulatedCrossbar> x(new SimulatedCrossbar());
  ION_TRY(x->init_cells(cfg));
  return x;
}

Status SimulatedCrossbar::init_cells(const CrossbarConfig& cfg) {
  ION_TRY_ASSIGN(auto m, model_named(cfg.model));
  ION_TRY_ASSIGN(auto p, Params::preset(*m, cfg.preset));
  for (const auto& [name, value] : cfg.params) ION_TRY(p.set(name, value));
  if (cfg.words == 0 || cfg.bits == 0 || cfg.words > 4096 || cfg.bits > 4096)
    return error(Errc::out_of_range, "crossbar size " + std::to_string(cfg.words) + "x" + std::to_string(cfg.bits) +
                                         " must be between 1x1 and 4096x4096");
  if (!std::isfinite(cfg.v_read) || cfg.v_read == 0 || std::fabs(cfg.v_read) > 5)
    return error(Errc::out_of_range, "read voltage must be non-zero and within [-5, 5] V");
  ION_TRY(validate(cfg.var, *m));
  model_ = m;
  model_name_ = model_->name();
  base_ = p.values();
  words_ = cfg.words;
  bits_ = cfg.bits;
  v_read_ = cfg.v_read;
  half_select_ = cfg.half_select;
  var_ = cfg.var;
  seed_ = cfg.seed;
  const size_t n = size_t(words_) * bits_, np = base_.size();
  state_.assign(n, 0);
  fault_.assign(n, kHealthy);
  Rng d2d = Rng::stream(seed_, "device.d2d"), faults = Rng::stream(seed_, "device.faults");
  if (!var_.d2d.empty()) dparams_.resize(n * np);
  for (size_t c = 0; c < n; ++c) {
    if (!dparams_.empty()) draw_device_params(var_, *model_, base_.data(), dparams_.data() + c * np, d2d);
    const double* pc = cell_params(c);
    state_[c] = std::clamp(model_->initial_state(pc), model_->state_lo(pc), model_->state_hi(pc));
    const double u = faults.uniform();
    if (u < var_.p_stuck_low + var_.p_stuck_high) {
      const double lo = model_->state_lo(pc), hi = model_->state_hi(pc);
      const bool lo_is_low_r = model_->read(pc, lo, v_read_).resistance_ohm <=
                               model_->read(pc, hi, v_read_).resistance_ohm;
      const bool low = u < var_.p_stuck_low;
      fault_[c] = low ? kStuckLow : kStuckHigh;
      state_[c] = (low == lo_is_low_r) ? lo : hi;
    }
  }
  for (const InitialResistance& ir : cfg.initial) ION_TRY(set_initial(ir));
  noise_key_ = Rng::stream(seed_, "device.c2c").next_u64();
  read_rng_ = Rng::stream(seed_, "device.read");
  level_lo_ = var_.level_lo, level_hi_ = var_.level_hi;
  if (level_lo_ == 0 && level_hi_ == 0)
    level_lo_ = model_->state_lo(base_.data()), level_hi_ = model_->state_hi(base_.data());
  return Status::ok();
}

Status SimulatedCrossbar::set_initial(const InitialResistance& ir) {
  ION_TRY(check_cell(ir.w, ir.b, words_, bits_));
  const size_t c = size_t(ir.w) * bits_ + ir.b;
  if (fault_[c] != kHealthy) return Status::ok();  // a stuck cell stays stuck
  auto s = model_->state_for_resistance(cell_params(c), ir.r_ohm, v_read_);
  if (!s)
    return s.status().prefixed("initial resistance of cell (w=" + std::to_string(ir.w) + ", b=" + std::to_string(ir.b) +
                               "): ");
  return set_cell_state(c, *s);
}

SimulatedCrossbar::~SimulatedCrossbar() = default;

void SimulatedCrossbar::apply_cell(size_t c, double v, double width_s) {
  if (fault_[c] != kHealthy) return;
  const double* p = cell_params(c);
  const double s0 = state_[c];
  double s1 = dparams_.empty() ? model_->apply_prepared(prepared(v, width_s), s0) : model_->apply(p, s0, v, width_s);
  if (var_.c2c_rel_sd > 0 && s1 != s0) {
    s1 = s0 + (s1 - s0) * (1 + var_.c2c_rel_sd * counter_normal(noise_key_, seq_, c));
    s1 = std::clamp(s1, model_->state_lo(p), model_->state_hi(p));
  }
  if (var_.levels >= 2) s1 = quantise(s1, var_.levels, level_lo_, level_hi_);
  state_[c] = s1;
}

// Keyed on the bit patterns of v and width_s (so -0.0 and 0.0 are different pulses).
const PreparedPulse& SimulatedCrossbar::prepared(double v, double width_s) {
  const uint64_t vb = std::bit_cast<uint64_t>(v), wb = std::bit_cast<uint64_t>(width_s);
  for (PulseCacheEntry& e : pulse_cache_)
    if (e.used && std::bit_cast<uint64_t>(e.v) == vb && std::bit_cast<uint64_t>(e.width_s) == wb) return e.k;
  PulseCacheEntry& e = pulse_cache_[pulse_cache_next_];
  pulse_cache_next_ = (pulse_cache_next_ + 1) % 2;
  e = PulseCacheEntry{true, v, width_s, model_->prepare_pulse(base_.data(), v, width_s)};
  return e.k;
}

// REQUIRES: seq_ already counts this pulse (the c2c noise is keyed on it).
void SimulatedCrossbar::apply_pulse(uint32_t w, uint32_t b, double v, double width_s) {
  const size_t row = size_t(w) * bits_;
  apply_cell(row + b, v, width_s);
  if (!half_select_) return;
  for (uint32_t j = 0; j < bits_; ++j)
    if (j != b) apply_cell(row + j, v / 2, width_s);
  for (uint32_t i = 0; i < words_; ++i)
    if (i != w) apply_cell(size_t(i) * bits_ + b, v / 2, width_s);
}

double SimulatedCrossbar::read_cell(size_t c) {
  double r = model_->read(cell_params(c), state_[c], v_read_).resistance_ohm;
  if (var_.read_noise_rel > 0) r *= 1 + read_rng_.uniform(-var_.read_noise_rel, var_.read_noise_rel);
  return r;
}

Result<double> SimulatedCrossbar::read(uint32_t w, uint32_t b) {
  ION_TRY(check_cell(w, b, words_, bits_));
  return read_cell(size_t(w) * bits_ + b);
}

Status SimulatedCrossbar::pulse(uint32_t w, uint32_t b, double v, Duration width) {
  ION_TRY(check_cell(w, b, words_, bits_));
  ION_TRY(check_pulse(v, width));
  if (wal_) ION_TRY(log_pulse(w, b, v, width));
  ++seq_;
  apply_pulse(w, b, v, to_seconds(width));
  return Status::ok();
}

// The hub's per-event call. An in-memory array with valid arguments skips building the three ok
// Statuses of pulse(); it applies and reads exactly as pulse() + read() do (same order, same seq_).
Result<double> SimulatedCrossbar::pulse_read(uint32_t w, uint32_t b, double v, Duration width) {
  if (wal_ || !cell_ok(w, b, words_, bits_) || !pulse_ok(v, width)) {
    ION_TRY(pulse(w, b, v, width));
    return read_cell(size_t(w) * bits_ + b);
  }
  ++seq_;
  const size_t c = size_t(w) * bits_ + b;
  if (plain() && fault_[c] == kHealthy)  // apply_cell + read_cell with nothing to add: one call
    return model_->apply_prepared_read(prepared(v, to_seconds(width)), &state_[c], base_.data(), v_read_);
  apply_pulse(w, b, v, to_seconds(width));
  return read_cell(c);
}

Result<std::vector<double>> SimulatedCrossbar::read_all() {
  std::vector<double> out(state_.size());
  for (size_t c = 0; c < out.size(); ++c) out[c] = read_cell(c);
  return out;
}

Status SimulatedCrossbar::set_cell_state(size_t cell, double s) {
  if (cell >= state_.size())
    return error(Errc::out_of_range, "cell index " + std::to_string(cell) + " is outside the array");
  const double* p = cell_params(cell);
  if (!(s >= model_->state_lo(p) && s <= model_->state_hi(p)))
    return error(Errc::out_of_range,
                 std::string(model_->name()) + ": state " + std::to_string(s) + " is outside its bounds");
  state_[cell] = s;
  return Status::ok();
}

void SimulatedCrossbar::pulse_cells_unlogged(const uint32_t* cells, size_t n, double v, double width_s) {
  if (dparams_.empty() && var_.c2c_rel_sd == 0 && var_.levels < 2 && var_.p_stuck_low + var_.p_stuck_high == 0) {
    model_->apply_many(base_.data(), state_.data(), cells, n, v, width_s);
    return;
  }
  for (size_t i = 0; i < n; ++i) apply_cell(cells[i], v, width_s);
}

}  // namespace ion::device
