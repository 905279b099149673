// SPDX-License-Identifier: Apache-2.0
#pragma once
// Driver for the ArC ONE memristor instrument over its serial link (921600 baud, 8E1).
// Protocol (SPEC.md §3): newline-terminated ASCII tokens (ints %d, floats %f) sent >= 0.5 ms
// apart; replies are raw little-endian float32. Commands: 0 init, 01 read mode + Vread,
// 02 select, 1 read, 2 read all, 3 pulse-then-read, 04 pulse selected, 999 firmware version.
// The board numbers words and bits from 1; this driver's API is 0-based like Crossbar.
// Failure handling: every reply has a deadline (Errc::timeout); a reply that is not a plausible
// resistance (NaN, inf, <= 0, > 1e12 ohm) is Errc::corrupt; a hang-up is Errc::unavailable and
// sticky. After a timeout or garbage the driver resynchronises before the next command: it
// discards stray input until the line is quiet and checks that the board answers 999.
#include <memory>
#include <string>

#include "device/crossbar.hpp"
#include "device/serial.hpp"

namespace ion::device {

struct ArcOneOptions {
  uint32_t words = 32, bits = 32;
  double v_read = 0.5;             // V
  int read_cycles = 50;
  int read_mode = 2;               // ArC read-out scheme code
  int session = 0;
  int sneak_path = 1;              // sneak-path limiting scheme code
  Duration token_gap = 500 * kMicrosecond;   // minimum spacing between tokens
  Duration reply_timeout = 200 * kMillisecond;
  Duration read_all_timeout = 2 * kSecond;
};

class ArcOne final : public Crossbar {
 public:
  // Opens the port, sends init (0 …) and waits for the board's text line.
  static Result<std::unique_ptr<ArcOne>> connect(const std::string& port, const ArcOneOptions& opt = {});

  uint32_t words() const override { return opt_.words; }
  uint32_t bits() const override { return opt_.bits; }
  Result<double> read(uint32_t w, uint32_t b) override;
  Status pulse(uint32_t w, uint32_t b, double v, Duration width) override;
  Result<double> pulse_read(uint32_t w, uint32_t b, double v, Duration width) override;
  Result<std::vector<double>> read_all() override;
  Result<double> firmware_version();
  Status set_read(int read_mode, double v_read);
  const std::string& banner() const { return banner_; }

 private:
  ArcOne(SerialPort port, const ArcOneOptions& opt) : port_(std::move(port)), opt_(opt) {}
  Status send(std::initializer_list<std::string> tokens);
  Result<float> reply_float(const std::string& what, Duration timeout);
  Status begin(const std::string& what);   // sticky-failure check + resync when needed
  Status fail(Status s, const std::string& what);
  Status resync();

  SerialPort port_;
  ArcOneOptions opt_;
  std::string banner_;
  Time last_token_ = 0;
  bool need_resync_ = false;
  bool dead_ = false;
};

}  // namespace ion::device
