// SPDX-License-Identifier: Apache-2.0
// report::Summary (the numbers of the printed summary and report.html) as Python dicts: times
// in integer ns (`_ns`), rates in Hz (`_hz`), resistances in ohm (`_ohm`); a value that cannot be
// computed is None, never NaN.
#include "summary_py.hpp"

#include <pybind11/stl.h>

namespace ion::python {
namespace {

template <class T>
py::object opt(const std::optional<T>& v) {
  return v ? py::cast(*v) : py::none();
}

py::dict synapse_phase(const report::SynapsePhase& s) {
  py::dict d;
  d["name"] = s.name;
  d["pre"] = s.pre;
  d["post"] = s.post;
  d["pre_spikes"] = s.pre_spikes;
  d["responded"] = s.responded;
  d["response_probability"] = opt(s.response_probability);
  d["weight_start"] = opt(s.weight_start);
  d["weight_end"] = opt(s.weight_end);
  d["resistance_start_ohm"] = opt(s.resistance_start_ohm);
  d["resistance_end_ohm"] = opt(s.resistance_end_ohm);
  d["potentiations"] = s.potentiations;
  d["depressions"] = s.depressions;
  return d;
}

py::dict phase(const report::PhaseSummary& p) {
  py::dict d;
  d["index"] = p.index;
  d["ran"] = p.ran;
  d["start_ns"] = p.start_ns;
  d["end_ns"] = p.end_ns;
  d["set_rate_hz"] = opt(p.set_rate_hz);
  d["pacemaker_rate_hz"] = opt(p.pacemaker_rate_hz);
  d["rate_hz"] = p.rate_hz;
  d["partial"] = std::vector<std::string>(p.partial.begin(), p.partial.end());
  py::list syn;
  for (const auto& s : p.synapses) syn.append(synapse_phase(s));
  d["synapses"] = syn;
  return d;
}

py::dict delivery(const report::SynapseDelivery& s) {
  py::dict d;
  d["name"] = s.name;
  d["pre"] = s.pre;
  d["post"] = s.post;
  d["pre_spikes"] = s.pre_spikes;
  d["delivered"] = s.delivered;
  d["loss_fraction"] = opt(s.loss_fraction);
  d["latency_p50_ns"] = opt(s.latency.p50_ns);
  d["latency_p99_ns"] = opt(s.latency.p99_ns);
  return d;
}

py::dict link(const report::LinkSummary& l) {
  py::dict d;
  d["site"] = l.site_name;
  d["peer"] = l.peer_name;
  d["datagrams_sent"] = l.datagrams_sent;
  d["datagrams_received"] = l.datagrams_received;
  d["lost"] = l.lost;
  d["duplicated"] = l.duplicated;
  d["reordered"] = l.reordered;
  d["late"] = l.late;
  d["rejected"] = l.rejected;
  d["loss_fraction"] = opt(l.loss_fraction);
  d["rtt_p50_ns"] = opt(l.rtt_p50_ns);
  d["rtt_p99_ns"] = opt(l.rtt_p99_ns);
  d["clock_offset_ns"] = opt(l.clock_offset_ns);
  return d;
}

template <class T, class F>
py::list list_of(const std::vector<T>& items, F&& one) {
  py::list l;
  for (const auto& x : items) l.append(one(x));
  return l;
}

}  // namespace

py::dict summary_to_python(const report::Summary& s) {
  py::dict d;
  d["experiment_name"] = s.experiment_name;
  d["seed"] = s.seed;
  d["duration_ns"] = s.duration_ns;
  d["pacemaker"] = s.pacemaker;
  d["complete"] = s.complete;
  d["status"] = record::run_status_name(s.outcome.status);
  d["detail"] = s.outcome.detail;
  d["ended_at_ns"] = opt(s.outcome.ended_at_ns);
  d["spikes"] = s.spikes;
  d["weight_updates"] = s.weight_updates;
  d["phases"] = list_of(s.phases, phase);
  d["delivery"] = list_of(s.delivery, delivery);
  d["links"] = list_of(s.links, link);
  d["warnings"] = s.warnings;
  d["text"] = report::format_summary(s);
  return d;
}

}  // namespace ion::python
