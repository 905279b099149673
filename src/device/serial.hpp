// SPDX-License-Identifier: Apache-2.0
#pragma once
// A raw serial port (termios): 8 data bits, even parity, 1 stop bit, no flow control.
// Reads are bounded by deadlines (poll); a hang-up, EOF or EIO is reported as Errc::unavailable,
// a missed deadline as Errc::timeout (read_upto: as a short count). Owns its file descriptor;
// movable, not copyable.
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::device {

class SerialPort {
 public:
  // Opens and configures `path` (e.g. /dev/ttyACM0 or a pty slave) at `baud` 8E1, raw.
  static Result<SerialPort> open(const std::string& path, int baud);
  SerialPort(SerialPort&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
  SerialPort& operator=(SerialPort&& o) noexcept;
  SerialPort(const SerialPort&) = delete;
  ~SerialPort();

  Status write_all(std::string_view bytes);
  // Up to n bytes: returns as soon as n have arrived, or how many arrived when `timeout` elapsed.
  Result<size_t> read_upto(char* out, size_t n, Duration timeout);
  // One '\n'-terminated line (without the newline), at most max_len bytes.
  Result<std::string> read_line(Duration timeout, size_t max_len);
  // Discards input until the line has been quiet for `quiet`. Returns the number of bytes
  // discarded; Errc::timeout if the line was still busy after `limit`, Errc::unavailable if the
  // port hung up.
  Result<size_t> drain(Duration quiet, Duration limit);
  const std::string& path() const { return path_; }

 private:
  SerialPort(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// Monotonic clock in ns (CLOCK_MONOTONIC) and a sleep helper for pacing.
Time monotonic_now();
void sleep_for(Duration d);

}  // namespace ion::device
