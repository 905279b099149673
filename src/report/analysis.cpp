// SPDX-License-Identifier: Apache-2.0
#include "report/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ion::report {

std::optional<int64_t> percentile(std::vector<int64_t> values, double p) {
  if (values.empty() || !(p >= 0 && p <= 100)) return std::nullopt;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p % of the values at or below it.
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t i = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(i, values.size() - 1)];
}

std::vector<PhaseWindow> phase_windows(const experiment::Experiment& e, std::string* pacemaker) {
  for (const auto& n : e.neurons) {
    if (n.drive.kind != experiment::DriveKind::schedule || n.drive.phases.empty()) continue;
    if (pacemaker) *pacemaker = n.name;
    std::vector<PhaseWindow> out;
    Time t = 0;
    for (const auto& ph : n.drive.phases) {
      out.push_back({ph.rate_hz, t, t + ph.duration_ns});
      t += ph.duration_ns;
    }
    return out;
  }
  if (pacemaker) pacemaker->clear();
  return {{std::nullopt, 0, e.duration_ns}};
}

SpikeTrains spike_trains(const record::MergedRecording& m) {
  SpikeTrains out;
  for (const auto& s : m.spikes) {
    if (s.kind == static_cast<uint8_t>(SpikeKind::psp)) continue;
    out[NeuronAddr{s.site, s.index}].push_back(s.t);
  }
  for (auto& [addr, ts] : out) std::sort(ts.begin(), ts.end());
  return out;
}

namespace {

uint64_t count_in(const std::vector<Time>& ts, Time from, Time to) {
  const auto lo = std::lower_bound(ts.begin(), ts.end(), from);
  const auto hi = std::lower_bound(ts.begin(), ts.end(), to);
  return static_cast<uint64_t>(hi - lo);
}

}  // namespace

const std::vector<Time>& train_of(const SpikeTrains& trains, NeuronAddr a) {
  static const std::vector<Time> kEmpty;
  auto it = trains.find(a);
  return it == trains.end() ? kEmpty : it->second;
}

std::pair<uint64_t, uint64_t> count_responses(const std::vector<Time>& pre, const std::vector<Time>& post, Time from,
                                              Time to, const AnalysisOptions& o) {
  uint64_t n = 0, hit = 0;
  for (auto it = std::lower_bound(pre.begin(), pre.end(), from); it != pre.end() && *it < to; ++it) {
    ++n;
    const auto p = std::lower_bound(post.begin(), post.end(), *it + o.response_min_ns);
    if (p != post.end() && *p <= *it + o.response_max_ns) ++hit;
  }
  return {n, hit};
}

const record::WeightRow* weight_at(const std::vector<record::WeightRow>& rows, Time t) {
  auto it = std::upper_bound(rows.begin(), rows.end(), t, [](Time v, const record::WeightRow& r) { return v < r.t; });
  return it == rows.begin() ? nullptr : &*(it - 1);
}

namespace {

void fill_weights(SynapsePhase& sp, const std::vector<record::WeightRow>& rows, Time from, Time to) {
  if (const auto* w = weight_at(rows, from)) {
    sp.weight_start = w->weight;
    sp.resistance_start_ohm = w->resistance_ohm;
  } else if (!rows.empty() && rows.front().t < to) {
    sp.weight_start = rows.front().weight;  // first reading inside the phase
    sp.resistance_start_ohm = rows.front().resistance_ohm;
  }
  // The value in force at the end of [from, to): the last row strictly before `to`.
  if (const auto* w = to > 0 ? weight_at(rows, to - 1) : nullptr) {
    sp.weight_end = w->weight;
    sp.resistance_end_ohm = w->resistance_ohm;
  }
  for (const auto& r : rows) {
    if (r.t < from || r.t >= to) continue;
    if (r.action > 0) ++sp.potentiations;
    if (r.action < 0) ++sp.depressions;
  }
}

// The part of [from, to) that both the pre and the post neuron's sites recorded.
std::optional<std::pair<Time, Time>> both_covered(const Summary& s, NeuronAddr pre, NeuronAddr post, Time from,
                                                  Time to) {
  const auto a = covered(find_coverage(s.coverage, pre.site), from, to);
  const auto b = covered(find_coverage(s.coverage, post.site), from, to);
  if (!a || !b || std::min(a->second, b->second) <= from) return std::nullopt;
  return std::make_pair(from, std::min(a->second, b->second));
}

// A synapse's row of a phase before anything is measured.
SynapsePhase synapse_row(const experiment::Synapse& syn) {
  SynapsePhase sp;
  sp.id = syn.id;
  sp.name = syn.name;
  sp.pre = syn.pre;
  sp.post = syn.post;
  return sp;
}

SynapsePhase synapse_phase(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                           const experiment::Synapse& syn, const SpikeTrains& trains, const PhaseWindow& w) {
  SynapsePhase sp = synapse_row(syn);
  const auto* pre = e.find_neuron(syn.pre);
  const auto* post = e.find_neuron(syn.post);
  const auto span = pre && post ? both_covered(s, pre->addr, post->addr, w.start_ns, w.end_ns) : std::nullopt;
  if (span) {  // else no data: P(response) stays unknown rather than 0
    auto [n, hit] = count_responses(train_of(trains, pre->addr), train_of(trains, post->addr), span->first,
                                    span->second, s.options);
    sp.pre_spikes = n;
    sp.responded = hit;
    if (n > 0) sp.response_probability = static_cast<double>(hit) / static_cast<double>(n);
  }
  if (auto it = m.synapses.find(syn.id); it != m.synapses.end()) fill_weights(sp, it->second, w.start_ns, w.end_ns);
  return sp;
}

// Rates of every neuron of the circuit in one phase (rate_hz / partial: see PhaseSummary).
void phase_rates(PhaseSummary& ps, const Summary& s, const SpikeTrains& trains) {
  for (const auto& row : s.circuit.neurons) {
    const auto span = covered(find_coverage(s.coverage, row.addr.site), ps.start_ns, ps.end_ns);
    if (!span) continue;  // no data: the neuron's site recorded nothing of this phase
    const double len_s = to_seconds(span->second - span->first);
    if (len_s <= 0) continue;
    const auto& train = train_of(trains, row.addr);
    ps.rate_hz[row.name] = static_cast<double>(count_in(train, span->first, span->second)) / len_s;
    if (span->second < ps.end_ns) ps.partial.insert(row.name);
  }
}

PhaseSummary phase_summary(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                           const SpikeTrains& trains, const PhaseWindow& w) {
  PhaseSummary ps;
  ps.set_rate_hz = w.set_rate_hz;
  ps.start_ns = w.start_ns;
  ps.end_ns = w.end_ns;
  phase_rates(ps, s, trains);
  if (auto it = ps.rate_hz.find(s.pacemaker); it != ps.rate_hz.end()) ps.pacemaker_rate_hz = it->second;
  for (const auto& syn : e.synapses) ps.synapses.push_back(synapse_phase(m, e, s, syn, trains, w));
  return ps;
}

// A phase the run never reached: its bounds and, per synapse, names only (nothing measured).
PhaseSummary phase_not_run(const experiment::Experiment& e, const PhaseWindow& w) {
  PhaseSummary ps;
  ps.set_rate_hz = w.set_rate_hz;
  ps.start_ns = w.start_ns;
  ps.end_ns = w.end_ns;
  ps.ran = false;
  for (const auto& syn : e.synapses) ps.synapses.push_back(synapse_row(syn));
  return ps;
}

void coverage_warnings(Summary& s) {
  for (const auto& c : s.coverage) {
    if (!c.logged) {
      s.warnings.push_back("site " + c.name +
                           " has no log in the recording: its neurons, inputs and stimuli "
                           "are shown as no data");
    } else if (!c.finished) {
      s.warnings.push_back("site " + c.name + " wrote no end-of-run note; its log ends at " +
                           format_duration(c.until_ns) + " (interrupted or failed): later values are no data");
    }
  }
}

void add_warnings(Summary& s, const record::MergedRecording& m, const experiment::Experiment& e) {
  if (s.pacemaker.empty()) s.warnings.push_back("no neuron has a schedule drive: one phase spans the experiment");
  coverage_warnings(s);
  // Unnamed sources (e.g. culture electrodes without a named neuron) in one line, not one each.
  std::vector<std::string> unknown;
  for (const auto& g : s.circuit.groups) {
    for (size_t i = g.first; !g.in_experiment && i < g.first + g.count; ++i)
      unknown.push_back(s.circuit.neurons[i].name);
  }
  if (!unknown.empty()) {
    std::string list;
    for (size_t i = 0; i < unknown.size() && i < 5; ++i) list += (i ? ", " : "") + unknown[i];
    if (unknown.size() > 5) list += ", ... (+" + std::to_string(unknown.size() - 5) + " more)";
    s.warnings.push_back("spikes of " + std::to_string(unknown.size()) +
                         " address(es) that are not neurons of the experiment (e.g. unnamed electrodes): " + list);
  }
  for (const auto& [id, rows] : m.synapses) {
    if (id >= e.synapses.size())
      s.warnings.push_back("weights of " + synapse_label(m, e, id) + " (not in the experiment)");
  }
  if (!s.phases.empty() && !m.spikes.empty() && m.spikes.back().t >= s.phases.back().end_ns) {
    s.warnings.push_back("spikes recorded after the last phase ended (at " + format_duration(s.phases.back().end_ns) +
                         "): was the run's --duration different?");
  }
}

}  // namespace

std::vector<LinkSummary> summarize_links(const record::MergedRecording& m) {
  std::vector<LinkSummary> out;
  for (const auto& [key, rows] : m.links) {
    if (rows.empty()) continue;
    LinkSummary l;
    l.site = key.first;
    l.peer = key.second;
    l.site_name = m.site_name(key.first);
    l.peer_name = m.site_name(key.second);
    l.snapshots = rows.size();
    const LinkStats* last = &rows.front();
    std::vector<int64_t> rtts;
    for (const auto& r : rows) {
      if (r.t >= last->t) last = &r;
      if (r.rtt_ns > 0) rtts.push_back(r.rtt_ns);
    }
    l.last_t_ns = last->t;
    l.datagrams_sent = last->sent;
    l.datagrams_received = last->received;
    l.events_sent = last->events_sent;
    l.events_received = last->events_received;
    l.lost = last->lost;
    l.duplicated = last->duplicated;
    l.reordered = last->reordered;
    l.late = last->late;
    l.rejected = last->rejected;
    l.malformed = last->malformed;
    if (last->received + last->lost > 0) {
      l.loss_fraction = static_cast<double>(last->lost) / static_cast<double>(last->received + last->lost);
    }
    l.rtt_samples = rtts.size();
    l.rtt_p50_ns = percentile(rtts, 50);
    l.rtt_p99_ns = percentile(rtts, 99);
    l.rtt_min_ns = percentile(rtts, 0);
    l.rtt_max_ns = percentile(rtts, 100);
    l.clock_offset_ns = last->clock_offset_ns;
    out.push_back(std::move(l));
  }
  return out;
}

Summary summarize(const record::MergedRecording& m, const experiment::Experiment& e, const AnalysisOptions& o) {
  Summary s;
  s.experiment_name = m.experiment_name.empty() ? e.name : m.experiment_name;
  s.seed = m.seed.empty() ? std::to_string(e.seed) : m.seed;
  s.options = o;
  s.duration_ns = e.duration_ns;
  s.circuit = circuit_order(m, e);
  s.coverage = site_coverage(m, e);
  for (const auto& c : s.coverage) s.complete = s.complete && c.logged && c.finished;
  s.outcome = o.outcome ? *o.outcome : record::outcome_from_notes(m);
  const bool ended_early = s.outcome.status != record::RunStatus::complete && s.outcome.ended_at_ns;
  const auto trains = spike_trains(m);
  const auto windows = phase_windows(e, &s.pacemaker);
  for (size_t i = 0; i < windows.size(); ++i) {
    const bool ran = !ended_early || windows[i].start_ns < *s.outcome.ended_at_ns;
    s.phases.push_back(ran ? phase_summary(m, e, s, trains, windows[i]) : phase_not_run(e, windows[i]));
    s.phases.back().index = i;
  }
  s.delivery = summarize_delivery(m, e, trains, s.coverage);
  s.routes = summarize_routes(m, s.delivery);
  s.links = summarize_links(m);
  s.spikes = m.spikes.size();
  for (const auto& [id, rows] : m.synapses) s.weight_updates += rows.size();
  add_warnings(s, m, e);
  return s;
}

std::string format_latency(Duration d) {
  char buf[48];
  const double a = std::fabs(static_cast<double>(d));
  if (a >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.3fs", to_seconds(d));
  } else if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fms", to_ms(d));
  } else if (a >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.1fus", static_cast<double>(d) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%lldns", static_cast<long long>(d));
  }
  return buf;
}

std::optional<Duration> recorded_duration(const record::MergedRecording& m) {
  std::optional<Duration> d;
  for (const auto& n : m.notes) {
    if (n.kind != static_cast<uint16_t>(record::NoteKind::text)) continue;
    if (n.text.rfind("site ", 0) != 0 || n.text.find(" done:") == std::string::npos) continue;
    if (n.t > 0) d = std::max(d.value_or(0), n.t);
  }
  return d;
}

}  // namespace ion::report
