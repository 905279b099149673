// SPDX-License-Identifier: Apache-2.0
#include "wire/legacy.hpp"

namespace ion::wire::legacy {

namespace {
void put_be32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
uint32_t get_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
bool known_sender(uint8_t code) {
  return code == static_cast<uint8_t>(Sender::presynaptic) || code == static_cast<uint8_t>(Sender::postsynaptic) ||
         code == static_cast<uint8_t>(Sender::hub) || code == static_cast<uint8_t>(Sender::ready);
}
}  // namespace

const char* legacy_error_name(LegacyError e) {
  switch (e) {
    case LegacyError::wrong_length:
      return "wrong_length";
    case LegacyError::unknown_sender:
      return "unknown_sender";
    case LegacyError::field_too_wide:
      return "field_too_wide";
  }
  return "unknown";
}

Expected<std::array<uint8_t, kBytes>, LegacyError> encode(const Packet& p) {
  if (p.neuron_id > kMask24 || p.ticks > kMask24) return LegacyError::field_too_wide;
  if (!known_sender(static_cast<uint8_t>(p.sender))) return LegacyError::unknown_sender;
  std::array<uint8_t, kBytes> out{};
  put_be32(out.data(), (uint32_t{static_cast<uint8_t>(p.sender)} << 24) | p.neuron_id);
  put_be32(out.data() + 4, (uint32_t{p.aux} << 24) | p.ticks);
  return out;
}

Expected<Packet, LegacyError> decode(std::span<const uint8_t> bytes) {
  if (bytes.size() != kBytes) return LegacyError::wrong_length;
  const uint32_t w0 = get_be32(bytes.data());
  const uint32_t w1 = get_be32(bytes.data() + 4);
  const auto code = static_cast<uint8_t>(w0 >> 24);
  if (!known_sender(code)) return LegacyError::unknown_sender;
  Packet p;
  p.sender = static_cast<Sender>(code);
  p.neuron_id = w0 & kMask24;
  p.aux = static_cast<uint8_t>(w1 >> 24);
  p.ticks = w1 & kMask24;
  return p;
}

}  // namespace ion::wire::legacy
