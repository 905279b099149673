// SPDX-License-Identifier: Apache-2.0
#pragma once
// TOML documents as Python data: tables are dicts, arrays lists, strings str (never bytes),
// integers int, floats float, booleans bool; dates and times become their TOML text.
#include <pybind11/pybind11.h>

#include <string>

#include <toml++/toml.h>

namespace ion::python {

pybind11::dict to_python(const toml::table& t);
// REQUIRES: every key a str and every value one of the types above (else TypeError naming the key).
toml::table to_toml(const pybind11::dict& d);
// A Python value as one line of TOML value text (inline tables for dicts): 25, "20s", [3, 7].
std::string toml_literal(pybind11::handle v);

}  // namespace ion::python
