// SPDX-License-Identifier: Apache-2.0
#pragma once
// Offset-and-drift estimation of a local clock against the time master (pure math, no I/O).
//
// Input: one sample per probe wave — the wave's minimum-RTT probe exchange
//   t1 = local send, t2 = master receive, t3 = master send, t4 = local receive.
// Per sample:  offset θ = ((t2 − t1) + (t3 − t4)) / 2   (master − local, at local x = (t1 + t4)/2)
//              rtt    δ = (t4 − t1) − (t3 − t2)
// Model: θ(x) = a + b·(x − x_ref) [+ Δ after a step], fitted by weighted least squares over a
// history window; the weight of a sample is 1 / ((δ − δ_min)²/4 + s²) with s = max(floor, median
// of (δ − δ_min)/2), so exchanges near the best RTT seen count most (their path-asymmetry error
// is smallest) without letting one lucky sample dominate. With too short a span the drift b is
// held at its previous value (0 at start) and only the offset is fitted.
// Step changes: a new sample whose residual against the current fit exceeds
// max(step_sigma · σ_pred, step_floor) is held back; `step_confirm` such samples in a row with the
// same sign are taken as a step. The oscillator's rate does not change with a step, so the older
// samples stay in the fit (they still inform the drift) and a step term Δ, fitted jointly, absorbs
// the jump; a second step drops the samples before the first. A single outlier followed by a
// normal sample is discarded.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/time.hpp"

namespace ion::link {

struct ClockSample {
  Time t1_ns = 0;  // local send
  Time t2_ns = 0;  // master receive
  Time t3_ns = 0;  // master send
  Time t4_ns = 0;  // local receive

  Duration rtt_ns() const { return (t4_ns - t1_ns) - (t3_ns - t2_ns); }
  // master − local at the local midpoint (t1 + t4)/2 (ns, fractional).
  double offset_ns() const;
  Time local_mid_ns() const { return t1_ns + (t4_ns - t1_ns) / 2; }
};

struct ClockEstimatorConfig {
  size_t history = 32;                           // wave minima in the regression window
  Duration min_drift_span_ns = 2 * kSecond;      // fit drift only over at least this span
  Duration weight_floor_ns = 50 * kMicrosecond;  // floor of the per-sample error scale
  double step_sigma = 8.0;                       // residual / σ_pred that counts as outlier
  Duration step_floor_ns = 2 * kMillisecond;     // residuals below this are never steps
  int step_confirm = 2;                          // outliers in a row (same sign) → step
  double max_abs_drift = 1e-3;                   // |b| clamp (1000 ppm): oscillators do less
};

struct ClockEstimate {
  bool valid = false;
  Time ref_local_ns = 0;     // x_ref of the model
  double offset_ns = 0;      // a: master − local at ref_local_ns
  double drift = 0;          // b: d(master − local)/d(local), dimensionless (1e-6 = 1 ppm)
  double sigma_ns = 0;       // weighted residual scale of the fit
  Duration best_rtt_ns = 0;  // smallest RTT in the history
  size_t samples = 0;
};

class ClockEstimator {
 public:
  explicit ClockEstimator(ClockEstimatorConfig cfg = {});

  // Adds one wave minimum. Returns true if it was used (false: held back as a possible step or
  // rejected as malformed: negative RTT).
  bool add(const ClockSample& s);
  // Adds one wave estimate directly: offset (master − local, ns) at local time x_ns, and the RTT
  // that bounds its asymmetry error. Same return as add().
  bool add_point(Time x_ns, double offset_ns, Duration rtt_ns);
  void clear();

  const ClockEstimate& estimate() const { return est_; }
  // Master time for a local time. Before the first sample: the local time itself.
  Time to_master(Time local_ns) const;
  // master − local at local_ns.
  double offset_at(Time local_ns) const;
  // 2σ statistical uncertainty of to_master(local_ns) (regression residuals and extrapolation).
  // Does not include path asymmetry, which no two-way method can observe; see asymmetry_bound.
  Duration uncertainty_at(Time local_ns) const;
  // Worst-case error bound from path asymmetry: best RTT / 2.
  Duration asymmetry_bound_ns() const { return est_.best_rtt_ns / 2; }
  uint64_t steps_detected() const { return steps_; }
  uint64_t outliers_discarded() const { return discarded_; }

 private:
  struct Point {
    double x;  // local midpoint, ns
    double y;  // offset, ns
    Duration rtt_ns;
    int segment = 0;  // 0: before the last step in the history, 1: after it
  };
  bool is_outlier(const Point& p) const;
  void on_outlier(const Point& p);
  void push(const Point& p);
  void refit();
  void on_step();
  void fit_offset_only(const std::vector<double>& w);
  bool fit_line(const std::vector<double>& w);
  std::vector<double> weights() const;
  bool has_step() const;

  ClockEstimatorConfig cfg_;
  std::deque<Point> hist_;
  std::vector<Point> pending_;  // consecutive outliers awaiting confirmation
  ClockEstimate est_;
  double prior_drift_ = 0;
  double prior_drift_var_;  // variance (dimensionless²) of the drift used when it is not fitted
  // Unit covariance (X'WX)^-1 of the last fit's parameters (a, b per second, Δ), k of them;
  // k == 0 marks an offset-only fit.
  double cov_[3][3] = {};
  int k_ = 0;
  double n_fit_ = 1;  // samples behind the offset-only fit
  uint64_t steps_ = 0;
  uint64_t discarded_ = 0;
};

}  // namespace ion::link
