// SPDX-License-Identifier: Apache-2.0
#pragma once
// The byte-level pieces of the ArC ONE host protocol, free of I/O: how the host spells its
// tokens and how it decodes the board's replies. Every rule here, and where arc-instruments'
// own host software states it, is listed in docs/models.md, section "ArC ONE host protocol".
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::device::arc {

inline constexpr int kBaud = 921600;
inline constexpr uint32_t kMaxLines = 32;  // the board's array is 32 x 32
// Resynchronisation filler: an unknown command when the board is idle (ignored), the number 0
// when the board is waiting for an argument, whichever way it reads numbers (C atoi/atof/strtol,
// Python int()/float()). 16 of them complete any argument list of up to 15 tokens (the host
// protocol's longest, `0`, has 7). See docs/models.md "Resynchronisation".
inline constexpr std::string_view kFiller = "+0";
inline constexpr int kFillerCount = 16;

std::string int_token(long v);      // "%d"
std::string float_token(double v);  // "%f" (6 decimals)
// A pulse width in seconds: "%f" when that is exact to the nanosecond, otherwise "%.10g"
// (e.g. "9e-08"), the form the reference's pulse panel sends for the same command.
std::string width_token(Duration width);

// The board's answer to `0`, read as the reference does (`int(readline())`: surrounding ASCII
// whitespace, an optional sign, digits with single '_' between them). Errc::corrupt otherwise.
Result<long> parse_confirmation(std::string_view line);

struct FirmwareVersion {
  int major = -1, minor = -1;  // (-1, -1): the firmware does not answer `999`
  bool reported() const { return major >= 0; }
};
// `999` reply: two unsigned 16-bit integers, little-endian (major, minor).
FirmwareVersion decode_version(const char bytes[4]);
// A measurement reply: one little-endian IEEE-754 float32.
float decode_float(const char bytes[4]);
// A reply that can be a resistance: finite, > 0 and <= 1e12 ohm.
bool plausible_ohm(float r);

// Read-mode code the reference's update_read sends: TIA4P (2) with a negative read voltage is
// sent as 3; every other combination as given.
int update_read_mode(int read_mode, double v_read);

}  // namespace ion::device::arc
