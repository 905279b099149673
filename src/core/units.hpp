// SPDX-License-Identifier: Apache-2.0
#pragma once
// Strict parsing of physical quantities written as strings in experiment files and on the CLI:
// "100us", "4V", "-0.8V", "20Hz", "9kohm", "2000um2", "0.5nA", "3pF", "4nS".
// Grammar: [+-]digits[.digits][e[+-]digits] [one optional space] [SI prefix] unit-symbol.
// The unit is mandatory (a bare number is an error: units must be explicit where they are used).
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion {

enum class Dim { time, voltage, current, resistance, conductance, capacitance, frequency, area, charge, length };

const char* dim_name(Dim d);
// Examples for error messages, e.g. "\"100us\", \"1.5s\"".
const char* dim_examples(Dim d);

// Returns the value in SI base units (s, V, A, ohm, S, F, Hz, m^2, C, m).
Result<double> parse_quantity(std::string_view text, Dim dim);

// Formats a value in SI units with an engineering prefix: format_quantity(9000, Dim::resistance) → "9kohm".
std::string format_quantity(double value_si, Dim dim);

}  // namespace ion
