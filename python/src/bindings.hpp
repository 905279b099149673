// SPDX-License-Identifier: Apache-2.0
#pragma once
// One function per area of the extension module; module.cpp calls them in order.
#include <pybind11/pybind11.h>

namespace ion::python {

namespace py = pybind11;

}  // namespace ion::python
