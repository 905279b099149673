// SPDX-License-Identifier: Apache-2.0
// ion._ion.Experiment: an experiment file's text and its validated model. Every way of making or
// changing one (file, built-in, TOML text, dict, keyed edit) goes through the loader
// (experiment/load.hpp, experiment/overrides.hpp), so Python accepts exactly what `ion run` does.
#include <pybind11/stl.h>

#include <sstream>

#include "bindings.hpp"
#include "experiment/builtin.hpp"
#include "experiment/input_bounds.hpp"
#include "experiment/load.hpp"
#include "experiment/overrides.hpp"
#include "py_experiment.hpp"
#include "toml_py.hpp"

namespace ion::python {
namespace {

PyExperiment loaded(const Result<experiment::Experiment>& e, const experiment::Diagnostics& d) {
  if (!e) throw validation_failure(e.status().message(), d);
  return PyExperiment(*e);
}

PyExperiment from_text(const std::string& text, const std::string& name) {
  experiment::Diagnostics d;
  auto e = experiment::load_experiment_text(text, name, &d);
  return loaded(e, d);
}

PyExperiment load_file(const std::string& path) {
  experiment::Diagnostics d;
  auto e = experiment::load_experiment(path, &d);
  return loaded(e, d);
}

PyExperiment builtin() {
  return from_text(std::string(experiment::builtin_experiment_text()), std::string(experiment::kBuiltinName));
}

PyExperiment from_dict(const py::dict& d, const std::string& name) {
  std::ostringstream text;
  text << to_toml(d);
  return from_text(text.str(), name);
}

py::dict to_dict(const PyExperiment& x) { return to_python(toml::parse(x.model().source_text, x.model().source_name)); }

}  // namespace

void PyExperiment::set(const std::string& key, py::handle value) {
  const experiment::Override o{key, toml_literal(value)};
  experiment::Diagnostics d;
  auto e = experiment::load_with_overrides(e_.source_text, e_.source_name, {o}, &d);
  if (!e) throw validation_failure(e.status().message(), d);
  e_ = std::move(e).value();
}

void bind_experiment(py::module_& m) {
  py::class_<PyExperiment>(m, "Experiment")
      .def_static("load", &load_file, py::arg("path"))
      .def_static("builtin", &builtin)
      .def_static("from_toml", &from_text, py::arg("text"), py::arg("name") = "<string>")
      .def_static("from_dict", &from_dict, py::arg("d"), py::arg("name") = "<dict>")
      .def("to_dict", &to_dict)
      .def("to_toml", [](const PyExperiment& x) { return x.model().source_text; })
      .def("set", &PyExperiment::set, py::arg("key"), py::arg("value"))
      .def_property_readonly("name", [](const PyExperiment& x) { return x.model().name; })
      .def_property_readonly("source_name", [](const PyExperiment& x) { return x.model().source_name; })
      .def_property_readonly("seed", [](const PyExperiment& x) { return x.model().seed; })
      .def_property_readonly("duration_ns", [](const PyExperiment& x) { return x.model().duration_ns; })
      .def_property_readonly(
          "mode", [](const PyExperiment& x) { return x.model().mode == experiment::Mode::sim ? "sim" : "realtime"; })
      .def_property_readonly("site_names",
                             [](const PyExperiment& x) {
                               std::vector<std::string> v;
                               for (const auto& s : x.model().sites) v.push_back(s.name);
                               return v;
                             })
      .def_property_readonly("neuron_names",
                             [](const PyExperiment& x) {
                               std::vector<std::string> v;
                               for (const auto& n : x.model().neurons) v.push_back(n.name);
                               return v;
                             })
      .def_property_readonly(
          "synapse_table",
          [](const PyExperiment& x) {
            py::list l;
            for (const auto& s : x.model().synapses)
              l.append(py::dict(py::arg("name") = s.name, py::arg("group") = s.group, py::arg("id") = s.id,
                                py::arg("pre") = s.pre, py::arg("post") = s.post, py::arg("hub") = s.hub,
                                py::arg("cell") = py::make_tuple(s.word, s.bit)));
            return l;
          })
      .def_property_readonly("synapse_names", [](const PyExperiment& x) {
        std::vector<std::string> v;
        for (const auto& s : x.model().synapses) v.push_back(s.name);
        return v;
      });
}

}  // namespace ion::python
