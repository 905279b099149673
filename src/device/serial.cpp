// SPDX-License-Identifier: Apache-2.0
#include "device/serial.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace ion::device {
namespace {

speed_t baud_constant(int baud) {
  switch (baud) {
    case 9600:
      return B9600;
    case 115200:
      return B115200;
    case 460800:
      return B460800;
    case 921600:
      return B921600;
    default:
      return B0;
  }
}

// A Unix98 pseudo-terminal slave (the test boards): Linux keeps no parity bit on those.
bool pseudo_terminal(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143;
}

// The port now runs raw at `sp`, 8 data bits, 1 stop bit, even parity (none on a pty).
bool applied(int fd, speed_t sp) {
  termios got{};
  if (tcgetattr(fd, &got) != 0) return false;
  const bool even = (got.c_cflag & PARENB) && !(got.c_cflag & PARODD);
  return cfgetispeed(&got) == sp && cfgetospeed(&got) == sp && (got.c_cflag & CSIZE) == CS8 &&
         !(got.c_cflag & CSTOPB) && !(got.c_lflag & ICANON) && (even || pseudo_terminal(fd));
}

}  // namespace

Time monotonic_now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return Time(ts.tv_sec) * kSecond + ts.tv_nsec;
}

void sleep_for(Duration d) {
  if (d <= 0) return;
  timespec ts{time_t(d / kSecond), long(d % kSecond)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

Result<SerialPort> SerialPort::open(const std::string& path, int baud) {
  const speed_t sp = baud_constant(baud);
  if (sp == B0) return error(Errc::invalid_argument, "unsupported baud rate " + std::to_string(baud));
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return error(Errc::unavailable, "cannot open serial port '" + path + "': " + std::strerror(errno));
  termios t{};
  if (tcgetattr(fd, &t) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return error(Errc::io_error, "'" + path + "' is not a serial port: " + why);
  }
  cfmakeraw(&t);
  t.c_cflag &= ~(CSIZE | CSTOPB | PARODD | CRTSCTS);
  t.c_cflag |= CS8 | PARENB | CLOCAL | CREAD;  // 8E1
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  cfsetispeed(&t, sp);
  cfsetospeed(&t, sp);
  // tcsetattr succeeds when any of the changes was applied and fails when none was (POSIX), so
  // what counts is the read-back state.
  const int set = tcsetattr(fd, TCSANOW, &t);
  const int set_errno = errno;
  if (!applied(fd, sp)) {
    ::close(fd);
    return error(Errc::io_error, "cannot configure '" + path + "' as 8E1 at " + std::to_string(baud) + " baud" +
                                     (set != 0 ? std::string(": ") + std::strerror(set_errno) : ""));
  }
  tcflush(fd, TCIOFLUSH);
  return SerialPort(fd, path);
}

SerialPort& SerialPort::operator=(SerialPort&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_, path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

SerialPort::~SerialPort() {
  if (fd_ >= 0) ::close(fd_);
}

Status SerialPort::write_all(std::string_view bytes) {
  const Time deadline = monotonic_now() + 500 * kMillisecond;
  while (!bytes.empty()) {
    const ssize_t k = ::write(fd_, bytes.data(), bytes.size());
    if (k > 0) {
      bytes.remove_prefix(size_t(k));
      continue;
    }
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && errno == EAGAIN && monotonic_now() < deadline) {
      sleep_for(100 * kMicrosecond);
      continue;
    }
    if (k < 0 && errno == EAGAIN) return error(Errc::timeout, "serial port '" + path_ + "': write blocked for 500 ms");
    return error(Errc::unavailable, "serial port '" + path_ + "' disconnected (write: " + std::strerror(errno) + ")");
  }
  return Status::ok();
}

Result<size_t> SerialPort::read_upto(char* out, size_t n, Duration timeout) {
  const Time deadline = monotonic_now() + timeout;
  size_t got = 0;
  while (got < n) {
    const Duration left = deadline - monotonic_now();
    if (left <= 0) return got;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, int((left + kMillisecond - 1) / kMillisecond));
    if (r == 0 || (r < 0 && errno == EINTR)) continue;  // re-check the deadline
    const ssize_t k = ::read(fd_, out + got, n - got);
    if (k > 0) {
      got += size_t(k);
      continue;
    }
    if (k < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    return error(Errc::unavailable,
                 std::string("disconnected (") + (k == 0 ? "end of file" : std::strerror(errno)) + ")");
  }
  return got;
}

Result<std::string> SerialPort::read_line(Duration timeout, size_t max_len) {
  const Time deadline = monotonic_now() + timeout;
  std::string line;
  char c = 0;
  while (line.size() <= max_len) {
    ION_TRY_ASSIGN(auto got, read_upto(&c, 1, deadline - monotonic_now()));
    if (got == 0)
      return error(Errc::timeout, "no complete line within " + format_duration(timeout) + " (" +
                                      std::to_string(line.size()) + " bytes received)");
    if (c == '\n') return line;
    line += c;
  }
  return error(Errc::corrupt, "line longer than " + std::to_string(max_len) + " bytes");
}

Result<size_t> SerialPort::drain(Duration quiet, Duration limit) {
  const Time end = monotonic_now() + limit;
  size_t dropped = 0;
  char buf[256];
  while (monotonic_now() < end) {
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, int(quiet / kMillisecond) + 1);
    if (r == 0) return dropped;
    if (r < 0 && errno == EINTR) continue;
    const ssize_t k = ::read(fd_, buf, sizeof buf);
    if (k > 0) {
      dropped += size_t(k);
      continue;
    }
    if (k < 0 && errno == EAGAIN) continue;
    return error(Errc::unavailable, "serial port '" + path_ + "' disconnected");
  }
  return error(Errc::timeout, "line still busy after " + format_duration(limit) + " (" + std::to_string(dropped) +
                                  " bytes discarded)");
}

}  // namespace ion::device
