// SPDX-License-Identifier: Apache-2.0
// Legacy 8-byte decoder. Property: decode fails with a named error, or encode(decode(x)) == x.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "fuzz_util.hpp"
#include "wire/legacy.hpp"

using namespace ion::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto p = legacy::decode(std::span<const uint8_t>(data, size));
  if (!p) {
    ION_FUZZ_CHECK(size != legacy::kBytes || p.error() == legacy::LegacyError::unknown_sender);
    return 0;
  }
  ION_FUZZ_CHECK(size == legacy::kBytes);
  auto e = legacy::encode(*p);
  ION_FUZZ_CHECK(e.is_ok());
  ION_FUZZ_CHECK(std::memcmp(e->data(), data, legacy::kBytes) == 0);
  return 0;
}
