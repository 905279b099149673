// SPDX-License-Identifier: Apache-2.0
// ion._ion.neuron_simulate / neuron_models: the stand-alone neuron simulation of `ion neuron`
// (neuron/drive_loop.hpp): spike times and state traces as NumPy arrays. Parameters are the CLI's
// unit strings ("4nS") or plain SI floats; inputs are the CLI's --input specs.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "core/time.hpp"
#include "neuron/drive_loop.hpp"
#include "neuron/model.hpp"

namespace ion::python {
namespace {

// Text overrides through the model's own parser; floats are SI values set directly.
std::vector<double> params_of(const neuron::ModelDef& model, const py::dict& params) {
  std::vector<std::string> text;
  std::vector<std::pair<std::string, double>> si;
  for (auto [k, v] : params) {
    const std::string name = py::str(k);
    if (py::isinstance<py::str>(v)) text.push_back(name + "=" + v.cast<std::string>());
    else si.emplace_back(name, v.cast<double>());
  }
  std::vector<double> values = value_or_raise(neuron::resolve_params(model, text), "params");
  for (const auto& [name, x] : si) {
    auto k = model.param_index(name);
    if (!k) throw py::value_error("params: neuron model \"" + model.name + "\" has no parameter \"" + name + "\"");
    values[*k] = x;
  }
  const Status s = neuron::validate_params(model, values);
  if (!s) throw py::value_error("params: " + s.message());
  return values;
}

struct Traces {
  std::vector<size_t> cols;
  std::vector<double> t_s;
  std::vector<std::vector<double>> values;  // per traced variable: rows x n, row-major
  void add(const neuron::Population& p) {
    t_s.push_back(to_seconds(p.now()));
    for (size_t j = 0; j < cols.size(); ++j)
      for (double x : p.state_column(cols[j])) values[j].push_back(x);
  }
};

py::dict simulate(const std::string& model_name, const py::dict& params, const std::vector<std::string>& inputs,
                  Duration duration_ns, std::optional<Duration> dt_ns, size_t n,
                  const std::vector<std::string>& trace) {
  const neuron::ModelDef& model = *value_or_raise(neuron::find_model(model_name), "model");
  const auto values = params_of(model, params);
  const Duration dt = dt_ns.value_or(model.default_dt_ns);
  if (duration_ns <= 0) throw py::value_error("duration: must be > 0");
  if (n == 0 || n > 1'000'000) throw py::value_error("n: must be 1..1000000");
  auto pop = value_or_raise(neuron::Population::create(model, n, dt, values), "dt");
  const int64_t steps = duration_ns / dt;
  if (steps > 200'000'000 / static_cast<int64_t>(n)) throw py::value_error("duration/dt: more than 2e8 neuron-steps");
  std::vector<neuron::CurrentInput> drive;
  for (const auto& s : inputs) drive.push_back(value_or_raise(neuron::CurrentInput::parse(s), "input"));
  Traces tr;
  for (const auto& v : trace) {
    auto k = model.state_index(v);
    if (!k) throw py::value_error("trace: neuron model \"" + model.name + "\" has no state variable \"" + v + "\"");
    tr.cols.push_back(*k);
  }
  tr.values.resize(tr.cols.size());
  std::vector<double> spike_t;
  std::vector<uint32_t> spike_i;
  {
    py::gil_scoped_release nogil;
    if (!tr.cols.empty()) tr.add(pop);
    neuron::run_driven(pop, drive, steps, [&](neuron::Population& p) {
      for (uint32_t i : p.spikes()) spike_t.push_back(to_seconds(p.last_step_time())), spike_i.push_back(i);
      if (!tr.cols.empty()) tr.add(p);
    });
  }
  py::dict traces;
  for (size_t j = 0; j < tr.cols.size(); ++j)
    traces[py::str(trace[j])] = py::array(py::cast(tr.values[j])).attr("reshape")(tr.t_s.size(), n);
  py::dict d;
  d["spike_t_s"] = py::array(py::cast(spike_t));
  d["spike_neuron"] = py::array(py::cast(spike_i));
  d["t_s"] = py::array(py::cast(tr.t_s));
  d["traces"] = traces;
  return d;
}

py::list list_models() {
  py::list out;
  for (const neuron::ModelDef* m : neuron::all_models()) {
    py::list params, states;
    for (const auto& p : m->params)
      params.append(py::dict(py::arg("name") = p.name, py::arg("default") = neuron::format_param(p, p.default_si),
                             py::arg("default_si") = p.default_si, py::arg("doc") = p.doc));
    for (const auto& s : m->states)
      states.append(py::dict(py::arg("name") = s.name, py::arg("unit") = s.unit, py::arg("doc") = s.doc));
    out.append(py::dict(py::arg("name") = m->name, py::arg("summary") = m->summary,
                        py::arg("default_dt_ns") = m->default_dt_ns, py::arg("params") = params,
                        py::arg("states") = states));
  }
  return out;
}

}  // namespace

void bind_neuron(py::module_& m) {
  m.def("neuron_simulate", &simulate, py::arg("model"), py::arg("params"), py::arg("inputs"), py::arg("duration_ns"),
        py::arg("dt_ns"), py::arg("n"), py::arg("trace"));
  m.def("neuron_models", &list_models);
}

}  // namespace ion::python
