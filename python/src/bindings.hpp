// SPDX-License-Identifier: Apache-2.0
#pragma once
// One function per area of the extension module; module.cpp calls them in order.
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "core/status.hpp"
#include "experiment/diagnostics.hpp"

namespace ion::python {

namespace py = pybind11;

// A failed validation: raised in Python as ion.ValidationError (a ValueError) whose `problems`
// lists every diagnostic ("FILE:LINE:COL: key.path: message").
struct ValidationFailure {
  std::string message;
  std::vector<std::string> problems;
};
// The value of `r`, or ValueError("WHERE: message") — for arguments a Python caller passed.
template <class T>
T value_or_raise(Result<T> r, const std::string& where) {
  if (!r) throw py::value_error(where + ": " + r.status().message());
  return std::move(r).value();
}

// The failure of a load: `message` is the loader's whole error, `diags` its diagnostics.
ValidationFailure validation_failure(const std::string& message, const experiment::Diagnostics& diags);

void bind_errors(py::module_& m);
void bind_experiment(py::module_& m);
void bind_run(py::module_& m);
void bind_recording(py::module_& m);
void bind_device(py::module_& m);
void bind_neuron(py::module_& m);

}  // namespace ion::python
