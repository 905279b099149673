// SPDX-License-Identifier: Apache-2.0
#include "record/log_summary.hpp"

#include "record/merge.hpp"

#include <algorithm>
#include <sstream>

namespace ion::record {
namespace {

// Folds one record into the summary (a handler per kind).
struct Accumulate {
  LogSummary& s;
  void event_time(Time t) {
    if (!s.has_events) s.t_first_ns = s.t_last_ns = t;
    s.t_first_ns = std::min(s.t_first_ns, t);
    s.t_last_ns = std::max(s.t_last_ns, t);
    s.has_events = true;
  }
  void operator()(const Spike& e) {
    event_time(e.t);
    ++s.spikes[e.source];
  }
  void operator()(const SynapticInput& e) {
    event_time(e.t);
    ++s.inputs[e.post];
  }
  void operator()(const Stimulus& e) {
    event_time(e.t);
    ++s.stimuli[static_cast<size_t>(e.outcome)];
  }
  void operator()(const WeightUpdate& e) {
    event_time(e.t);
    SynapseSummary& y = s.synapses[e.synapse];
    if (y.updates == 0) {
      y.weight_min = y.weight_max = e.weight;
      y.resistance_min_ohm = y.resistance_max_ohm = e.resistance_ohm;
    }
    ++y.updates;
    ++y.by_action[static_cast<size_t>(static_cast<int>(e.action) + 1)];
    y.weight_min = std::min(y.weight_min, e.weight);
    y.weight_max = std::max(y.weight_max, e.weight);
    y.resistance_min_ohm = std::min(y.resistance_min_ohm, e.resistance_ohm);
    y.resistance_max_ohm = std::max(y.resistance_max_ohm, e.resistance_ohm);
    y.weight_last = e.weight;
    y.resistance_last_ohm = e.resistance_ohm;
    y.t_last_ns = e.t;
  }
  void operator()(const LinkStats& e) {
    event_time(e.t);
    s.last_link_stats[e.peer] = e;
  }
  void operator()(const ClockSample& e) {
    event_time(e.experiment_ns);
    ++s.clock_samples;
    s.last_clock = e;
  }
  void operator()(const SessionStart& e) { s.sessions.push_back(e); }
  void operator()(const Note& e) {
    ++s.notes_by_kind[note_kind_name(e.kind)];
    if (e.kind == NoteKind::gap) s.gaps.push_back(e.text);
    read_name_note(e, s.site_names, s.neuron_names, s.synapse_names);
  }
};

nlohmann::json link_json(const LinkStats& l) {
  return {{"t_ns", l.t},
          {"sent", l.sent},
          {"received", l.received},
          {"events_sent", l.events_sent},
          {"events_received", l.events_received},
          {"lost", l.lost},
          {"duplicated", l.duplicated},
          {"reordered", l.reordered},
          {"late", l.late},
          {"rejected", l.rejected},
          {"malformed", l.malformed},
          {"rtt_ns", l.rtt_ns},
          {"clock_offset_ns", l.clock_offset_ns},
          {"clock_uncertainty_ns", l.clock_uncertainty_ns},
          {"peer_up", l.peer_up}};
}

nlohmann::json synapse_json(const SynapseSummary& y) {
  return {{"updates", y.updates},
          {"depress", y.by_action[0]},
          {"read", y.by_action[1]},
          {"potentiate", y.by_action[2]},
          {"weight_min", y.weight_min},
          {"weight_max", y.weight_max},
          {"weight_last", y.weight_last},
          {"resistance_min_ohm", y.resistance_min_ohm},
          {"resistance_max_ohm", y.resistance_max_ohm},
          {"resistance_last_ohm", y.resistance_last_ohm},
          {"t_last_ns", y.t_last_ns}};
}

nlohmann::json tail_json(const ScanReport& t) {
  nlohmann::json j = {{"state", tail_state_name(t.state)},    {"file_bytes", t.file_bytes},
                      {"good_bytes", t.good_bytes},           {"dropped_bytes", t.dropped_bytes},
                      {"dropped_records", t.dropped_records}, {"records", t.records},
                      {"unknown_records", t.unknown_records}, {"malformed_records", t.malformed_records}};
  if (t.state != TailState::clean) {
    j["problem"] = t.problem;
    j["problem_offset"] = t.problem_offset;
    j["in_middle"] = !t.bad_record_is_last;
  }
  if (!t.first_malformed.empty()) j["first_malformed"] = t.first_malformed;
  nlohmann::json unknown = nlohmann::json::object();
  for (auto [k, n] : t.unknown_by_kind) unknown[std::to_string(k)] = n;
  j["unknown_by_kind"] = unknown;
  return j;
}

nlohmann::json neuron_counts_json(const std::map<NeuronAddr, uint64_t>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (auto [a, n] : m) j[to_string(a)] = n;
  return j;
}

}  // namespace

Result<LogSummary> summarize_log(const std::string& path) {
  ION_TRY_ASSIGN(auto reader, LogReader::open(path));
  LogSummary s;
  s.path = path;
  s.header = reader.header();
  Accumulate acc{s};
  while (auto rec = reader.next()) {
    ++s.records_by_kind[kind_name(static_cast<uint16_t>(kind_of(*rec)))];
    std::visit(acc, *rec);
  }
  s.tail = reader.report();
  return s;
}

nlohmann::json to_json(const LogSummary& s) {
  nlohmann::json j;
  j["path"] = s.path;
  j["site"] = {{"id", s.header.site_id}, {"name", s.header.site_name}};
  j["session_epoch"] = s.header.session_epoch;
  j["start_wall_ns"] = s.header.start_wall_ns;
  j["sessions"] = nlohmann::json::array();
  for (const auto& e : s.sessions) {
    j["sessions"].push_back(
        {{"epoch", e.epoch}, {"resumed", e.resumed}, {"local_ns", e.local_ns}, {"wall_ns", e.wall_ns}});
  }
  j["records_by_kind"] = s.records_by_kind;
  j["time_span_ns"] = s.has_events ? nlohmann::json{s.t_first_ns, s.t_last_ns} : nlohmann::json(nullptr);
  j["spikes_per_neuron"] = neuron_counts_json(s.spikes);
  j["inputs_per_neuron"] = neuron_counts_json(s.inputs);
  j["stimuli"] = {{"delivered", s.stimuli[0]}, {"clamped", s.stimuli[1]}, {"refused", s.stimuli[2]}};
  j["synapses"] = nlohmann::json::object();
  for (const auto& [id, y] : s.synapses) j["synapses"][std::to_string(id)] = synapse_json(y);
  j["links"] = nlohmann::json::object();
  for (const auto& [peer, l] : s.last_link_stats) j["links"][std::to_string(peer)] = link_json(l);
  j["clock_samples"] = s.clock_samples;
  if (s.clock_samples > 0) {
    j["last_clock"] = {{"local_ns", s.last_clock.local_ns},
                       {"experiment_ns", s.last_clock.experiment_ns},
                       {"offset_ns", s.last_clock.offset_ns},
                       {"uncertainty_ns", s.last_clock.uncertainty_ns}};
  }
  j["notes_by_kind"] = s.notes_by_kind;
  j["gaps"] = s.gaps;
  j["tail"] = tail_json(s.tail);
  return j;
}

namespace {

// The experiment's name for an id, else the id: "ANpre" / "2:0"; "ABsyn" / "4"; "hub (site 1)" / "site 1".
template <class Map, class Key, class Fallback>
std::string name_of(const Map& names, const Key& key, Fallback fallback) {
  auto it = names.find(key);
  return it == names.end() ? fallback() : it->second;
}

std::string neuron_name(const LogSummary& s, NeuronAddr a) {
  return name_of(s.neuron_names, a, [a] { return to_string(a); });
}

std::string site_label(const LogSummary& s, SiteId id) {
  const std::string site = "site " + std::to_string(id);
  return name_of(s.site_names, id, [] { return std::string(); }) + (s.site_names.count(id) ? " (" + site + ")" : site);
}

std::string synapse_label(const LogSummary& s, SynapseId id) {
  const std::string n = std::to_string(id);
  return s.synapse_names.count(id) ? s.synapse_names.at(id) + " (id " + n + ")" : n;
}

void synapse_lines(std::ostringstream& o, const LogSummary& s) {
  for (const auto& [id, y] : s.synapses) {
    o << "  synapse " << synapse_label(s, id) << ": " << y.updates << " updates (+" << y.by_action[2] << " -"
      << y.by_action[0] << "), weight " << y.weight_min << " .. " << y.weight_max << " (last " << y.weight_last
      << "), R " << y.resistance_min_ohm << " .. " << y.resistance_max_ohm << " ohm\n";
  }
}

void link_lines(std::ostringstream& o, const LogSummary& s) {
  for (const auto& [peer, l] : s.last_link_stats) {
    o << "  link to " << site_label(s, peer) << " at " << format_duration_human(l.t) << ": sent=" << l.sent
      << " received=" << l.received << " lost=" << l.lost << " rejected=" << l.rejected
      << " rtt=" << format_duration_human(l.rtt_ns) << " offset=" << format_duration_human(l.clock_offset_ns)
      << (l.peer_up ? " up" : " down") << '\n';
  }
}

}  // namespace

// Names from the log's notes and times for people (format_duration_human); --json keeps ids and ns.
std::string to_text(const LogSummary& s) {
  std::ostringstream o;
  o << s.path << ": site '" << s.header.site_name << "' (id " << s.header.site_id << ")\n";
  o << "  sessions: " << s.sessions.size() << " (epochs";
  for (const auto& e : s.sessions) o << ' ' << e.epoch << (e.resumed ? "[resumed]" : "");
  o << ")\n  records:";
  for (const auto& [k, n] : s.records_by_kind) o << ' ' << k << '=' << n;
  if (s.tail.unknown_records) o << " unknown=" << s.tail.unknown_records;
  if (s.tail.malformed_records) o << " malformed=" << s.tail.malformed_records;
  o << "\n  time span: ";
  if (s.has_events) {
    o << format_duration_human(s.t_first_ns) << " .. " << format_duration_human(s.t_last_ns) << " ("
      << format_duration_human(s.t_last_ns - s.t_first_ns) << ")\n";
  } else {
    o << "no events\n";
  }
  if (!s.spikes.empty()) {
    o << "  spikes per neuron:";
    for (auto [a, n] : s.spikes) o << ' ' << neuron_name(s, a) << '=' << n;
    o << '\n';
  }
  if (s.stimuli[0] + s.stimuli[1] + s.stimuli[2] > 0) {
    o << "  stimuli: delivered=" << s.stimuli[0] << " clamped=" << s.stimuli[1] << " refused=" << s.stimuli[2] << '\n';
  }
  synapse_lines(o, s);
  link_lines(o, s);
  if (!s.notes_by_kind.empty()) {
    o << "  notes:";
    for (const auto& [k, n] : s.notes_by_kind) o << ' ' << k << '=' << n;
    o << '\n';
  }
  if (s.clock_samples > 0) {
    o << "  clock samples: " << s.clock_samples << " (last offset " << format_duration_human(s.last_clock.offset_ns)
      << " ± " << format_duration_human(s.last_clock.uncertainty_ns) << ")\n";
  }
  for (const auto& g : s.gaps) o << "  gap: " << g << '\n';
  o << "  tail: " << s.tail.describe() << '\n';
  return o.str();
}

}  // namespace ion::record
