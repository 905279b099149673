// SPDX-License-Identifier: Apache-2.0
#pragma once
// Driver for the ArC ONE memristor instrument over its serial link, speaking the host protocol
// of arc-instruments' own software (arc1_pyqt `arc1pyqt/instrument.py`); the rules, with file
// and line of each, are in docs/models.md, section "ArC ONE host protocol".
//
// Contract: the API is 0-based like Crossbar; the wire is 1-based. Every wait for the board is
// bounded: a reply must start within the time the command itself takes on the board (pulse
// width, earlier pulses still running) plus `reply_timeout`, and every further value of a
// streamed reply within `reply_timeout` of the one before (Errc::timeout). A reply that is not
// a plausible resistance is Errc::corrupt. Either leaves the board in an unknown state, so the
// next call first resynchronises (see resync()); a failed resynchronisation is reported and
// tried again on the next call. A hang-up is Errc::unavailable and sticky. Every error names
// the port, the operation and the tokens sent. After a failed resynchronisation, calls fail at
// once (naming that failure) for `resync_backoff`, so that a caller such as the hub is not
// blocked by every call on a board that does not answer.
#include <memory>
#include <optional>
#include <string>

#include "device/arc_one_wire.hpp"
#include "device/crossbar.hpp"
#include "device/serial.hpp"

namespace ion::device {

struct ArcOneOptions {
  uint32_t words = 32, bits = 32;                   // array size sent with `0` and `2` (1..32)
  int read_cycles = 50;                             // `0` argument (reference default 50)
  int read_mode = 2;                                // 0 classic, 1 TIA, 2 TIA4P
  int session = 0;                                  // 0 live local, 1 external BNC, 2 BNC to local, 3 offline
  int sneak_path = 1;                               // 0 V/3 write scheme, 1 V/2
  double v_read = 0.5;                              // V
  Duration token_gap_ns = 500 * kMicrosecond;       // ion's pacing between tokens
  Duration reset_wait_ns = 1 * kSecond;             // after `00`, before `0`
  Duration confirm_timeout_ns = 7 * kSecond;        // for the `0` confirmation line
  Duration version_settle_ns = 200 * kMillisecond;  // pause before `999`
  Duration version_timeout_ns = 2 * kSecond;        // silence this long after `999`: no version
  Duration reply_timeout_ns = 200 * kMillisecond;   // per reply value, beyond the command's own duration
  Duration quiet_ns = 50 * kMillisecond;            // resync: the line counts as quiet after this
  Duration drain_limit_ns = 2 * kSecond;            // resync: give up if the board talks longer
  Duration resync_backoff_ns = 5 * kSecond;         // after a failed resync, calls fail at once this long
};

class ArcOne final : public Crossbar {
 public:
  // Opens the port (921600 8E1) and brings the board up from any state (resync()).
  static Result<std::unique_ptr<ArcOne>> connect(const std::string& port, const ArcOneOptions& opt = {});

  uint32_t words() const override { return opt_.words; }
  uint32_t bits() const override { return opt_.bits; }
  Result<double> read(uint32_t w, uint32_t b) override;
  // `02` select + `04` pulse; the board answers nothing and is busy for `width`.
  Status pulse(uint32_t w, uint32_t b, double v, Duration width) override;
  Result<double> pulse_read(uint32_t w, uint32_t b, double v, Duration width) override;
  Result<std::vector<double>> read_all() override;
  // `999`; (-1, -1) when the firmware stays silent. Cached until `force` or a resynchronisation.
  Result<arc::FirmwareVersion> firmware_version(bool force = false);
  // `01` with the reference's update_read mode rule.
  Status set_read(int read_mode, double v_read);
  // Brings the board to a known state from any state: waits out a running command, completes
  // a half-received argument list with fillers, resets (`00`) and initialises (`0`, `01`).
  Status resync();

 private:
  ArcOne(SerialPort port, const ArcOneOptions& opt) : port_(std::move(port)), opt_(opt) {}
  Status send(std::initializer_list<std::string> tokens);
  Status fail(Status s, const std::string& what);
  Result<float> reply_value(const std::string& what, Duration wait);
  Result<double> reply_ohm(const std::string& what, Duration wait);
  Duration busy_left() const;
  Status begin(const std::string& what);
  Status settle();
  Status initialise();

  SerialPort port_;
  ArcOneOptions opt_;
  std::string sent_;  // tokens of the command in progress, for error messages
  Time last_token_ns_ = 0;
  Time busy_until_ns_ = 0;  // the board may still be executing a command until then
  std::optional<arc::FirmwareVersion> firmware_;
  Status last_resync_;  // outcome of the last resynchronisation begin() attempted
  Time last_resync_at_ns_ = 0;
  bool need_resync_ = false;
  bool dead_ = false;
};

}  // namespace ion::device
