// SPDX-License-Identifier: Apache-2.0
#pragma once
// A summary of one event log, for `ion inspect`: who wrote it, sessions, records by kind, time
// span, per-neuron spike counts, stimuli by outcome, weight ranges, last link stats, lost tail.
#include <array>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.hpp"
#include "record/log_reader.hpp"

namespace ion::record {

struct SynapseSummary {
  uint64_t updates = 0;
  std::array<uint64_t, 3> by_action{};  // depress, read, potentiate
  float weight_min = 0, weight_max = 0, weight_last = 0;
  float resistance_min_ohm = 0, resistance_max_ohm = 0, resistance_last_ohm = 0;
  Time t_last_ns = 0;
};

struct LogSummary {
  std::string path;
  LogHeader header;
  std::vector<SessionStart> sessions;
  std::map<std::string, uint64_t> records_by_kind;  // known kinds by name
  Time t_first_ns = 0, t_last_ns = 0;               // over event records (not session starts)
  bool has_events = false;
  std::map<NeuronAddr, uint64_t> spikes;
  std::map<NeuronAddr, uint64_t> inputs;  // synaptic inputs per post neuron
  std::array<uint64_t, 3> stimuli{};      // delivered, clamped, refused
  std::map<SynapseId, SynapseSummary> synapses;
  std::map<SiteId, LinkStats> last_link_stats;
  uint64_t clock_samples = 0;
  ClockSample last_clock;
  std::map<std::string, uint64_t> notes_by_kind;
  std::vector<std::string> gaps;  // texts of gap notes
  // From the log's name notes (the experiment's names); to_text prints them instead of ids.
  std::map<SiteId, std::string> site_names;
  std::map<NeuronAddr, std::string> neuron_names;
  std::map<SynapseId, std::string> synapse_names;
  ScanReport tail;
};

// Reads the whole log. Errors only when the header cannot be read; a damaged tail is reported
// in `tail`.
Result<LogSummary> summarize_log(const std::string& path);

nlohmann::json to_json(const LogSummary& s);
std::string to_text(const LogSummary& s);

}  // namespace ion::record
