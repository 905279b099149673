// SPDX-License-Identifier: Apache-2.0
#pragma once
// Built-in model singletons (defined in models_*.cpp), collected by the registry in model.cpp.
#include "device/model.hpp"

namespace ion::device {

enum class Window { none, joglekar, biolek, prodromakis };

// Window value f(x) for current sign i (only its sign matters for Biolek); p exponent, j scale.
double window_value(Window w, double x, double i, double p, double j);

const Model& linear_drift_model(Window w);
const Model& vteam_model();
const Model& yakopcic_model();
const Model& compact_model();
const Model& data_driven_model();

// Shared helpers for the Status messages of validate().
Status sign_must_be_unit(const char* model, const char* param, double v);

// A preset whose source reports no fitted pulse range; `why` says so in the docs and CLI.
inline FittedRange no_fitted_range(const char* why) {
  FittedRange f;
  f.note = why;
  return f;
}

}  // namespace ion::device
