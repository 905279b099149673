// SPDX-License-Identifier: Apache-2.0
#include "record/records.hpp"

#include <array>

#include "core/bytes.hpp"

namespace ion::record {

using bytes::ByteReader;
using bytes::ByteWriter;
namespace {

Status bad(const char* kind, const std::string& what) {
  return error(Errc::corrupt, std::string(kind) + " record: " + what);
}
Status short_payload(const char* kind, size_t got) {
  return bad(kind, "payload of " + std::to_string(got) + " bytes is too short");
}

// --- encoders: one per kind ---
void encode(const Spike& s, ByteWriter& w) {
  w.u16(s.source.site);
  w.u32(s.source.index);
  w.i64(s.t);
  w.u8(static_cast<uint8_t>(s.kind));
}
void encode(const SynapticInput& s, ByteWriter& w) {
  w.u16(s.post.site);
  w.u32(s.post.index);
  w.u32(s.synapse);
  w.f32(s.weight);
  w.i64(s.t);
  w.i64(s.arrival_ns);  // appended in log version 1: a 22-byte payload has no arrival
}
void encode(const Stimulus& s, ByteWriter& w) {
  w.u16(s.electrode);
  w.i64(s.t);
  w.f32(s.amplitude);
  w.f32(s.width_s);
  w.f32(s.charge_c);
  w.u32(s.synapse);
  w.u8(static_cast<uint8_t>(s.outcome));
  w.u8(s.cathodic_first ? 1 : 0);
}
void encode(const WeightUpdate& u, ByteWriter& w) {
  w.u32(u.synapse);
  w.i64(u.t);
  w.f32(u.resistance_ohm);
  w.f32(u.weight);
  w.i8(static_cast<int8_t>(u.action));
}
void encode(const LinkStats& s, ByteWriter& w) {
  w.u16(s.peer);
  w.i64(s.t);
  for (uint64_t c : {s.sent, s.received, s.events_sent, s.events_received, s.lost, s.duplicated, s.reordered, s.late,
                     s.rejected, s.malformed}) {
    w.u64(c);
  }
  w.i64(s.rtt_ns);
  w.i64(s.clock_offset_ns);
  w.i64(s.clock_uncertainty_ns);
  w.u8(s.peer_up ? 1 : 0);
}
void encode(const ClockSample& c, ByteWriter& w) {
  w.i64(c.local_ns);
  w.i64(c.experiment_ns);
  w.i64(c.offset_ns);
  w.i64(c.uncertainty_ns);
}
void encode(const SessionStart& s, ByteWriter& w) {
  w.u64(s.epoch);
  w.u8(s.resumed ? 1 : 0);
  w.i64(s.local_ns);
  w.i64(s.wall_ns);
}
void encode(const Note& n, ByteWriter& w) {
  w.i64(n.t);
  w.u16(static_cast<uint16_t>(n.kind));
  w.text(n.text);
}

// --- decoders: one per kind. Fixed sizes are minimums (fields may be appended later). ---
Result<bool> decode_bool(uint8_t v, const char* kind, const char* field) {
  if (v > 1) return bad(kind, std::string(field) + " = " + std::to_string(v) + ", expected 0 or 1");
  return v == 1;
}

Result<Record> decode_spike(ByteReader& r) {
  Spike s;
  s.source.site = r.u16();
  s.source.index = r.u32();
  s.t = r.i64();
  const uint8_t k = r.u8();
  if (!r.ok()) return short_payload("spike", r.position());
  if (k > 3) return bad("spike", "kind = " + std::to_string(k) + ", expected 0..3");
  s.kind = static_cast<SpikeKind>(k);
  return Record{s};
}
Result<Record> decode_input(ByteReader& r) {
  SynapticInput s;
  s.post.site = r.u16();
  s.post.index = r.u32();
  s.synapse = r.u32();
  s.weight = r.f32();
  s.t = r.i64();
  if (!r.ok()) return short_payload("synaptic_input", r.position());
  if (r.remaining() >= 8) s.arrival_ns = r.i64();  // older writers stopped at 22 bytes
  return Record{s};
}
Result<Record> decode_stimulus(ByteReader& r) {
  Stimulus s;
  s.electrode = r.u16();
  s.t = r.i64();
  s.amplitude = r.f32();
  s.width_s = r.f32();
  s.charge_c = r.f32();
  s.synapse = r.u32();
  const uint8_t outcome = r.u8();
  const uint8_t cathodic = r.u8();
  if (!r.ok()) return short_payload("stimulus", r.position());
  if (outcome > 2) return bad("stimulus", "outcome = " + std::to_string(outcome) + ", expected 0..2");
  s.outcome = static_cast<StimulusOutcome>(outcome);
  ION_TRY_ASSIGN(auto b, decode_bool(cathodic, "stimulus", "cathodic_first"));
  s.cathodic_first = b;
  return Record{s};
}
Result<Record> decode_weight(ByteReader& r) {
  WeightUpdate u;
  u.synapse = r.u32();
  u.t = r.i64();
  u.resistance_ohm = r.f32();
  u.weight = r.f32();
  const int8_t a = r.i8();
  if (!r.ok()) return short_payload("weight_update", r.position());
  if (a < -1 || a > 1) return bad("weight_update", "action = " + std::to_string(a) + ", expected -1..1");
  u.action = static_cast<PlasticityAction>(a);
  return Record{u};
}
Result<Record> decode_link(ByteReader& r) {
  LinkStats s;
  s.peer = r.u16();
  s.t = r.i64();
  for (uint64_t* c : {&s.sent, &s.received, &s.events_sent, &s.events_received, &s.lost, &s.duplicated, &s.reordered,
                      &s.late, &s.rejected, &s.malformed}) {
    *c = r.u64();
  }
  s.rtt_ns = r.i64();
  s.clock_offset_ns = r.i64();
  s.clock_uncertainty_ns = r.i64();
  const uint8_t up = r.u8();
  if (!r.ok()) return short_payload("link_stats", r.position());
  ION_TRY_ASSIGN(auto b, decode_bool(up, "link_stats", "peer_up"));
  s.peer_up = b;
  return Record{s};
}
Result<Record> decode_clock(ByteReader& r) {
  ClockSample c;
  c.local_ns = r.i64();
  c.experiment_ns = r.i64();
  c.offset_ns = r.i64();
  c.uncertainty_ns = r.i64();
  if (!r.ok()) return short_payload("clock_sample", r.position());
  return Record{c};
}
Result<Record> decode_session(ByteReader& r) {
  SessionStart s;
  s.epoch = r.u64();
  const uint8_t resumed = r.u8();
  s.local_ns = r.i64();
  s.wall_ns = r.i64();
  if (!r.ok()) return short_payload("session_start", r.position());
  ION_TRY_ASSIGN(auto b, decode_bool(resumed, "session_start", "resumed"));
  s.resumed = b;
  return Record{s};
}
Result<Record> decode_note(ByteReader& r) {
  Note n;
  n.t = r.i64();
  n.kind = static_cast<NoteKind>(r.u16());
  if (!r.ok()) return short_payload("note", r.position());
  n.text = r.text(r.remaining());
  return Record{n};
}

using Decoder = Result<Record> (*)(ByteReader&);
constexpr std::array<Decoder, kMaxKnownKind + 1> kDecoders = {nullptr,         decode_spike,   decode_input,
                                                              decode_stimulus, decode_weight,  decode_link,
                                                              decode_clock,    decode_session, decode_note};
constexpr std::array<const char*, kMaxKnownKind + 1> kKindNames = {"unknown",      "spike",         "synaptic_input",
                                                                   "stimulus",     "weight_update", "link_stats",
                                                                   "clock_sample", "session_start", "note"};

}  // namespace

RecordKind kind_of(const Record& r) { return static_cast<RecordKind>(r.index() + 1); }

const char* kind_name(uint16_t kind) { return kind <= kMaxKnownKind ? kKindNames[kind] : "unknown"; }

const char* note_kind_name(NoteKind k) {
  static constexpr std::array<const char*, 8> kNames = {
      "text", "experiment_file", "seed", "gap", "experiment_name", "site_names", "neuron_names", "synapse_names"};
  const auto i = static_cast<uint16_t>(k);
  return i < kNames.size() ? kNames[i] : "unknown";
}

Time record_time(const Record& r) {
  if (const auto* c = std::get_if<ClockSample>(&r)) return c->experiment_ns;
  if (const auto* s = std::get_if<SessionStart>(&r)) return s->local_ns;
  return std::visit(
      [](const auto& e) -> Time {
        if constexpr (requires { e.t; }) return e.t;
        else return 0;
      },
      r);
}

void encode_payload(const Record& r, std::vector<uint8_t>& out) {
  ByteWriter w(out);
  std::visit([&](const auto& e) { encode(e, w); }, r);
}

Result<Record> decode_payload(uint16_t kind, std::span<const uint8_t> payload) {
  if (kind == 0 || kind > kMaxKnownKind) {
    return error(Errc::not_found, "unknown record kind " + std::to_string(kind));
  }
  ByteReader r(payload);
  return kDecoders[kind](r);
}

}  // namespace ion::record
