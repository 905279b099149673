// SPDX-License-Identifier: Apache-2.0
// ion._ion.run_sim: a whole experiment on one SimWorld in this process (node/launch/sim_runner.hpp,
// the code behind `ion run --sim`), then the same outputs as the CLI (report/run_outputs.hpp).
// The GIL is released while C++ runs; Ctrl-C (any pending Python signal handler that raises)
// stops every site cleanly at the next 100 ms of simulated time, the outputs are written marked
// interrupted, and the handler's exception is raised.
#include <pybind11/stl.h>

#include <filesystem>
#include <memory>
#include <optional>

#include "bindings.hpp"
#include "experiment/resources.hpp"
#include "node/launch/sim_runner.hpp"
#include "py_experiment.hpp"
#include "report/run_outputs.hpp"
#include "summary_py.hpp"

namespace ion::python {
namespace {

experiment::Experiment prepared(const PyExperiment& x, std::optional<uint64_t> seed,
                                std::optional<Duration> duration_ns) {
  experiment::Experiment e = x.model();
  if (seed) e.seed = *seed;
  if (duration_ns) {
    const Status scaled = experiment::rescale_duration(e, *duration_ns);
    if (!scaled) throw py::value_error("duration: " + scaled.message());
  }
  return e;
}

void prepare_out(const std::string& out) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw py::value_error("cannot create output directory " + out + ": " + ec.message());
  if (!std::filesystem::is_empty(out, ec)) throw py::value_error("output directory " + out + " is not empty");
}

py::dict result(const site::SimRunReport& r, const report::RunOutputs& w) {
  py::dict d;
  d["out"] = std::filesystem::path(w.h5_path).parent_path().string();
  d["h5_path"] = w.h5_path;
  d["report_path"] = w.report_path;
  d["digest"] = w.digest;
  d["logs"] = r.logs;
  d["events"] = r.events;
  d["trace_digest"] = r.digest;
  d["simulated_ns"] = r.simulated_ns;
  d["summary"] = summary_to_python(w.summary);
  return d;
}

py::dict run_sim(const PyExperiment& x, const std::string& out, std::optional<uint64_t> seed,
                 std::optional<Duration> duration_ns, Duration warmup_ns) {
  if (warmup_ns < 0) throw py::value_error("warmup_ns: must not be negative");
  const experiment::Experiment e = prepared(x, seed, duration_ns);
  prepare_out(out);
  std::unique_ptr<py::error_already_set> raised;  // what a signal handler raised (GIL held)
  site::SimRunOptions o;
  o.out_dir = out;
  o.warmup_ns = warmup_ns;
  o.stop_requested = [&]() -> std::string {
    py::gil_scoped_acquire gil;
    if (raised || PyErr_CheckSignals() == 0) return raised ? "SIGINT" : "";
    raised = std::make_unique<py::error_already_set>();  // fetches and clears the exception
    return "SIGINT";
  };
  std::optional<Result<site::SimRunReport>> r;
  std::optional<Result<report::RunOutputs>> w;
  {
    py::gil_scoped_release nogil;
    r.emplace(site::run_sim(e, o));
    if (r->is_ok()) w.emplace(report::write_run_outputs(e, out, (*r)->logs, (*r)->outcome));
  }
  if (!r->is_ok()) throw std::runtime_error(r->status().message());
  if (!w->is_ok()) throw std::runtime_error(w->status().message());
  if (raised) throw *raised;
  return result(**r, **w);
}

}  // namespace

void bind_run(py::module_& m) {
  m.def("run_sim", &run_sim, py::arg("experiment"), py::arg("out"), py::arg("seed") = py::none(),
        py::arg("duration_ns") = py::none(), py::arg("warmup_ns") = 3 * kSecond,
        "Runs every site on one SimWorld in this process; writes OUT/recording.h5 and OUT/report.html.");
}

}  // namespace ion::python
