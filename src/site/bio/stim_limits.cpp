// SPDX-License-Identifier: Apache-2.0
#include "site/bio/stim_limits.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ion::bio {

double material_capacity_c_per_m2(ElectrodeMaterial m) {
  switch (m) {
    case ElectrodeMaterial::platinum:
      return 0.5;  // 0.05 mC/cm²
    case ElectrodeMaterial::titanium_nitride:
      return 9.0;  // 0.9 mC/cm²
    case ElectrodeMaterial::iridium_oxide:
      return 10.0;  // 1 mC/cm²
    case ElectrodeMaterial::custom:
      return 0;  // must be configured
    case ElectrodeMaterial::titanium_dioxide:
      return 0.5;  // assumed 0.05 mC/cm² (as Pt)
  }
  return 0;
}

const char* material_name(ElectrodeMaterial m) {
  switch (m) {
    case ElectrodeMaterial::platinum:
      return "Pt";
    case ElectrodeMaterial::titanium_nitride:
      return "TiN";
    case ElectrodeMaterial::iridium_oxide:
      return "IrOx";
    case ElectrodeMaterial::custom:
      return "custom";
    case ElectrodeMaterial::titanium_dioxide:
      return "TiO2";
  }
  return "?";
}

double StimLimits::capacity() const {
  return capacity_c_per_m2 > 0 ? capacity_c_per_m2 : material_capacity_c_per_m2(material);
}

double shannon_k(double charge_c, double area_m2) {
  const double q_uc = charge_c * 1e6;
  const double area_cm2 = area_m2 * 1e4;
  return std::log10(q_uc / area_cm2) + std::log10(q_uc);
}

double shannon_charge_limit_c(double k_max, double area_m2) {
  // log10(Q²/A) < k  ⇔  Q < sqrt(10^k · A)  (Q in µC, A in cm²); 1 ppm margin keeps it strict.
  const double q_uc = std::sqrt(std::pow(10.0, k_max) * area_m2 * 1e4);
  return q_uc * 1e-6 * (1.0 - 1e-6);
}

double StimLimits::charge_limit_c() const {
  return std::min({max_charge_c, capacity() * electrode_area_m2, shannon_charge_limit_c(shannon_k, electrode_area_m2)});
}

namespace {
Status check_range(const char* name, double v, double lo, double hi, const char* unit) {
  if (!std::isfinite(v) || v < lo || v > hi)
    return error(Errc::out_of_range,
                 fmt::format("stimulation limit {} = {} {} is outside the allowed range [{}, {}] {}", name, v, unit, lo,
                             hi, unit));
  return Status::ok();
}
Status check_positive(const char* name, double v, double hi, const char* unit) {
  if (!std::isfinite(v) || v <= 0 || v > hi)
    return error(Errc::out_of_range,
                 fmt::format("stimulation limit {} = {} {} must be > 0 and <= {} {}", name, v, unit, hi, unit));
  return Status::ok();
}
}  // namespace

Status StimLimits::validate() const {
  if (electrode_count == 0 || electrode_count > 65536)
    return error(Errc::out_of_range,
                 fmt::format("stimulation limit electrode_count = {} must be 1..65536", electrode_count));
  const bool volt = mode == StimMode::voltage;
  ION_TRY(check_positive("max_amplitude", max_amplitude, volt ? 10.0 : 1e-3, volt ? "V" : "A"));
  if (volt) ION_TRY(check_positive("capacitance", capacitance_f, 1e-6, "F"));
  ION_TRY(check_positive("max_width", max_width_s, 1e-3, "s"));
  ION_TRY(check_range("min_width", min_width_s, 1e-6, max_width_s, "s"));
  ION_TRY(check_positive("max_charge", max_charge_c, 100e-9, "C"));
  ION_TRY(check_range("electrode_area", electrode_area_m2, 1e-12, 1e-6, "m^2"));
  if (material == ElectrodeMaterial::custom && capacity_c_per_m2 <= 0)
    return error(Errc::invalid_argument,
                 "stimulation limit capacity must be set (> 0 C/m^2) for a custom electrode material");
  ION_TRY(check_positive("capacity", capacity(), 50.0, "C/m^2 (5 mC/cm^2)"));
  ION_TRY(check_positive("shannon_k", shannon_k, 1.85, ""));
  ION_TRY(check_positive("max_rate", max_rate_hz, 1000.0, "Hz"));
  ION_TRY(check_positive("global_rate", global_rate_hz, 1e5, "Hz"));
  ION_TRY(check_range("global_burst", global_burst, 1.0, 1e4, "stimuli"));
  return Status::ok();
}

Status StimMapping::validate() const {
  auto bad = [](double v) { return !std::isfinite(v) || v < 0; };
  if (bad(amplitude_min) || bad(amplitude_max) || amplitude_max < amplitude_min || amplitude_max == 0)
    return error(Errc::invalid_argument, fmt::format("stimulus mapping amplitude range [{}, {}] must be finite, >= 0, "
                                                     "non-empty and ordered min <= max",
                                                     amplitude_min, amplitude_max));
  if (bad(width_min_s) || bad(width_max_s) || width_max_s < width_min_s || width_min_s == 0)
    return error(Errc::invalid_argument, fmt::format("stimulus mapping width range [{}, {}] s must be finite, > 0 and "
                                                     "ordered min <= max",
                                                     width_min_s, width_max_s));
  return Status::ok();
}

}  // namespace ion::bio
