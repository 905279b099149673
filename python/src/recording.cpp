// SPDX-License-Identifier: Apache-2.0
// ion._ion.open_logs / summarize_logs / summarize_h5: a run directory's event logs merged by
// record::merge_logs (what recording.h5 holds) as NumPy arrays, and the run summary from them or
// from a recording.h5 read back (record/hdf5_import.hpp; report::summarize, as `ion report`
// computes it). The arrays are read-only views of the merged recording's own
// vectors (no copy); the recording lives as long as any of them.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"
#include "experiment/load.hpp"
#include "record/hdf5_import.hpp"
#include "record/merge.hpp"
#include "report/analysis.hpp"
#include "summary_py.hpp"

namespace ion::python {
namespace {

using Merged = std::shared_ptr<const record::MergedRecording>;

template <class T>
py::array view(const std::vector<T>& rows, const py::object& owner) {
  py::array a(py::dtype::of<T>(), {rows.size()}, {sizeof(T)}, rows.data(), owner);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

Merged merged(const std::vector<std::string>& logs) {
  Result<record::MergedRecording> m = [&] {
    py::gil_scoped_release nogil;
    return record::merge_logs(logs);
  }();
  if (!m) throw std::runtime_error("merging the logs: " + m.status().message());
  return std::make_shared<const record::MergedRecording>(std::move(m).value());
}

py::dict names(const record::MergedRecording& m) {
  py::dict d;
  py::dict sites, neurons, synapses;
  for (const auto& s : m.sites) sites[py::int_(s.id)] = m.site_name(s.id);
  for (const auto& [addr, name] : m.neuron_names) neurons[py::make_tuple(addr.site, addr.index)] = name;
  for (const auto& [id, name] : m.synapse_names) synapses[py::int_(id)] = name;
  d["sites"] = sites;
  d["neurons"] = neurons;
  d["synapses"] = synapses;
  return d;
}

py::dict open_logs(const std::vector<std::string>& logs) {
  const Merged m = merged(logs);
  py::object owner = py::capsule(new Merged(m), [](void* p) { delete static_cast<Merged*>(p); });
  py::dict d = names(*m);
  d["experiment_name"] = m->experiment_name;
  d["seed"] = m->seed;
  d["experiment_file"] = m->experiment_file;
  d["digest"] = record::digest(*m);
  d["spikes"] = view(m->spikes, owner);
  d["inputs"] = view(m->inputs, owner);
  d["stimuli"] = view(m->stimuli, owner);
  py::dict synapses, links;
  for (const auto& [id, rows] : m->synapses) synapses[py::int_(id)] = view(rows, owner);
  for (const auto& [pair, rows] : m->links) links[py::make_tuple(pair.first, pair.second)] = view(rows, owner);
  d["weights"] = synapses;
  d["links"] = links;
  return d;
}

// The summary `ion report` prints: the experiment from the recording's experiment_file note, its
// duration the one the sites ran for (their end notes) unless `duration_ns` is given; the outcome
// as recorded in recording.h5, else from the sites' final notes.
py::dict summarize(const record::MergedRecording& m, std::optional<Duration> duration_ns,
                   std::optional<record::RunOutcome> outcome) {
  if (m.experiment_file.empty()) throw py::value_error("the recording holds no experiment_file note");
  auto e = experiment::load_experiment_text(m.experiment_file, "(recorded experiment file)");
  if (!e) throw std::runtime_error(e.status().message());
  if (!duration_ns) duration_ns = report::recorded_duration(m);
  if (duration_ns && *duration_ns <= 0) throw py::value_error("duration: must be positive");
  if (duration_ns && *duration_ns != e->duration_ns) experiment::scale_duration(*e, *duration_ns);
  report::AnalysisOptions o;
  o.outcome = std::move(outcome);
  return summary_to_python(report::summarize(m, *e, o));
}

py::dict summarize_logs(const std::vector<std::string>& logs, std::optional<Duration> duration_ns) {
  return summarize(*merged(logs), duration_ns, std::nullopt);
}

// HDF5 is not thread-safe in Debian's build and h5py uses it too: read with the GIL held.
py::dict summarize_h5(const std::string& path, std::optional<Duration> duration_ns) {
  auto h = record::read_hdf5_file(path);
  if (!h) throw std::runtime_error(h.status().message());
  return summarize(h->merged, duration_ns, h->outcome);
}

}  // namespace

void bind_recording(py::module_& m) {
  PYBIND11_NUMPY_DTYPE_EX(record::SpikeRow, t, "t_ns", site, "site", index, "index", kind, "kind", log_site,
                          "log_site");
  PYBIND11_NUMPY_DTYPE_EX(record::InputRow, t, "t_ns", post_site, "post_site", post_index, "post_index", synapse,
                          "synapse", weight, "weight", log_site, "log_site", arrival_ns, "arrival_ns");
  PYBIND11_NUMPY_DTYPE_EX(record::StimulusRow, t, "t_ns", log_site, "log_site", electrode, "electrode", amplitude,
                          "amplitude", width_s, "width_s", charge_c, "charge_c", synapse, "synapse", outcome, "outcome",
                          cathodic_first, "cathodic_first");
  PYBIND11_NUMPY_DTYPE_EX(record::WeightRow, t, "t_ns", resistance_ohm, "resistance_ohm", weight, "weight", action,
                          "action", log_site, "log_site");
  PYBIND11_NUMPY_DTYPE_EX(LinkStats, t, "t_ns", sent, "sent", received, "received", events_sent, "events_sent",
                          events_received, "events_received", lost, "lost", duplicated, "duplicated", reordered,
                          "reordered", late, "late", rejected, "rejected", malformed, "malformed", rtt_ns, "rtt_ns",
                          clock_offset_ns, "clock_offset_ns", clock_uncertainty_ns, "clock_uncertainty_ns", peer_up,
                          "peer_up");
  m.def("open_logs", &open_logs, py::arg("logs"), "The merged event logs as NumPy views (record/merge.hpp).");
  m.def("summarize_logs", &summarize_logs, py::arg("logs"), py::arg("duration_ns") = py::none(),
        "The run summary from event logs, as `ion report` computes it.");
  m.def("summarize_h5", &summarize_h5, py::arg("path"), py::arg("duration_ns") = py::none(),
        "The run summary from a recording.h5 alone, as `ion report FILE.h5` computes it.");
}

}  // namespace ion::python
