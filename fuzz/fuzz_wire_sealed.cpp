// SPDX-License-Identifier: Apache-2.0
// The ion wire format with AEAD, through Channel::open (the receive path link/ uses). Two properties:
//  1. raw input fed to a bound receiver never crashes and is delivered only if authentic —
//     the fuzzer cannot forge a tag, so any acceptance is a bug;
//  2. if the input parses as a plaintext datagram, sealing its content with the sender channel
//     and opening it on the receiver yields the same events / control message.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_util.hpp"
#include "wire/channel.hpp"

using namespace ion::wire;

namespace {

ChannelConfig config(ion::SiteId self, ion::SiteId peer, uint64_t epoch) {
  ChannelConfig c;
  c.self = self;
  c.peer = peer;
  c.self_epoch = epoch;
  Psk k;
  k.bytes.fill(0x5A);
  c.psk = k;
  // Both suites where AES-NI exists, so the data path runs AES-256-GCM (docs/protocol.md §4.2).
  c.aead_offer = aes256gcm_available() ? 0x03 : 0x01;
  return c;
}

struct Link {
  Channel a{config(1, 2, 0xA1)};
  Channel b{config(2, 1, 0xB1)};
  DatagramBuilder builder;
  Datagram out;
  Link() {  // handshake so that b accepts bound traffic from a
    (void)b.open(a.encode_control(builder, Hello{}, 0), out);
    (void)a.open(b.encode_reply(builder, 0xA1, 0), out);
    (void)b.open(a.encode_control(builder, Hello{true, 1200}, 0), out);
    ION_FUZZ_CHECK(b.peer_epoch() == 0xA1 && a.peer_epoch() == 0xB1);
  }
};

// Canonical plaintext bytes of the first n events (or the control message) of d.
std::vector<uint8_t> canonical(const Datagram& d, size_t n) {
  static DatagramBuilder b;
  Header h;
  h.type = d.header.type;
  h.flags = kFlagInsecure;
  h.send_time_ns = d.header.send_time_ns;
  b.begin(h);
  if (h.type == MsgType::events) {
    for (size_t i = 0; i < n; ++i) ION_FUZZ_CHECK(b.add(d.events[i]) == Append::added);
  } else if (h.type == MsgType::status) {
    for_each_copy(d.copies, [](CopyView c) { ION_FUZZ_CHECK(b.add_copy(c.kind, c.payload) == Append::added); });
  } else {
    b.set_control(d.control);
  }
  const auto s = b.finish_plain();
  return {s.begin(), s.end()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Link link;
  static Datagram plain;
  const std::span<const uint8_t> in(data, size);
  // 1. Forgery attempt: b must reject everything not sealed by a (insecure is not allowed).
  auto r = link.b.open(in, link.out);
  ION_FUZZ_CHECK(!r.is_ok());
  // 2. Seal/open round trip of whatever parses as plaintext.
  if (!decode_plain(in, plain)) return 0;
  size_t n = 0;
  if (plain.header.type == MsgType::events) {
    // With the 16-byte tag reserved, the last records of a full plaintext datagram may not fit.
    link.a.begin(link.builder, MsgType::events, plain.header.send_time_ns);
    while (n < plain.events.size() && link.builder.add(plain.events[n]) == Append::added) ++n;
  } else if (plain.header.type == MsgType::status) {
    // Copies are never split: a status whose entries no longer fit with the tag is not sent.
    link.a.begin(link.builder, MsgType::status, plain.header.send_time_ns);
    bool fits = true;
    for_each_copy(plain.copies,
                  [&](CopyView c) { fits = fits && link.builder.add_copy(c.kind, c.payload) == Append::added; });
    if (!fits) return 0;
  } else {
    link.a.begin(link.builder, plain.header.type, plain.header.send_time_ns);
    link.builder.set_control(plain.control);
  }
  const auto sealed = link.a.finish(link.builder);
  ION_FUZZ_CHECK(sealed.size() <= kMaxDatagramBytes);
  auto opened = link.b.open(sealed, link.out);
  ION_FUZZ_CHECK(opened.is_ok());
  ION_FUZZ_CHECK(link.out.events.size() == n);
  ION_FUZZ_CHECK(canonical(plain, n) == canonical(link.out, n));
  return 0;
}
