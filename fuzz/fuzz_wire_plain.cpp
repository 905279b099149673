// SPDX-License-Identifier: Apache-2.0
// The ion wire format's plaintext decoder. Property: any input either fails with a named error class, or
// decodes to a message whose re-encoding is byte-identical to the input (the encoding is
// canonical: minimal varints, finite floats, zero reserved bits).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "fuzz_util.hpp"
#include "wire/codec.hpp"

using namespace ion::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Datagram out;
  static DatagramBuilder b;
  const std::span<const uint8_t> in(data, size);
  auto r = decode_plain(in, out);
  if (!r) {
    ION_FUZZ_CHECK(static_cast<size_t>(r.error()) < kWireErrorCount);
    return 0;
  }
  b.begin(out.header);
  if (out.header.type == MsgType::events) {
    ION_FUZZ_CHECK(out.header.count == out.events.size());
    for (const Event& e : out.events) ION_FUZZ_CHECK(b.add(e) == Append::added);
    ION_FUZZ_CHECK(b.add_padding(out.padding_bytes));
  } else if (out.header.type == MsgType::status) {
    for_each_copy(out.copies, [&](CopyView c) { ION_FUZZ_CHECK(b.add_copy(c.kind, c.payload) == Append::added); });
  } else {
    ION_FUZZ_CHECK(out.header.count == 0);
    b.set_control(out.control);
  }
  const auto again = b.finish_plain();
  ION_FUZZ_CHECK(again.size() == size);
  ION_FUZZ_CHECK(std::memcmp(again.data(), data, size) == 0);
  return 0;
}
