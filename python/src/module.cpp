// SPDX-License-Identifier: Apache-2.0
// The extension module ion._ion. Each area binds itself in its own file (bind_*); the public
// names, docstrings with units and the pure-Python conveniences are in python/ion/__init__.py.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "core/time.hpp"

PYBIND11_MODULE(_ion, m) {
  m.doc() = "ion's C++ core: experiments, simulated runs and recordings (use the package `ion`).";
  m.attr("__version__") = ION_VERSION;
  m.attr("built_executable") = ION_EXECUTABLE;  // the `ion` of the same build (python/CMakeLists.txt)
  m.def(
      "parse_duration",
      [](const std::string& text) {
        auto d = ion::parse_duration(text);
        if (!d) throw pybind11::value_error(text + ": " + d.status().message());
        return *d;
      },
      pybind11::arg("text"), "A duration as the CLI writes it (\"20s\", \"500ms\") in integer nanoseconds.");
  ion::python::bind_errors(m);
  ion::python::bind_experiment(m);
  ion::python::bind_run(m);
  ion::python::bind_recording(m);
  ion::python::bind_device(m);
  ion::python::bind_neuron(m);
}
