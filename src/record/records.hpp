// SPDX-License-Identifier: Apache-2.0
#pragma once
// The kinds of records an event log holds, and their payload codecs (explicit little-endian,
// one encode/decode pair per kind; byte layouts in docs/recording.md).
// Adding a kind: append to RecordKind and to the Record variant (same order), add its codec.
// Readers skip (and count) kinds they do not know; a known kind may grow by appending fields,
// and readers ignore trailing payload bytes they do not know.
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/events.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::record {

enum class RecordKind : uint16_t {
  spike = 1,
  synaptic_input = 2,
  stimulus = 3,
  weight_update = 4,
  link_stats = 5,
  clock_sample = 6,
  session_start = 7,
  note = 8,
};
inline constexpr uint16_t kMaxKnownKind = 8;

// One clock-synchronisation estimate taken by a site.
struct ClockSample {
  Time local_ns = 0;            // this site's local clock when the sample was taken
  Time experiment_ns = 0;       // experiment (master) time at that instant, as estimated
  Duration offset_ns = 0;       // local − master
  Duration uncertainty_ns = 0;  // ± bound on offset_ns
};

// Written at the start of every session that appends to a log (first or resumed).
struct SessionStart {
  uint64_t epoch = 0;    // session epoch (changes on every restart of the site)
  bool resumed = false;  // true when appending to an existing log
  Time local_ns = 0;     // local clock at session start
  int64_t wall_ns = 0;   // wall-clock time at session start, ns since the Unix epoch (UTC)
};

enum class NoteKind : uint16_t {
  text = 0,             // free text
  experiment_file = 1,  // the full experiment file text (TOML)
  seed = 2,             // the experiment seed, decimal
  gap = 3,              // a gap in the record (e.g. resumed after a crash), human-readable reason
  experiment_name = 4,
  site_names = 5,     // "id=name" lines, one per site
  neuron_names = 6,   // "site:index=name" lines
  synapse_names = 7,  // "id=name" lines
};

struct Note {
  Time t = 0;                      // experiment time (or local time for session-level notes)
  NoteKind kind = NoteKind::text;  // unknown values are kept as they are
  std::string text;                // UTF-8
};

// Variant index + 1 == RecordKind value.
using Record = std::variant<Spike, SynapticInput, Stimulus, WeightUpdate, LinkStats, ClockSample, SessionStart, Note>;

RecordKind kind_of(const Record& r);
// "spike", "synaptic_input", ..., or "unknown" for kinds this build does not know.
const char* kind_name(uint16_t kind);
const char* note_kind_name(NoteKind k);  // "text", "experiment_file", ..., "unknown"
// The record's time for spans and sorting: event time, experiment time of a clock sample,
// local time of a session start.
Time record_time(const Record& r);

// Appends the payload of r (without framing) to out.
void encode_payload(const Record& r, std::vector<uint8_t>& out);
// Decodes a payload of a known kind. Errors: not_found for an unknown kind; corrupt for a short
// payload or an out-of-range enum/bool value (the message names the field).
Result<Record> decode_payload(uint16_t kind, std::span<const uint8_t> payload);

}  // namespace ion::record
