// SPDX-License-Identifier: Apache-2.0
#pragma once
// Is a model being driven inside the conditions its preset was fitted on? A pulse or resistance
// outside a preset's FittedRange (device/model.hpp) is not an error: the model still computes,
// but its numbers are then an extrapolation, so callers warn (ion validate, ion device; the hub
// notes it in its log). docs/models.md, "Fitted ranges", lists every preset's range.
#include <string>
#include <string_view>

#include "device/model.hpp"

namespace ion::device {

// The preset named `name` ("" = the model's first, as Params::preset), or null.
const Preset* find_preset(const Model& m, std::string_view name);

// "pulses -0.8..-0.6 V and +0.6..+0.8 V of 100 us; 10..17 kohm read at 0.5 V", or
// "not published: <note>".
std::string describe_fitted_range(const FittedRange& f);

// Why a rectangular pulse of v volts lasting width_s lies outside f ("" when inside, or when f
// is not known: nothing to compare with). E.g. "-4 V is beyond -1.5 V".
std::string pulse_outside(const FittedRange& f, double v, double width_s);
// Why a resistance (as read at f.v_read) lies outside f's resistance range ("" when inside).
std::string resistance_outside(const FittedRange& f, double r_ohm);

// One warning sentence: "<what> drives <model> preset '<preset>' outside the range it was fitted
// on (<range>): <why>; its results there are an extrapolation (docs/models.md)".
std::string extrapolation_warning(std::string_view what, const Model& m, const Preset& p, std::string_view why);

}  // namespace ion::device
