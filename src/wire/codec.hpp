// SPDX-License-Identifier: Apache-2.0
#pragma once
// ion/1 datagram codec: pure functions over byte spans, explicit little-endian, no I/O.
// Byte-exact layout in docs/protocol.md. One datagram = 44-byte header, payload, and (unless the
// insecure flag is set) a 16-byte AEAD tag; total at most kMaxDatagramBytes.
// Sealing/opening (AEAD) lives in crypto.hpp; per-peer state (epochs, sequence, replay) in channel.hpp.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "core/events.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "wire/expected.hpp"

namespace ion::wire {

inline constexpr size_t kMaxDatagramBytes = 1200;
inline constexpr size_t kHeaderBytes = 44;
inline constexpr size_t kTagBytes = 16;   // Poly1305 tag, absent on insecure datagrams
inline constexpr uint8_t kMagic0 = 0x69;  // 'i'
inline constexpr uint8_t kMagic1 = 0x6F;  // 'o'
// 2: forward-only epochs and the handshake rules of docs/protocol.md §4.3 (1 had random epochs).
// 3: message type 7 (status: copies of recorded data for a monitor), docs/protocol.md §4.6.
// 4: AEAD negotiation (hello byte 1 = aead_offered; AES-256-GCM per link; suite, offers and key
//    block bound into the link key), docs/protocol.md §4.6.
inline constexpr uint8_t kVersion = 4;
inline constexpr uint8_t kFlagInsecure = 0x01;  // no tag, payload in clear; all other bits reserved (0)

enum class MsgType : uint8_t {
  events = 1,       // count event records
  hello = 2,        // handshake: carries epochs in the header
  clock_probe = 3,  // node → master: t1
  clock_reply = 4,  // master → node: t1 echoed, t2 (master receive), t3 (master send)
  heartbeat = 5,    // liveness + the sender's LinkStats for this link
  goodbye = 6,      // orderly shutdown
  status = 7,       // site → monitor: copies of log records (docs/protocol.md §3.3)
};
inline constexpr uint8_t kMaxMsgType = 7;
const char* msg_type_name(MsgType t);

// Every way a datagram can be refused. Codec classes first (count as "malformed"), then security
// and stream classes (count as "rejected"; duplicate may be counted as "duplicated").
enum class WireError : uint8_t {
  short_datagram,  // fewer bytes than header (+ tag)
  long_datagram,   // more than kMaxDatagramBytes
  bad_magic,
  bad_version,
  bad_type,          // message type unknown
  bad_flags,         // reserved flag bits set
  bad_count,         // event count impossible, or records ended before count was reached
  truncated_record,  // a record (or control payload) cut short
  bad_tag,           // unknown record tag byte
  bad_field,         // a field out of range (varint too long, site > 65534, NaN float, enum value)
  trailing_bytes,    // bytes after the last record / control payload
  // ---- security / stream (Channel::open) ----
  insecure_refused,  // insecure flag on a link not allowed to be insecure
  auth_failed,       // AEAD verification failed (bit flip, wrong key, forged)
  wrong_site,        // sender/receiver site ids are not this link's
  stale_epoch,       // addressed to another incarnation of us (receiver epoch not ours), or epoch 0
  unbound,           // non-hello datagram with receiver epoch 0 (not bound to our epoch)
  duplicate,         // sequence number already accepted (replay or network duplicate)
  too_old,           // sequence number below the replay window
  old_epoch,         // sender epoch older than the newest one known for the peer (earlier run)
  not_permitted,     // authentic, but a message type this peer may not send (a monitor's events)
  aead_mismatch,     // authentic hello whose AEAD offer shares no suite with ours (docs/protocol.md §4.2)
  count_
};
inline constexpr size_t kWireErrorCount = static_cast<size_t>(WireError::count_);
const char* wire_error_name(WireError e);
// True for the codec classes (short_datagram .. trailing_bytes).
constexpr bool is_malformed(WireError e) { return e <= WireError::trailing_bytes; }

template <class T>
using WireResult = Expected<T, WireError>;

// The fixed header. On the wire `count` is the number of event records (0 for control messages).
struct Header {
  MsgType type = MsgType::events;
  uint8_t flags = 0;
  SiteId sender = kNoSite;
  SiteId receiver = kNoSite;
  uint16_t count = 0;
  uint64_t sender_epoch = 0;    // sender's session epoch (never 0 on the wire from a live node)
  uint64_t receiver_epoch = 0;  // receiver's epoch as last seen by the sender; 0 = unknown
  uint64_t seq = 0;             // per sender epoch and direction, strictly increasing
  Time send_time_ns = 0;        // sender's experiment time at send; base for event time offsets
  bool insecure() const { return (flags & kFlagInsecure) != 0; }
  bool operator==(const Header&) const = default;
};

using Event = std::variant<Spike, SynapticInput, Stimulus, WeightUpdate>;

struct Hello {
  bool reply = false;  // true when answering a hello (the header then carries our peer's epoch)
  uint16_t max_datagram_bytes = kMaxDatagramBytes;
  // AEAD suites the sender accepts (bits of wire::Aead, crypto.hpp; never 0). Channel sets it
  // from its configuration on every hello it sends.
  uint8_t aead_offered = 0x01;
  bool operator==(const Hello&) const = default;
};
struct ClockProbe {
  uint32_t wave = 0;
  uint32_t probe = 0;
  Time t1_ns = 0;  // node's local clock when sent
  bool operator==(const ClockProbe&) const = default;
};
struct ClockReply {
  uint32_t wave = 0;
  uint32_t probe = 0;
  Time t1_ns = 0;  // echoed from the probe
  Time t2_ns = 0;  // master clock at probe receipt
  Time t3_ns = 0;  // master clock at reply send
  bool operator==(const ClockReply&) const = default;
};
struct Heartbeat {
  LinkStats stats;  // the sender's view of this link
};
enum class GoodbyeReason : uint8_t { shutdown = 0, error = 1, restart = 2 };
inline constexpr uint8_t kMaxGoodbyeReason = 2;
struct Goodbye {
  GoodbyeReason reason = GoodbyeReason::shutdown;
  bool operator==(const Goodbye&) const = default;
};
bool operator==(const Heartbeat& a, const Heartbeat& b);

using Control = std::variant<std::monostate, Hello, ClockProbe, ClockReply, Heartbeat, Goodbye>;
// The message type a control payload travels as. REQUIRES: c is not monostate.
MsgType control_type(const Control& c);

// A decoded datagram. Reuse one instance across calls to keep the events vector's capacity.
struct Datagram {
  Header header;
  std::vector<Event> events;  // MsgType::events only, in wire order
  size_t padding_bytes = 0;   // MsgType::events only: zero bytes after the last record (§3.1)
  Control control;            // control messages only
  // MsgType::status only: the payload, `header.count` entries of (u16 kind, u16 length, length
  // bytes of a log record payload), framing checked; the records themselves are not decoded here.
  std::vector<uint8_t> copies;
};

// One entry of a status message (docs/protocol.md §3.3).
inline constexpr size_t kCopyFrameBytes = 4;  // u16 kind + u16 length
struct CopyView {
  uint16_t kind = 0;
  std::span<const uint8_t> payload;
};
// Calls fn(CopyView) for each entry of a framing-checked status payload.
template <class Fn>
void for_each_copy(std::span<const uint8_t> copies, Fn&& fn) {
  size_t at = 0;
  while (at + kCopyFrameBytes <= copies.size()) {
    const uint16_t kind = static_cast<uint16_t>(copies[at] | (copies[at + 1] << 8));
    const size_t len = static_cast<size_t>(copies[at + 2] | (copies[at + 3] << 8));
    if (at + kCopyFrameBytes + len > copies.size()) return;
    fn(CopyView{kind, copies.subspan(at + kCopyFrameBytes, len)});
    at += kCopyFrameBytes + len;
  }
}

// ---- header ----
// Writes the 44-byte header. REQUIRES: out.size() >= kHeaderBytes.
void write_header(const Header& h, std::span<uint8_t> out);
// Validates length bounds (with or without tag, by the flag), magic, version, type and flags;
// does not authenticate. Use it to pick the peer/channel before opening.
WireResult<Header> peek_header(std::span<const uint8_t> datagram);

// ---- payload (plaintext) ----
// Decodes the payload that follows the header (tag already removed/verified) into out.
// Clears out.events / out.control first. Sets out.header = h.
WireResult<bool> decode_payload(const Header& h, std::span<const uint8_t> payload, Datagram& out);
// Full plaintext decode of an insecure-format datagram (header + payload, no tag). Pure parsing:
// does NOT check the insecure flag policy (Channel::open does).
WireResult<bool> decode_plain(std::span<const uint8_t> datagram, Datagram& out);
// Encoded size of one event record in bytes (tag byte included).
size_t record_size(const Event& e, Time base_ns);

// Builds one datagram in place (fixed 1200-byte buffer, no allocation).
//   b.begin(header); while (b.add(ev) == Append::added) ...; bytes = b.finish_plain() / seal
// Events are appended in order; add() refuses (and leaves the builder unchanged) when the record
// would push the datagram (including the tag, unless insecure) past max_bytes.
enum class Append : uint8_t { added, full, invalid };
class DatagramBuilder {
 public:
  // REQUIRES: kHeaderBytes + kTagBytes < max_bytes <= kMaxDatagramBytes.
  explicit DatagramBuilder(size_t max_bytes = kMaxDatagramBytes) : max_bytes_(max_bytes) {}

  // Starts a new datagram; h.count is ignored (set by finish). Discards any unfinished one.
  void begin(const Header& h);
  // full: would not fit (send this one and begin another); invalid: event has a non-finite float,
  // out-of-range enum or invalid site (never sent). REQUIRES: begun with MsgType::events.
  Append add(const Event& e);
  Append add(const Spike& s);
  Append add(const SynapticInput& s);
  Append add(const Stimulus& s);
  Append add(const WeightUpdate& w);
  // One status entry (log record `kind` != 0 and its payload). full: would not fit; invalid: kind
  // 0 or a payload that could never fit one datagram. REQUIRES: begun with MsgType::status.
  Append add_copy(uint16_t kind, std::span<const uint8_t> payload);
  // Appends n zero bytes of padding after the records (docs/protocol.md §3.1); false (and nothing
  // added) if they do not fit. No add() may follow. REQUIRES: begun with MsgType::events.
  bool add_padding(size_t n);
  // Pads the datagram to exactly max_bytes (with the tag, unless insecure): a full datagram then
  // has the same size as every other full one, so a run of them leaves as one UDP_SEGMENT message.
  void pad_full();
  // Writes a control payload. REQUIRES: begun with header type == control_type(c), no events.
  void set_control(const Control& c);

  const Header& header() const { return header_; }
  uint16_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes used so far (header + payload), without the tag.
  size_t size_bytes() const { return len_; }
  // Payload bytes still free for records.
  size_t free_bytes() const;

  // Finalises the count and returns header + plaintext payload (no tag). Valid until next begin().
  std::span<uint8_t> finish_plain();
  // Room for header + payload + tag; used by the sealer (crypto.hpp). Valid until next begin().
  std::span<uint8_t> buffer() { return {buf_.data(), buf_.size()}; }

 private:
  Append append_bytes(const uint8_t* p, size_t n);
  template <class R>
  Append add_record(const R& r);
  std::array<uint8_t, kMaxDatagramBytes> buf_{};
  size_t max_bytes_;
  size_t len_ = 0;
  uint16_t count_ = 0;
  Header header_;
};

}  // namespace ion::wire
