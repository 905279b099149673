// SPDX-License-Identifier: Apache-2.0
#include "neuron/drives.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/units.hpp"

namespace ion::neuron {

std::vector<Time> regular_train(double rate_hz, Time start, Time end, Duration phase_ns) {
  std::vector<Time> out;
  if (!(rate_hz > 0)) return out;
  const double period_s = 1.0 / rate_hz;
  // Compared in seconds first: for a tiny rate k·period overflows int64 ns (from_seconds would
  // be undefined and wrap to a time before `end`, looping until memory runs out).
  const double span_s = to_seconds(end - start - phase_ns);
  for (int64_t k = 0;; ++k) {
    if (!(static_cast<double>(k) * period_s < span_s)) break;
    Time t = start + phase_ns + from_seconds(static_cast<double>(k) * period_s);
    if (t >= end) break;
    out.push_back(t);
  }
  return out;
}

std::vector<Time> poisson_train(double rate_hz, Time start, Time end, Rng& rng) {
  std::vector<Time> out;
  if (!(rate_hz > 0)) return out;
  double t_s = to_seconds(start);
  const double end_s = to_seconds(end);
  for (;;) {
    t_s += rng.exponential(rate_hz);
    if (t_s >= end_s) break;
    out.push_back(from_seconds(t_s));
  }
  return out;
}

namespace {

std::vector<std::string_view> split(std::string_view text, std::string_view seps) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t next = text.find_first_of(seps, pos);
    if (next == std::string_view::npos) next = text.size();
    out.push_back(text.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<RatePhase>> parse_rate_schedule(std::string_view text) {
  std::vector<RatePhase> phases;
  auto parts = split(text, ",;");
  for (size_t k = 0; k < parts.size(); ++k) {
    std::string_view part = trim(parts[k]);
    std::string where = "rate schedule phase " + std::to_string(k + 1) + " \"" + std::string(part) + "\": ";
    size_t sp = part.find(' ');
    if (sp == std::string_view::npos)
      return error(Errc::invalid_argument, where + "expected \"<rate> <duration>\", e.g. \"10Hz 10s\"");
    auto rate = parse_quantity(trim(part.substr(0, sp)), Dim::frequency);
    if (!rate) return error(Errc::invalid_argument, where + rate.status().message());
    auto dur = parse_duration(trim(part.substr(sp + 1)));
    if (!dur) return error(Errc::invalid_argument, where + dur.status().message());
    if (*rate < 0 || *dur <= 0) return error(Errc::out_of_range, where + "rate must be >= 0 and duration > 0");
    phases.push_back({*rate, *dur});
  }
  return phases;
}

Duration schedule_length(std::span<const RatePhase> phases) {
  Duration d = 0;
  for (const auto& p : phases) d += p.duration_ns;
  return d;
}

std::vector<Time> schedule_train(std::span<const RatePhase> phases, SpikeProcess process, Time start, Rng& rng) {
  std::vector<Time> out;
  Time t = start;
  for (const auto& p : phases) {
    auto part = process == SpikeProcess::regular ? regular_train(p.rate_hz, t, t + p.duration_ns)
                                                 : poisson_train(p.rate_hz, t, t + p.duration_ns, rng);
    out.insert(out.end(), part.begin(), part.end());
    t += p.duration_ns;
  }
  return out;
}

void PoissonGroup::draw(double dt_s, std::vector<uint32_t>& targets) {
  if (n_ == 0 || !(rate_hz_ > 0)) return;
  uint64_t count = rng_.poisson(static_cast<double>(n_) * rate_hz_ * dt_s);
  for (uint64_t k = 0; k < count; ++k) targets.push_back(static_cast<uint32_t>(rng_.below(n_)));
}

// ---- currents --------------------------------------------------------------------------------

CurrentInput CurrentInput::constant(double amp_a) {
  CurrentInput c;
  c.kind_ = Kind::constant;
  c.a0_ = amp_a;
  return c;
}

CurrentInput CurrentInput::step(double amp_a, Time on, Time off) {
  CurrentInput c;
  c.kind_ = Kind::step;
  c.a0_ = amp_a;
  c.t0_ = on;
  c.t1_ = off;
  return c;
}

CurrentInput CurrentInput::ramp(double from_a, double to_a, Time t0, Time t1) {
  CurrentInput c = step(from_a, t0, t1);
  c.kind_ = Kind::ramp;
  c.a1_ = to_a;
  return c;
}

CurrentInput CurrentInput::samples(std::vector<double> values_a, Duration sample_dt_ns) {
  CurrentInput c;
  c.kind_ = Kind::samples;
  c.samples_ = std::move(values_a);
  c.sample_dt_ns_ = sample_dt_ns;
  return c;
}

CurrentInput CurrentInput::noise(double mean_a, double sd_a, Duration sample_dt_ns, uint64_t seed) {
  CurrentInput c;
  c.kind_ = Kind::noise;
  c.a0_ = mean_a;
  c.a1_ = sd_a;
  c.sample_dt_ns_ = sample_dt_ns;
  c.rng_ = Rng::stream(seed, "neuron.noise");
  return c;
}

double CurrentInput::at(Time t) {
  switch (kind_) {
    case Kind::constant:
      return a0_;
    case Kind::step:
      return (t >= t0_ && t < t1_) ? a0_ : 0.0;
    case Kind::ramp:
      if (t < t0_ || t >= t1_) return 0.0;
      return a0_ + (a1_ - a0_) * static_cast<double>(t - t0_) / static_cast<double>(t1_ - t0_);
    case Kind::samples: {
      if (t < 0) return 0.0;
      size_t k = static_cast<size_t>(t / sample_dt_ns_);
      return k < samples_.size() ? samples_[k] : 0.0;
    }
    case Kind::noise: {
      if (t < 0) return 0.0;
      size_t k = static_cast<size_t>(t / sample_dt_ns_);
      while (samples_.size() <= k) samples_.push_back(a0_ + a1_ * rng_.normal());
      return samples_[k];
    }
  }
  return 0.0;
}

std::vector<double> noise_samples(double mean_a, double sd_a, size_t count, uint64_t seed) {
  CurrentInput c = CurrentInput::noise(mean_a, sd_a, 1, seed);
  std::vector<double> out(count);
  for (size_t k = 0; k < count; ++k) out[k] = c.at(static_cast<Time>(k));
  return out;
}

Status write_samples(const std::string& path, std::span<const double> values) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return error(Errc::io_error, "cannot write samples file \"" + path + "\"");
  for (double v : values) std::fprintf(f, "%.17g\n", v);
  bool ok = std::fclose(f) == 0;
  if (!ok) return error(Errc::io_error, "cannot write samples file \"" + path + "\"");
  return Status::ok();
}

Result<std::vector<double>> read_samples(const std::string& path) {
  std::ifstream in(path);
  if (!in) return error(Errc::not_found, "cannot open samples file \"" + path + "\"");
  std::vector<double> out;
  std::string line;
  for (size_t lineno = 1; std::getline(in, line); ++lineno) {
    std::string_view s = trim(line);
    if (s.empty() || s.front() == '#') continue;
    std::string str(s);
    char* end = nullptr;
    double v = std::strtod(str.c_str(), &end);
    if (end != str.c_str() + str.size() || !std::isfinite(v))
      return error(Errc::invalid_argument, path + ":" + std::to_string(lineno) + ": \"" + str +
                                               "\" is not a current sample (expected a number in A, e.g. 5e-10)");
    out.push_back(v);
  }
  return out;
}

namespace {

Result<double> field_current(std::string_view spec, std::string_view text) {
  auto v = parse_quantity(trim(text), Dim::current);
  if (!v) return error(Errc::invalid_argument, "input \"" + std::string(spec) + "\": " + v.status().message());
  return *v;
}

Result<Time> field_time(std::string_view spec, std::string_view text) {
  auto v = parse_duration(trim(text));
  if (!v) return error(Errc::invalid_argument, "input \"" + std::string(spec) + "\": " + v.status().message());
  return *v;
}

Status wrong_arity(std::string_view spec, const char* form) {
  return error(Errc::invalid_argument, "input \"" + std::string(spec) + "\": expected \"" + form + "\"");
}

}  // namespace

Result<CurrentInput> CurrentInput::parse(std::string_view spec) {
  auto f = split(spec, ",");
  std::string_view kind = trim(f[0]);
  if (kind == "const") {
    if (f.size() != 2) return wrong_arity(spec, "const,<current>");
    ION_TRY_ASSIGN(auto a, field_current(spec, f[1]));
    return constant(a);
  }
  if (kind == "step" || kind == "ramp") {
    bool is_step = kind == "step";
    if (f.size() != (is_step ? 4u : 5u))
      return wrong_arity(spec, is_step ? "step,<current>,<on>,<off>" : "ramp,<from>,<to>,<t0>,<t1>");
    ION_TRY_ASSIGN(auto a0, field_current(spec, f[1]));
    ION_TRY_ASSIGN(auto a1, is_step ? Result<double>(a0) : field_current(spec, f[2]));
    ION_TRY_ASSIGN(auto t0, field_time(spec, f[is_step ? 2 : 3]));
    ION_TRY_ASSIGN(auto t1, field_time(spec, f[is_step ? 3 : 4]));
    if (t1 <= t0)
      return error(Errc::invalid_argument, "input \"" + std::string(spec) + "\": end time must be after start time");
    return is_step ? step(a0, t0, t1) : ramp(a0, a1, t0, t1);
  }
  if (kind == "file") {
    if (f.size() != 3) return wrong_arity(spec, "file,<path>,<sample interval>");
    ION_TRY_ASSIGN(auto dt, field_time(spec, f[2]));
    if (dt <= 0)
      return error(Errc::invalid_argument, "input \"" + std::string(spec) + "\": sample interval must be > 0");
    ION_TRY_ASSIGN(auto values, read_samples(std::string(trim(f[1]))));
    return samples(std::move(values), dt);
  }
  if (kind == "noise") {
    if (f.size() != 5) return wrong_arity(spec, "noise,<mean>,<sd>,<sample interval>,<seed>");
    ION_TRY_ASSIGN(auto mean, field_current(spec, f[1]));
    ION_TRY_ASSIGN(auto sd, field_current(spec, f[2]));
    ION_TRY_ASSIGN(auto dt, field_time(spec, f[3]));
    std::string seed_text(trim(f[4]));
    char* end = nullptr;
    unsigned long long seed = std::strtoull(seed_text.c_str(), &end, 10);
    if (seed_text.empty() || end != seed_text.c_str() + seed_text.size() || dt <= 0 || sd < 0)
      return error(Errc::invalid_argument,
                   "input \"" + std::string(spec) + "\": expected sd >= 0, interval > 0 and an integer seed");
    return noise(mean, sd, dt, seed);
  }
  return error(Errc::invalid_argument, "input \"" + std::string(spec) + "\": unknown kind \"" + std::string(kind) +
                                           "\" (expected const, step, ramp, file or noise)");
}

}  // namespace ion::neuron
