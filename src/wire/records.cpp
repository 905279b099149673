// SPDX-License-Identifier: Apache-2.0
#include "wire/records.hpp"

#include <cassert>
#include <cmath>

#include "core/bytes.hpp"

namespace ion::wire::records {

using namespace bytes;

namespace {

// Time offsets are wrapping int64 differences, so every (t, base) pair round-trips exactly.
uint64_t dt_code(Time t, Time base) {
  return zigzag(static_cast<int64_t>(static_cast<uint64_t>(t) - static_cast<uint64_t>(base)));
}
Time dt_time(uint64_t code, Time base) {
  return static_cast<Time>(static_cast<uint64_t>(base) + static_cast<uint64_t>(unzigzag(code)));
}
bool finite(float f) { return std::isfinite(f); }

// Sequential record writer over a buffer with room for one record.
struct Writer {
  uint8_t* p;
  size_t n = 0;
  void u8(uint8_t v) { p[n++] = v; }
  void var(uint64_t v) { n += put_varint(p + n, v); }
  void f32(float f) { put_f32(p + n, f), n += 4; }
  void u16(uint16_t v) { put_u16(p + n, v), n += 2; }
  void u32(uint32_t v) { put_u32(p + n, v), n += 4; }
  void u64(uint64_t v) { put_u64(p + n, v), n += 8; }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
};

// Counts the bytes a Writer would write (the record size estimate of the link's batcher).
struct Sizer {
  size_t n = 0;
  void u8(uint8_t) { ++n; }
  void var(uint64_t v) { n += varint_size(v); }
  void f32(float) { n += 4; }
};

// Field reader that maps reader failures onto error classes.
struct Fields {
  ByteReader r;
  WireError err = WireError::truncated_record;
  bool fail() {
    err = r.bad() ? WireError::bad_field : WireError::truncated_record;
    return false;
  }
  bool var(uint64_t& v) {
    v = r.varint();
    return r.ok() || fail();
  }
  bool var_max(uint64_t& v, uint64_t max) {
    if (!var(v)) return false;
    if (v > max) return err = WireError::bad_field, false;
    return true;
  }
  bool f32(float& f) {
    f = r.f32();
    if (!r.ok()) return fail();
    if (!finite(f)) return err = WireError::bad_field, false;
    return true;
  }
  bool time(Time& t, Time base) {
    uint64_t code = 0;
    if (!var(code)) return false;
    t = dt_time(code, base);
    return true;
  }
};

constexpr uint64_t kMaxSite = kNoSite - 1;

bool decode_spike(Fields& f, uint8_t tag, Time base, Spike& s) {
  uint64_t site = 0, index = 0;
  s.kind = static_cast<SpikeKind>(tag & 0x0F);
  if (!f.var_max(site, kMaxSite) || !f.var_max(index, UINT32_MAX)) return false;
  s.source = {static_cast<SiteId>(site), static_cast<uint32_t>(index)};
  return f.time(s.t, base);
}

bool decode_input(Fields& f, Time base, SynapticInput& s) {
  uint64_t site = 0, index = 0, syn = 0;
  if (!f.var_max(site, kMaxSite) || !f.var_max(index, UINT32_MAX) || !f.var_max(syn, UINT32_MAX)) return false;
  s.post = {static_cast<SiteId>(site), static_cast<uint32_t>(index)};
  s.synapse = static_cast<SynapseId>(syn);
  return f.f32(s.weight) && f.time(s.t, base);
}

bool decode_stimulus(Fields& f, uint8_t tag, Time base, Stimulus& s) {
  uint64_t electrode = 0, syn = 0;
  s.outcome = static_cast<StimulusOutcome>(tag & 0x03);
  s.cathodic_first = (tag & 0x04) != 0;
  if (!f.var_max(electrode, UINT16_MAX) || !f.var_max(syn, UINT32_MAX)) return false;
  s.electrode = static_cast<ElectrodeId>(electrode);
  s.synapse = static_cast<SynapseId>(syn);
  return f.f32(s.amplitude) && f.f32(s.width_s) && f.f32(s.charge_c) && f.time(s.t, base);
}

bool decode_weight(Fields& f, uint8_t tag, Time base, WeightUpdate& w) {
  uint64_t syn = 0;
  w.action = static_cast<PlasticityAction>(static_cast<int>(tag & 0x0F) - 1);
  if (!f.var_max(syn, UINT32_MAX)) return false;
  w.synapse = static_cast<SynapseId>(syn);
  return f.f32(w.resistance_ohm) && f.f32(w.weight) && f.time(w.t, base);
}

// Decodes one record whose tag byte was already read; appends to out.
bool decode_record(Fields& f, uint8_t tag, Time base, std::vector<Event>& out) {
  const uint8_t low = tag & 0x0F;
  switch (tag & 0xF0) {
    case kTagSpike:
      if (low > 3) break;
      return decode_spike(f, tag, base, std::get<Spike>(out.emplace_back(Spike{})));
    case kTagInput:
      if (low != 0) break;
      return decode_input(f, base, std::get<SynapticInput>(out.emplace_back(SynapticInput{})));
    case kTagStimulus:
      if ((low & 0x03) > 2 || low > 7) break;
      return decode_stimulus(f, tag, base, std::get<Stimulus>(out.emplace_back(Stimulus{})));
    case kTagWeight:
      if (low > 2) break;
      return decode_weight(f, tag, base, std::get<WeightUpdate>(out.emplace_back(WeightUpdate{})));
    default:
      break;
  }
  f.err = WireError::bad_tag;
  return false;
}

}  // namespace

// ---------------- validity + encode ----------------

bool valid(const Spike& s) { return s.source.valid() && static_cast<uint8_t>(s.kind) <= 3; }
bool valid(const SynapticInput& s) { return s.post.valid() && finite(s.weight); }
bool valid(const Stimulus& s) {
  return static_cast<uint8_t>(s.outcome) <= 2 && finite(s.amplitude) && finite(s.width_s) && finite(s.charge_c);
}
bool valid(const WeightUpdate& w) {
  const int a = static_cast<int>(w.action);
  return a >= -1 && a <= 1 && finite(w.resistance_ohm) && finite(w.weight);
}

namespace {

// The event records' layouts, written to a Writer (encode) or counted by a Sizer (size).
template <class W>
void put(W& w, const Spike& s, Time base) {
  w.u8(static_cast<uint8_t>(kTagSpike | static_cast<uint8_t>(s.kind)));
  w.var(s.source.site);
  w.var(s.source.index);
  w.var(dt_code(s.t, base));
}

template <class W>
void put(W& w, const SynapticInput& s, Time base) {
  w.u8(kTagInput);
  w.var(s.post.site);
  w.var(s.post.index);
  w.var(s.synapse);
  w.f32(s.weight);
  w.var(dt_code(s.t, base));
}

template <class W>
void put(W& w, const Stimulus& s, Time base) {
  const uint8_t low = static_cast<uint8_t>(static_cast<uint8_t>(s.outcome) | (s.cathodic_first ? 4 : 0));
  w.u8(static_cast<uint8_t>(kTagStimulus | low));
  w.var(s.electrode);
  w.var(s.synapse);
  w.f32(s.amplitude);
  w.f32(s.width_s);
  w.f32(s.charge_c);
  w.var(dt_code(s.t, base));
}

template <class W>
void put(W& w, const WeightUpdate& u, Time base) {
  w.u8(static_cast<uint8_t>(kTagWeight | (static_cast<int>(u.action) + 1)));
  w.var(u.synapse);
  w.f32(u.resistance_ohm);
  w.f32(u.weight);
  w.var(dt_code(u.t, base));
}

template <class T>
size_t encode_record(const T& e, Time base, uint8_t* out) {
  Writer w{out};
  put(w, e, base);
  return w.n;
}

template <class T>
size_t record_bytes(const T& e, Time base) {
  Sizer z;
  put(z, e, base);
  return z.n;
}

}  // namespace

size_t encode(const Spike& s, Time base, uint8_t* out) { return encode_record(s, base, out); }
size_t encode(const SynapticInput& s, Time base, uint8_t* out) { return encode_record(s, base, out); }
size_t encode(const Stimulus& s, Time base, uint8_t* out) { return encode_record(s, base, out); }
size_t encode(const WeightUpdate& u, Time base, uint8_t* out) { return encode_record(u, base, out); }
size_t size(const Spike& s, Time base) { return record_bytes(s, base); }
size_t size(const SynapticInput& s, Time base) { return record_bytes(s, base); }
size_t size(const Stimulus& s, Time base) { return record_bytes(s, base); }
size_t size(const WeightUpdate& u, Time base) { return record_bytes(u, base); }

// ---------------- events decode ----------------

WireResult<bool> decode_events(const Header& h, std::span<const uint8_t> payload, std::vector<Event>& out,
                               size_t& padding_bytes) {
  if (static_cast<size_t>(h.count) * kMinRecordBytes > payload.size()) return WireError::bad_count;
  out.reserve(h.count);
  Fields f{ByteReader(payload)};
  for (uint16_t i = 0; i < h.count; ++i) {
    const uint8_t tag = f.r.u8();
    if (!f.r.ok()) return WireError::bad_count;  // records ended before count was reached
    if (!decode_record(f, tag, h.send_time_ns, out)) return f.err;
  }
  // Padding (docs/protocol.md §3.1): zero bytes only after the last record; anything else trails.
  const std::span<const uint8_t> rest = payload.subspan(payload.size() - f.r.remaining());
  for (const uint8_t b : rest)
    if (b != 0) return WireError::trailing_bytes;
  padding_bytes = rest.size();
  return true;
}

// ---------------- control payloads ----------------

namespace {

size_t encode_hello(const Hello& m, Writer& w) {
  w.u8(m.reply ? 1 : 0);
  w.u8(m.aead_offered);
  w.u16(m.max_datagram_bytes);
  return w.n;
}
size_t encode_probe(const ClockProbe& m, Writer& w) {
  w.u32(m.wave);
  w.u32(m.probe);
  w.i64(m.t1_ns);
  return w.n;
}
size_t encode_reply(const ClockReply& m, Writer& w) {
  w.u32(m.wave);
  w.u32(m.probe);
  w.i64(m.t1_ns);
  w.i64(m.t2_ns);
  w.i64(m.t3_ns);
  return w.n;
}
size_t encode_heartbeat(const Heartbeat& m, Writer& w) {
  const LinkStats& s = m.stats;
  w.u16(s.peer);
  w.i64(s.t);
  for (uint64_t v : {s.sent, s.received, s.events_sent, s.events_received, s.lost, s.duplicated, s.reordered, s.late,
                     s.rejected, s.malformed})
    w.u64(v);
  w.i64(s.rtt_ns);
  w.i64(s.clock_offset_ns);
  w.i64(s.clock_uncertainty_ns);
  w.u8(s.peer_up ? 1 : 0);
  return w.n;
}
size_t encode_goodbye(const Goodbye& m, Writer& w) {
  w.u8(static_cast<uint8_t>(m.reason));
  return w.n;
}

// Reads the fixed-size control payloads; the reads cannot fail after the size check.
using Fixed = ByteReader;

WireResult<bool> decode_hello(Fixed& f, Control& out) {
  Hello m;
  const uint8_t reply = f.u8();
  m.aead_offered = f.u8();
  m.max_datagram_bytes = f.u16();
  // Offer bits: 0x01 XChaCha20-Poly1305, 0x02 AES-256-GCM (wire::Aead); none, or unknown bits, is bad.
  if (reply > 1 || m.aead_offered == 0 || (m.aead_offered & ~0x03) != 0) return WireError::bad_field;
  if (m.max_datagram_bytes < kHeaderBytes + kTagBytes + kMinRecordBytes || m.max_datagram_bytes > kMaxDatagramBytes)
    return WireError::bad_field;
  m.reply = reply == 1;
  out = m;
  return true;
}
WireResult<bool> decode_probe(Fixed& f, Control& out) {
  ClockProbe m;
  m.wave = f.u32();
  m.probe = f.u32();
  m.t1_ns = f.i64();
  out = m;
  return true;
}
WireResult<bool> decode_reply(Fixed& f, Control& out) {
  ClockReply m;
  m.wave = f.u32();
  m.probe = f.u32();
  m.t1_ns = f.i64();
  m.t2_ns = f.i64();
  m.t3_ns = f.i64();
  out = m;
  return true;
}
WireResult<bool> decode_heartbeat(Fixed& f, Control& out) {
  Heartbeat m;
  LinkStats& s = m.stats;
  s.peer = f.u16();
  s.t = f.i64();
  for (uint64_t* v : {&s.sent, &s.received, &s.events_sent, &s.events_received, &s.lost, &s.duplicated, &s.reordered,
                      &s.late, &s.rejected, &s.malformed})
    *v = f.u64();
  s.rtt_ns = f.i64();
  s.clock_offset_ns = f.i64();
  s.clock_uncertainty_ns = f.i64();
  const uint8_t up = f.u8();
  if (up > 1) return WireError::bad_field;
  s.peer_up = up == 1;
  out = m;
  return true;
}
WireResult<bool> decode_goodbye(Fixed& f, Control& out) {
  const uint8_t reason = f.u8();
  if (reason > kMaxGoodbyeReason) return WireError::bad_field;
  out = Goodbye{static_cast<GoodbyeReason>(reason)};
  return true;
}

struct ControlCodec {
  size_t bytes;
  WireResult<bool> (*decode)(Fixed&, Control&);
};
// Indexed by message type (events = 1 has no control codec).
constexpr ControlCodec kControlCodecs[] = {
    {0, nullptr},
    {0, nullptr},
    {kHelloBytes, decode_hello},
    {kProbeBytes, decode_probe},
    {kReplyBytes, decode_reply},
    {kHeartbeatBytes, decode_heartbeat},
    {kGoodbyeBytes, decode_goodbye},
};

}  // namespace

size_t encode_control(const Control& c, uint8_t* out) {
  Writer w{out};
  struct V {
    Writer& w;
    size_t operator()(std::monostate) const {
      assert(false);
      return 0;
    }
    size_t operator()(const Hello& m) const { return encode_hello(m, w); }
    size_t operator()(const ClockProbe& m) const { return encode_probe(m, w); }
    size_t operator()(const ClockReply& m) const { return encode_reply(m, w); }
    size_t operator()(const Heartbeat& m) const { return encode_heartbeat(m, w); }
    size_t operator()(const Goodbye& m) const { return encode_goodbye(m, w); }
  };
  return std::visit(V{w}, c);
}

WireResult<bool> decode_control(MsgType type, std::span<const uint8_t> payload, Control& out) {
  const auto t = static_cast<size_t>(type);
  assert(t >= 2 && t < sizeof(kControlCodecs) / sizeof(kControlCodecs[0]));
  const ControlCodec& codec = kControlCodecs[t];
  if (payload.size() < codec.bytes) return WireError::truncated_record;
  if (payload.size() > codec.bytes) return WireError::trailing_bytes;
  Fixed f(payload);
  return codec.decode(f, out);
}

}  // namespace ion::wire::records
