// SPDX-License-Identifier: Apache-2.0
#pragma once
// Stimulation safety limits and the weight → pulse mapping of the bio site.
// All values SI: A, V, s, C, m², C/m², Hz. Charge density conversions: 1 mC/cm² = 10 C/m²,
// 1 µC/cm² = 0.01 C/m².
#include <cstdint>
#include <string>

#include "core/status.hpp"

namespace ion::bio {

enum class StimMode : uint8_t { current = 0, voltage = 1 };
enum class ElectrodeMaterial : uint8_t { platinum, titanium_nitride, iridium_oxide, custom, titanium_dioxide };
enum class ViolationPolicy : uint8_t { refuse = 0, clamp = 1 };

// Conservative (lower-end) charge-injection capacity per material, C/m² per phase:
// Pt 0.05 mC/cm², TiN 0.9 mC/cm², IrOx 1 mC/cm² (docs/spec.md §3.5 ranges: 0.05–0.15, ~0.9, 1–5).
// TiO2 (the capacitive electrode of the reference system; no published value): assumed as low as Pt.
double material_capacity_c_per_m2(ElectrodeMaterial m);
const char* material_name(ElectrodeMaterial m);

// Per-electrode and global limits. Defaults describe a 30 µm Pt disk MEA electrode driven in
// current mode: charge capacity 0.05 mC/cm² × 707 µm² ≈ 0.35 nC per phase bounds everything.
struct StimLimits {
  uint32_t electrode_count = 60;  // valid electrodes are 0..electrode_count-1
  StimMode mode = StimMode::current;
  double capacitance_f = 1e-9;  // electrode capacitance (voltage mode: Q = C·V)
  double max_amplitude = 2e-6;  // per phase: A (current mode) or V (voltage mode)
  double min_width_s = 20e-6;
  double max_width_s = 400e-6;
  double max_charge_c = 0.3e-9;         // per phase, absolute cap
  double electrode_area_m2 = 7.07e-10;  // 30 µm diameter disk
  ElectrodeMaterial material = ElectrodeMaterial::platinum;
  double capacity_c_per_m2 = 0;                     // 0 → the material's conservative default
  double shannon_k = 1.5;                           // refuse when k(Q, D) >= shannon_k; must be <= 1.85
  double max_rate_hz = 100;                         // per electrode (minimum interval 1/max_rate_hz)
  double global_rate_hz = 1000;                     // token-bucket refill rate over all electrodes
  double global_burst = 20;                         // token-bucket depth (stimuli)
  ViolationPolicy policy = ViolationPolicy::clamp;  // for amplitude/width/charge/weight>1

  // Charge-density capacity actually used (capacity_c_per_m2 or the material default).
  double capacity() const;
  // Largest per-phase charge allowed by all charge limits (cap, density, Shannon), C.
  double charge_limit_c() const;
  // Checks that every limit is finite, positive and within hard physical ceilings
  // (≤ 1 mA, ≤ 10 V, ≤ 1 ms, ≤ 100 nC, 1 µm² … 1 mm², k ≤ 1.85, ≤ 1 kHz per electrode, …).
  Status validate() const;
};

// The Shannon k of a pulse: k = log10(D) + log10(Q), D in µC/cm² per phase, Q in µC per phase.
double shannon_k(double charge_c, double area_m2);
// The largest charge with k(Q, D) strictly below k_max for this area (Q² / A_cm² < 10^k), C.
double shannon_charge_limit_c(double k_max, double area_m2);

// How a normalised weight w ∈ [0,1] becomes a pulse: each of amplitude and width is either
// fixed (its *_min) or interpolated linearly from *_min (w = 0) to *_max (w = 1).
struct StimMapping {
  bool weight_to_amplitude = true;
  bool weight_to_width = false;
  double amplitude_min = 0.2e-6;   // A or V
  double amplitude_max = 1.45e-6;  // × 200 µs = 0.29 nC: full weight stays under the 0.3 nC cap
  double width_min_s = 200e-6;
  double width_max_s = 200e-6;
  bool cathodic_first = true;

  Status validate() const;
};

}  // namespace ion::bio
