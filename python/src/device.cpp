// SPDX-License-Identifier: Apache-2.0
// ion._ion.device: the memristor models of src/device (the code behind `ion device`), one device
// at a time. Values are SI floats or the CLI's unit strings ("12kohm", "0.5V"); every error names
// the argument. apply() returns the rows `ion device --pulses` prints: the read before the first
// pulse (pulse 0), then a read after every pulse.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "core/units.hpp"
#include "device/fitted_range.hpp"
#include "device/memristor.hpp"
#include "device/program.hpp"

namespace ion::python {
namespace {

void raise_on(const Status& s, const std::string& where) {
  if (!s) throw py::value_error(where + ": " + s.message());
}

// A quantity given as an SI float or as text with its unit.
double quantity(py::handle v, Dim dim, const std::string& where) {
  if (py::isinstance<py::str>(v)) return value_or_raise(parse_quantity(v.cast<std::string>(), dim), where);
  return v.cast<double>();
}

class PyDevice {
 public:
  PyDevice(const std::string& model, const std::string& preset, const py::dict& params, py::object r0, py::object read)
      : m_(value_or_raise(device::Memristor::create(model, preset), "model/preset")) {
    read_v_ = quantity(read, Dim::voltage, "read");
    if (read_v_ == 0 || std::fabs(read_v_) > 5) throw py::value_error("read: must be non-zero and within [-5, 5] V");
    for (auto [k, v] : params) {
      const std::string name = py::str(k);
      const std::string text = py::isinstance<py::str>(v) ? v.cast<std::string>() : std::string(py::repr(v));
      raise_on(m_.params().set_from_text(name + "=" + text), "params['" + name + "']");
    }
    m_ = device::Memristor(m_.params());  // the initial state from the (possibly overridden) parameters
    if (!r0.is_none()) raise_on(m_.set_resistance(quantity(r0, Dim::resistance, "r0"), read_v_), "r0");
  }

  py::dict apply(py::handle pulses) {
    const auto prog = program(pulses);
    std::vector<int64_t> n;
    std::vector<double> v, w, state, r;
    auto row = [&](size_t k, double volts, Duration width) {
      n.push_back(static_cast<int64_t>(k)), v.push_back(volts), w.push_back(to_seconds(width));
      state.push_back(m_.state()), r.push_back(m_.read(read_v_).resistance_ohm);
    };
    row(0, 0, 0);
    size_t k = 0;
    for (const auto& s : prog)
      for (uint32_t i = 0; i < s.count; ++i) m_.apply(s.v, s.width_ns), row(++k, s.v, s.width_ns);
    py::dict d;
    d["pulse"] = py::array(py::cast(n));
    d["voltage_v"] = py::array(py::cast(v));
    d["width_s"] = py::array(py::cast(w));
    d["state"] = py::array(py::cast(state));
    d["resistance_ohm"] = py::array(py::cast(r));
    return d;
  }

  double resistance() const { return m_.read(read_v_).resistance_ohm; }
  const device::Memristor& memristor() const { return m_; }

 private:
  // A program string ("+0.8V,100us*20;-0.8V,100us*20") or a sequence of (volts, width_s[, count]).
  static std::vector<device::PulseStep> program(py::handle pulses) {
    if (py::isinstance<py::str>(pulses))
      return value_or_raise(device::parse_pulse_program(pulses.cast<std::string>()), "pulses");
    std::vector<device::PulseStep> prog;
    for (auto item : pulses) {
      const auto t = item.cast<py::sequence>();
      if (t.size() < 2 || t.size() > 3) throw py::value_error("pulses: each entry is (volts, width_s[, count])");
      const double width_s = t[1].cast<double>();
      if (!(width_s > 0 && width_s <= 1)) throw py::value_error("pulses: width_s must be in (0, 1] s");
      const uint32_t count = t.size() == 3 ? t[2].cast<uint32_t>() : 1;
      prog.push_back({t[0].cast<double>(), static_cast<Duration>(std::llround(width_s * 1e9)), count});
    }
    return prog;
  }

  device::Memristor m_;
  double read_v_ = 0.5;
};

py::list list_models() {
  py::list out;
  for (const device::Model* m : device::all_models()) {
    py::list presets, params;
    for (const auto& p : m->presets())
      presets.append(py::dict(py::arg("name") = p.name, py::arg("source") = p.source,
                              py::arg("fitted_range") = device::describe_fitted_range(p.fitted)));
    for (size_t i = 0; i < m->params().size(); ++i) {
      const auto& s = m->params()[i];
      params.append(py::dict(py::arg("name") = s.name, py::arg("default") = m->presets()[0].values[i],
                             py::arg("unit") = s.unit, py::arg("lo") = s.lo, py::arg("hi") = s.hi,
                             py::arg("doc") = s.doc));
    }
    out.append(py::dict(py::arg("name") = m->name(), py::arg("summary") = m->summary(),
                        py::arg("state_name") = m->state_name(), py::arg("presets") = presets,
                        py::arg("params") = params));
  }
  return out;
}

}  // namespace

void bind_device(py::module_& m) {
  py::class_<PyDevice>(m, "Device")
      .def(py::init<const std::string&, const std::string&, const py::dict&, py::object, py::object>(),
           py::arg("model"), py::arg("preset") = "", py::arg("params") = py::dict(), py::arg("r0") = py::none(),
           py::arg("read") = "0.5V")
      .def("apply", &PyDevice::apply, py::arg("pulses"))
      .def_property_readonly("resistance_ohm", &PyDevice::resistance)
      .def_property_readonly("state", [](const PyDevice& d) { return d.memristor().state(); })
      .def_property_readonly("state_name", [](const PyDevice& d) { return d.memristor().model().state_name(); })
      .def_property_readonly("model", [](const PyDevice& d) { return d.memristor().model().name(); });
  m.def("device_models", &list_models);
}

}  // namespace ion::python
