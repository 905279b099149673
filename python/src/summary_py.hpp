// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <pybind11/pybind11.h>

#include "report/analysis.hpp"

namespace ion::python {

namespace py = pybind11;

// The summary as nested dicts; "text" holds it as `ion run` prints it (report::format_summary).
py::dict summary_to_python(const report::Summary& s);

}  // namespace ion::python
