// SPDX-License-Identifier: Apache-2.0
// ion.ValidationError: a ValueError carrying every problem the loader found.
#include "bindings.hpp"

namespace ion::python {

ValidationFailure validation_failure(const std::string& message, const experiment::Diagnostics& diags) {
  ValidationFailure f{message, {}};
  for (const auto& d : diags) f.problems.push_back(d.to_string());
  if (diags.dropped() > 0) f.problems.push_back("... and " + std::to_string(diags.dropped()) + " more problems");
  if (f.problems.empty()) f.problems.push_back(message);
  return f;
}

void bind_errors(py::module_& m) {
  static py::exception<ValidationFailure> type(m, "ValidationError", PyExc_ValueError);
  type.doc() = "The experiment has problems; `problems` lists each as FILE:LINE:COL: key.path: message.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ValidationFailure& f) {
      py::list problems;
      for (const auto& s : f.problems) problems.append(s);
      py::object err = py::reinterpret_borrow<py::object>(type.ptr())(f.message);  // an instance
      err.attr("problems") = problems;
      PyErr_SetObject(type.ptr(), err.ptr());
    }
  });
}

}  // namespace ion::python
