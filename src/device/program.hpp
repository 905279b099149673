// SPDX-License-Identifier: Apache-2.0
#pragma once
// Text forms used on the command line and in experiment files:
//   pulse program: "<V>,<width>[*<count>]" segments joined by ';',
//                  e.g. "+0.8V,100us*20;-0.8V,100us*20"
//   wave:          "<sine|triangle>,<amplitude>,<frequency>,<N>cycles", e.g. "sine,1V,1kHz,3cycles"
// Errors name the segment/field, what was found and what was expected.
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::device {

struct PulseStep {
  double v;
  Duration width_ns;
  uint32_t count;
};
Result<std::vector<PulseStep>> parse_pulse_program(std::string_view text);

struct Wave {
  enum class Shape { sine, triangle } shape;
  double amplitude_v;
  double frequency_hz;
  double cycles;
  double at(double t_s) const;  // voltage at time t
  double duration_s() const { return cycles / frequency_hz; }
};
Result<Wave> parse_wave(std::string_view text);

}  // namespace ion::device
