// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the event-log reader and record decoders.
// Properties: any byte string is either refused at the header with an error, or read up to its
// last trusted record with a consistent report; every decoded record re-encodes to a payload
// that decodes to the same bytes again (encode ∘ decode is a fixed point).
// Build: see fuzz/ (clang, -fsanitize=fuzzer,address,undefined) linking ion_record.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "record/log_reader.hpp"

#define REC_FUZZ_CHECK(cond)                                                              \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

using namespace ion::record;

namespace {
// The payload decoders directly (the CRC keeps most mutated logs from reaching them):
// bytes 0..1 = kind, the rest = payload.
void fuzz_payload(const uint8_t* data, size_t size) {
  if (size < 2) return;
  const uint16_t kind = static_cast<uint16_t>(data[0] | data[1] << 8);
  auto rec = decode_payload(kind, std::span<const uint8_t>(data + 2, size - 2));
  if (!rec) return;
  std::vector<uint8_t> once, twice;
  encode_payload(*rec, once);
  // A record in an older, shorter layout re-encodes in the current one: it may grow by the fields
  // added since (8 bytes: synaptic_input's arrival_ns, docs/recording.md §1.3), never more.
  constexpr size_t kLayoutGrowthBytes = 8;
  REC_FUZZ_CHECK(once.size() <= size - 2 + kLayoutGrowthBytes);
  auto again = decode_payload(kind, once);
  REC_FUZZ_CHECK(again.is_ok());
  encode_payload(*again, twice);
  REC_FUZZ_CHECK(once == twice);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz_payload(data, size);
  auto r = LogReader::from_bytes(std::vector<uint8_t>(data, data + size));
  if (!r) {
    REC_FUZZ_CHECK(!r.status().message().empty());
    return 0;
  }
  uint64_t n = 0;
  while (auto raw = r->next_raw()) {
    ++n;
    auto rec = decode_payload(raw->kind, raw->payload);
    if (!rec) continue;
    std::vector<uint8_t> once, twice;
    encode_payload(*rec, once);
    auto again = decode_payload(raw->kind, once);
    REC_FUZZ_CHECK(again.is_ok());
    encode_payload(*again, twice);
    REC_FUZZ_CHECK(once == twice);
  }
  const ScanReport& rep = r->report();
  REC_FUZZ_CHECK(rep.records == n);
  REC_FUZZ_CHECK(rep.good_bytes <= size);
  REC_FUZZ_CHECK(rep.good_bytes + rep.dropped_bytes == size);
  REC_FUZZ_CHECK((rep.state == TailState::clean) == (rep.dropped_bytes == 0));
  // Mid-log damage names a valid record after the damage; a tail (or a clean file) names none.
  REC_FUZZ_CHECK(rep.bad_record_is_last == (rep.next_valid_offset == 0 && rep.scan_limit.empty()));
  REC_FUZZ_CHECK(rep.next_valid_offset == 0 ||
                 (rep.next_valid_offset > rep.problem_offset && rep.next_valid_offset + kRecordOverheadBytes <= size));
  REC_FUZZ_CHECK(rep.state != TailState::torn || rep.bad_record_is_last);
  return 0;
}
