// SPDX-License-Identifier: Apache-2.0
#include "link/clock_estimator.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ion::link {

namespace {
// Drift uncertainty assumed while no drift has ever been fitted (a crystal is within ~100 ppm).
constexpr double kUnfittedDriftSd = 100e-6;
constexpr double kNsPerS = 1e9;

// In-place inverse of a small symmetric positive-definite matrix (Gauss-Jordan, partial
// pivoting). False if it is singular to working precision.
bool invert(double m[3][3], int k) {
  double a[3][6] = {};
  for (int r = 0; r < k; ++r) {
    for (int c = 0; c < k; ++c) a[r][c] = m[r][c];
    a[r][k + r] = 1;
  }
  for (int col = 0; col < k; ++col) {
    int piv = col;
    for (int r = col + 1; r < k; ++r) {
      if (std::fabs(a[r][col]) > std::fabs(a[piv][col])) piv = r;
    }
    if (std::fabs(a[piv][col]) < 1e-12 * (1 + std::fabs(m[col][col]))) return false;
    std::swap(a[piv], a[col]);
    const double d = a[col][col];
    for (int c = 0; c < 2 * k; ++c) a[col][c] /= d;
    for (int r = 0; r < k; ++r) {
      if (r == col) continue;
      const double f = a[r][col];
      for (int c = 0; c < 2 * k; ++c) a[r][c] -= f * a[col][c];
    }
  }
  for (int r = 0; r < k; ++r) {
    for (int c = 0; c < k; ++c) m[r][c] = a[r][k + c];
  }
  return true;
}
}  // namespace

double ClockSample::offset_ns() const {
  // Sum first in integers (exact), halve in floating point.
  return 0.5 * static_cast<double>((t2_ns - t1_ns) + (t3_ns - t4_ns));
}

ClockEstimator::ClockEstimator(ClockEstimatorConfig cfg)
    : cfg_(cfg), prior_drift_var_(kUnfittedDriftSd * kUnfittedDriftSd) {
  cfg_.history = std::max<size_t>(cfg_.history, 2);
  cfg_.step_confirm = std::max(cfg_.step_confirm, 1);
}

void ClockEstimator::clear() {
  hist_.clear();
  pending_.clear();
  est_ = {};
  prior_drift_ = 0;
  prior_drift_var_ = kUnfittedDriftSd * kUnfittedDriftSd;
  k_ = 0;
  n_fit_ = 1;
}

bool ClockEstimator::add(const ClockSample& s) {
  if (s.rtt_ns() < 0 || s.t4_ns < s.t1_ns) return false;
  return add_point(s.local_mid_ns(), s.offset_ns(), s.rtt_ns());
}

bool ClockEstimator::add_point(Time x_ns, double offset_ns, Duration rtt_ns) {
  if (rtt_ns < 0) return false;
  const int seg = hist_.empty() ? 0 : hist_.back().segment;
  const Point p{static_cast<double>(x_ns), offset_ns, rtt_ns, seg};
  if (is_outlier(p)) {
    on_outlier(p);
    return pending_.empty();  // empty again only when a step was just confirmed
  }
  discarded_ += pending_.size();
  pending_.clear();
  push(p);
  refit();
  return true;
}

bool ClockEstimator::is_outlier(const Point& p) const {
  if (!est_.valid || hist_.size() < 3) return false;
  const double dx = p.x - static_cast<double>(est_.ref_local_ns);
  const double resid = p.y - (est_.offset_ns + est_.drift * dx);
  const double own = 0.5 * static_cast<double>(std::max<Duration>(0, p.rtt_ns - est_.best_rtt_ns));
  const double spread = std::sqrt(std::pow(est_.sigma_ns, 2) +
                                  std::pow(uncertainty_at(static_cast<Time>(p.x)) / 2.0, 2));
  const double limit = std::max(cfg_.step_sigma * spread + own, static_cast<double>(cfg_.step_floor_ns));
  return std::fabs(resid) > limit;
}

void ClockEstimator::on_outlier(const Point& p) {
  const double resid = p.y - offset_at(static_cast<Time>(p.x));
  if (!pending_.empty()) {
    const double prev = pending_.back().y - offset_at(static_cast<Time>(pending_.back().x));
    if ((prev > 0) != (resid > 0)) {
      discarded_ += pending_.size();
      pending_.clear();
    }
  }
  pending_.push_back(p);
  if (static_cast<int>(pending_.size()) >= cfg_.step_confirm) on_step();
}

// Confirmed step: keep older samples for the drift, let a step term absorb the jump.
void ClockEstimator::on_step() {
  if (has_step()) {
    while (!hist_.empty() && hist_.front().segment == 0) hist_.pop_front();
    for (Point& q : hist_) q.segment = 0;
  }
  prior_drift_ = est_.drift;
  for (Point q : pending_) {
    q.segment = 1;
    push(q);
  }
  pending_.clear();
  ++steps_;
  refit();
}

bool ClockEstimator::has_step() const {
  return !hist_.empty() && hist_.front().segment == 0 && hist_.back().segment == 1;
}

void ClockEstimator::push(const Point& p) {
  hist_.push_back(p);
  while (hist_.size() > cfg_.history) hist_.pop_front();
  // Once the pre-step samples have aged out, the history is one segment again.
  if (!hist_.empty() && hist_.front().segment == 1) {
    for (Point& q : hist_) q.segment = 0;
  }
}

std::vector<double> ClockEstimator::weights() const {
  Duration best = hist_.front().rtt_ns;
  for (const Point& p : hist_) best = std::min(best, p.rtt_ns);
  std::vector<double> excess;
  excess.reserve(hist_.size());
  for (const Point& p : hist_) excess.push_back(0.5 * static_cast<double>(p.rtt_ns - best));
  std::vector<double> sorted = excess;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
  const double scale = std::max(static_cast<double>(cfg_.weight_floor_ns), sorted[sorted.size() / 2]);
  std::vector<double> w;
  w.reserve(hist_.size());
  double sum = 0;
  for (double e : excess) {
    w.push_back(1.0 / (e * e + scale * scale));
    sum += w.back();
  }
  // Normalise to mean 1 so residual sums read as ordinary variances.
  for (double& v : w) v *= static_cast<double>(w.size()) / sum;
  return w;
}

void ClockEstimator::refit() {
  const std::vector<double> w = weights();
  est_.valid = true;
  est_.samples = hist_.size();
  est_.ref_local_ns = static_cast<Time>(hist_.back().x);
  est_.best_rtt_ns = hist_.front().rtt_ns;
  for (const Point& p : hist_) est_.best_rtt_ns = std::min(est_.best_rtt_ns, p.rtt_ns);
  const double span = hist_.back().x - hist_.front().x;
  const bool line = hist_.size() >= 3 && span >= static_cast<double>(cfg_.min_drift_span_ns);
  if (!line || !fit_line(w)) fit_offset_only(w);
}

// Offset only, over the newest segment, with the drift held at its prior.
void ClockEstimator::fit_offset_only(const std::vector<double>& w) {
  const double ref = static_cast<double>(est_.ref_local_ns);
  const int seg = hist_.back().segment;
  double sw = 0, sy = 0, n = 0;
  for (size_t i = 0; i < hist_.size(); ++i) {
    if (hist_[i].segment != seg) continue;
    sw += w[i];
    sy += w[i] * (hist_[i].y - prior_drift_ * (hist_[i].x - ref));
    n += 1;
  }
  est_.drift = prior_drift_;
  est_.offset_ns = sy / sw;
  double rss = 0;
  for (size_t i = 0; i < hist_.size(); ++i) {
    if (hist_[i].segment != seg) continue;
    rss += w[i] * std::pow(hist_[i].y - est_.offset_ns - prior_drift_ * (hist_[i].x - ref), 2);
  }
  // One sample has no residual: fall back to the asymmetry bound as its scale.
  est_.sigma_ns = n > 1 ? std::sqrt(rss / sw * n / (n - 1)) : 0.5 * static_cast<double>(est_.best_rtt_ns);
  k_ = 0;
  n_fit_ = n;
}

// y = a + b·dx_s [+ Δ·after_step], weighted least squares; false if degenerate.
bool ClockEstimator::fit_line(const std::vector<double>& w) {
  const double ref = static_cast<double>(est_.ref_local_ns);
  const int k = has_step() ? 3 : 2;
  double m[3][3] = {}, v[3] = {};
  for (size_t i = 0; i < hist_.size(); ++i) {
    const double row[3] = {1.0, (hist_[i].x - ref) / kNsPerS, hist_[i].segment == 1 ? 1.0 : 0.0};
    for (int r = 0; r < k; ++r) {
      v[r] += w[i] * row[r] * hist_[i].y;
      for (int c = 0; c < k; ++c) m[r][c] += w[i] * row[r] * row[c];
    }
  }
  if (!invert(m, k)) return false;
  double th[3] = {};
  for (int r = 0; r < k; ++r) {
    for (int c = 0; c < k; ++c) th[r] += m[r][c] * v[c];
  }
  const double b = std::clamp(th[1] / kNsPerS, -cfg_.max_abs_drift, cfg_.max_abs_drift);
  est_.drift = b;
  est_.offset_ns = th[0] + (k == 3 ? th[2] : 0.0);  // at ref, for the newest segment
  double rss = 0;
  for (size_t i = 0; i < hist_.size(); ++i) {
    const double fit = th[0] + b * (hist_[i].x - ref) + (k == 3 && hist_[i].segment == 1 ? th[2] : 0.0);
    rss += w[i] * std::pow(hist_[i].y - fit, 2);
  }
  const double n = static_cast<double>(hist_.size());
  est_.sigma_ns = std::sqrt(rss / std::max(1.0, n - k));
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) cov_[r][c] = (r < k && c < k) ? m[r][c] : 0.0;
  }
  k_ = k;
  prior_drift_var_ = est_.sigma_ns * est_.sigma_ns * m[1][1] / (kNsPerS * kNsPerS);
  return true;
}

double ClockEstimator::offset_at(Time local_ns) const {
  if (!est_.valid) return 0;
  return est_.offset_ns + est_.drift * static_cast<double>(local_ns - est_.ref_local_ns);
}

Time ClockEstimator::to_master(Time local_ns) const {
  return local_ns + static_cast<Time>(std::llround(offset_at(local_ns)));
}

Duration ClockEstimator::uncertainty_at(Time local_ns) const {
  if (!est_.valid) return kTimeNever;
  const double sigma2 = est_.sigma_ns * est_.sigma_ns;
  const double dx = static_cast<double>(local_ns - est_.ref_local_ns);
  double var = 0;
  if (k_ == 0) {
    var = sigma2 / n_fit_ + dx * dx * prior_drift_var_;
  } else {
    const double c[3] = {1.0, dx / kNsPerS, k_ == 3 ? 1.0 : 0.0};
    for (int r = 0; r < k_; ++r) {
      for (int q = 0; q < k_; ++q) var += c[r] * cov_[r][q] * c[q];
    }
    var *= sigma2;
  }
  return static_cast<Duration>(std::llround(2.0 * std::sqrt(std::max(0.0, var))));
}

}  // namespace ion::link
