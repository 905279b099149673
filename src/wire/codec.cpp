// SPDX-License-Identifier: Apache-2.0
#include "wire/codec.hpp"

#include <cassert>
#include <cmath>
#include <cstring>

#include "core/bytes.hpp"
#include "wire/records.hpp"

namespace ion::wire {

using namespace bytes;

namespace {

constexpr const char* kErrorNames[] = {
    "short_datagram", "long_datagram",    "bad_magic",    "bad_version", "bad_type",       "bad_flags",
    "bad_count",      "truncated_record", "bad_tag",      "bad_field",   "trailing_bytes", "insecure_refused",
    "auth_failed",    "wrong_site",       "stale_epoch",  "unbound",     "duplicate",      "too_old",
    "old_epoch",      "not_permitted",    "aead_mismatch"};
static_assert(sizeof(kErrorNames) / sizeof(kErrorNames[0]) == kWireErrorCount);

constexpr const char* kTypeNames[] = {"?",           "events",    "hello",   "clock_probe",
                                      "clock_reply", "heartbeat", "goodbye", "status"};

size_t tag_bytes(const Header& h) { return h.insecure() ? 0 : kTagBytes; }

// Status payload: exactly h.count entries (u16 kind != 0, u16 length, length bytes), nothing after.
WireResult<bool> decode_copies(const Header& h, std::span<const uint8_t> payload, std::vector<uint8_t>& out) {
  if (h.count == 0 || h.count > payload.size() / kCopyFrameBytes) return WireError::bad_count;
  size_t at = 0;
  for (uint16_t i = 0; i < h.count; ++i) {
    if (at == payload.size()) return WireError::bad_count;
    if (at + kCopyFrameBytes > payload.size()) return WireError::truncated_record;
    const uint16_t kind = get_u16(payload.data() + at);
    const size_t len = get_u16(payload.data() + at + 2);
    if (kind == 0) return WireError::bad_tag;
    if (at + kCopyFrameBytes + len > payload.size()) return WireError::truncated_record;
    at += kCopyFrameBytes + len;
  }
  if (at != payload.size()) return WireError::trailing_bytes;
  out.assign(payload.begin(), payload.end());
  return true;
}

}  // namespace

const char* wire_error_name(WireError e) {
  const auto i = static_cast<size_t>(e);
  return i < kWireErrorCount ? kErrorNames[i] : "unknown";
}

const char* msg_type_name(MsgType t) {
  const auto i = static_cast<size_t>(t);
  return i >= 1 && i <= kMaxMsgType ? kTypeNames[i] : "unknown";
}

bool operator==(const Heartbeat& a, const Heartbeat& b) {
  const LinkStats& x = a.stats;
  const LinkStats& y = b.stats;
  return x.peer == y.peer && x.t == y.t && x.sent == y.sent && x.received == y.received &&
         x.events_sent == y.events_sent && x.events_received == y.events_received && x.lost == y.lost &&
         x.duplicated == y.duplicated && x.reordered == y.reordered && x.late == y.late && x.rejected == y.rejected &&
         x.malformed == y.malformed && x.rtt_ns == y.rtt_ns && x.clock_offset_ns == y.clock_offset_ns &&
         x.clock_uncertainty_ns == y.clock_uncertainty_ns && x.peer_up == y.peer_up;
}

MsgType control_type(const Control& c) {
  assert(c.index() != 0);
  // Control alternatives 1..5 are hello..goodbye, i.e. message types 2..6.
  return static_cast<MsgType>(c.index() + 1);
}

// ---------------- header ----------------

void write_header(const Header& h, std::span<uint8_t> out) {
  assert(out.size() >= kHeaderBytes);
  uint8_t* p = out.data();
  p[0] = kMagic0;
  p[1] = kMagic1;
  p[2] = kVersion;
  p[3] = static_cast<uint8_t>(h.type);
  p[4] = h.flags;
  p[5] = 0;  // reserved
  put_u16(p + 6, h.sender);
  put_u16(p + 8, h.receiver);
  put_u16(p + 10, h.count);
  put_u64(p + 12, h.sender_epoch);
  put_u64(p + 20, h.receiver_epoch);
  put_u64(p + 28, h.seq);
  put_u64(p + 36, static_cast<uint64_t>(h.send_time_ns));
}

WireResult<Header> peek_header(std::span<const uint8_t> d) {
  if (d.size() < kHeaderBytes) return WireError::short_datagram;
  if (d.size() > kMaxDatagramBytes) return WireError::long_datagram;
  const uint8_t* p = d.data();
  if (p[0] != kMagic0 || p[1] != kMagic1) return WireError::bad_magic;
  if (p[2] != kVersion) return WireError::bad_version;
  if (p[3] == 0 || p[3] > kMaxMsgType) return WireError::bad_type;
  if ((p[4] & ~kFlagInsecure) != 0 || p[5] != 0) return WireError::bad_flags;
  Header h;
  h.type = static_cast<MsgType>(p[3]);
  h.flags = p[4];
  h.sender = get_u16(p + 6);
  h.receiver = get_u16(p + 8);
  h.count = get_u16(p + 10);
  h.sender_epoch = get_u64(p + 12);
  h.receiver_epoch = get_u64(p + 20);
  h.seq = get_u64(p + 28);
  h.send_time_ns = static_cast<Time>(get_u64(p + 36));
  if (d.size() < kHeaderBytes + tag_bytes(h)) return WireError::short_datagram;
  return h;
}

// ---------------- payload decode ----------------

WireResult<bool> decode_payload(const Header& h, std::span<const uint8_t> payload, Datagram& out) {
  out.header = h;
  out.events.clear();
  out.control = std::monostate{};
  out.copies.clear();
  out.padding_bytes = 0;
  if (h.type == MsgType::events) return records::decode_events(h, payload, out.events, out.padding_bytes);
  if (h.type == MsgType::status) return decode_copies(h, payload, out.copies);
  if (h.count != 0) return WireError::bad_count;
  return records::decode_control(h.type, payload, out.control);
}

WireResult<bool> decode_plain(std::span<const uint8_t> datagram, Datagram& out) {
  auto h = peek_header(datagram);
  if (!h) return h.error();
  if (!h->insecure()) return WireError::bad_flags;  // a sealed datagram cannot be parsed plain
  return decode_payload(*h, datagram.subspan(kHeaderBytes), out);
}

size_t record_size(const Event& e, Time base_ns) {
  return std::visit([&](const auto& ev) { return records::size(ev, base_ns); }, e);
}

// ---------------- builder ----------------

void DatagramBuilder::begin(const Header& h) {
  assert(max_bytes_ > kHeaderBytes + kTagBytes && max_bytes_ <= kMaxDatagramBytes);
  header_ = h;
  header_.count = 0;
  count_ = 0;
  len_ = kHeaderBytes;
}

size_t DatagramBuilder::free_bytes() const {
  const size_t limit = max_bytes_ - tag_bytes(header_);
  return limit > len_ ? limit - len_ : 0;
}

Append DatagramBuilder::append_bytes(const uint8_t* p, size_t n) {
  if (n > free_bytes() || count_ == UINT16_MAX) return Append::full;
  std::memcpy(buf_.data() + len_, p, n);
  len_ += n;
  ++count_;
  return Append::added;
}

// One event record, encoded straight into the datagram buffer when the worst-case record fits
// (the common case), else through a scratch copy that is kept only if it fits.
template <class R>
Append DatagramBuilder::add_record(const R& r) {
  assert(header_.type == MsgType::events);
  if (!records::valid(r)) return Append::invalid;
  if (count_ == UINT16_MAX) return Append::full;
  const size_t room = free_bytes();
  if (room >= records::kMaxRecordBytes) {
    len_ += records::encode(r, header_.send_time_ns, buf_.data() + len_);
    ++count_;
    return Append::added;
  }
  uint8_t tmp[records::kMaxRecordBytes];
  return append_bytes(tmp, records::encode(r, header_.send_time_ns, tmp));
}

Append DatagramBuilder::add(const Spike& s) { return add_record(s); }
Append DatagramBuilder::add(const SynapticInput& s) { return add_record(s); }
Append DatagramBuilder::add(const Stimulus& s) { return add_record(s); }
Append DatagramBuilder::add(const WeightUpdate& w) { return add_record(w); }
Append DatagramBuilder::add_copy(uint16_t kind, std::span<const uint8_t> payload) {
  assert(header_.type == MsgType::status);
  if (kind == 0 || kHeaderBytes + kTagBytes + kCopyFrameBytes + payload.size() > max_bytes_) return Append::invalid;
  const size_t n = kCopyFrameBytes + payload.size();
  if (n > free_bytes() || count_ == UINT16_MAX) return Append::full;
  put_u16(buf_.data() + len_, kind);
  put_u16(buf_.data() + len_ + 2, static_cast<uint16_t>(payload.size()));
  if (!payload.empty()) std::memcpy(buf_.data() + len_ + kCopyFrameBytes, payload.data(), payload.size());
  len_ += n;
  ++count_;
  return Append::added;
}

Append DatagramBuilder::add(const Event& e) {
  return std::visit([this](const auto& ev) { return add(ev); }, e);
}

bool DatagramBuilder::add_padding(size_t n) {
  assert(header_.type == MsgType::events);
  if (n > free_bytes()) return false;
  std::memset(buf_.data() + len_, 0, n);
  len_ += n;
  return true;
}

void DatagramBuilder::pad_full() {
  assert(header_.type == MsgType::events);
  const size_t n = free_bytes();  // padding up to the limit always fits: nothing can be refused
  std::memset(buf_.data() + len_, 0, n);
  len_ += n;
}

void DatagramBuilder::set_control(const Control& c) {
  assert(header_.type == control_type(c) && count_ == 0 && len_ == kHeaderBytes);
  len_ += records::encode_control(c, buf_.data() + len_);
}

std::span<uint8_t> DatagramBuilder::finish_plain() {
  header_.count = count_;
  write_header(header_, {buf_.data(), kHeaderBytes});
  return {buf_.data(), len_};
}

}  // namespace ion::wire
