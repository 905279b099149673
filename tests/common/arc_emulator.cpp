// SPDX-License-Identifier: Apache-2.0
#include "arc_emulator.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

#include "device/serial.hpp"

namespace ion::device::testing {
namespace {

// Commands with a fixed argument list (`2` depends on its type; `999` on the firmware).
const std::map<std::string, size_t>& fixed_arity() {
  static const std::map<std::string, size_t> kArity = {{"00", 0}, {"0", 7}, {"01", 2}, {"011", 2},
                                                       {"02", 2}, {"1", 2}, {"3", 4},  {"04", 2}};
  return kArity;
}

// Arguments are read like C's atoi/atof: a token that is not a number reads as 0.
long to_int(const std::string& s) { return std::strtol(s.c_str(), nullptr, 10); }
double to_float(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

std::string le_float(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  return out;
}

std::string le_u16(int v) { return std::string{static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)}; }

std::string joined(const std::string& op, const std::vector<std::string>& a) {
  std::string s = op;
  for (const auto& t : a) s += " " + t;
  return s;
}

}  // namespace

namespace {
ArcBoardOptions with_array(const CrossbarConfig& array) {
  ArcBoardOptions o;
  o.array = array;
  return o;
}
}  // namespace

ArcEmulator::ArcEmulator(const CrossbarConfig& array) : ArcEmulator(with_array(array)) {}

ArcEmulator::ArcEmulator(const ArcBoardOptions& opt) : opt_(opt) {
  array_ = std::move(SimulatedCrossbar::create(opt.array)).value();
  const int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) std::abort();
  slave_ = ptsname(m);
  const int s = ::open(slave_.c_str(), O_RDWR | O_NOCTTY);  // raw mode before the driver opens it
  termios t{};
  tcgetattr(s, &t);
  cfmakeraw(&t);
  tcsetattr(s, TCSANOW, &t);
  ::close(s);
  master_.store(m);
  for (const auto& t : opt.left_mid_command) on_token(t);  // a previous host's unfinished command
  tokens_.store(0);
  log_.clear();
  thread_ = std::thread([this] { run(); });
}

ArcEmulator::~ArcEmulator() {
  stop_.store(true);
  thread_.join();
  hangup();
}

void ArcEmulator::hangup() {
  const int m = master_.exchange(-1);
  if (m >= 0) ::close(m);
}

std::vector<std::string> ArcEmulator::log() const {
  std::lock_guard<std::mutex> l(mu_);
  return log_;
}

ArcBoardSettings ArcEmulator::settings() const {
  std::lock_guard<std::mutex> l(mu_);
  return settings_;
}

void ArcEmulator::note(const std::string& line) {
  std::lock_guard<std::mutex> l(mu_);
  log_.push_back(line);
}

// Sleeps as the busy board does, but wakes for the destructor.
void ArcEmulator::nap(Duration d) {
  const Time end = monotonic_now() + d;
  while (!stop_.load() && monotonic_now() < end)
    sleep_for(std::min<Duration>(end - monotonic_now(), 10 * kMillisecond));
}

void ArcEmulator::quiesce() const {
  const Time end = monotonic_now() + 2 * kSecond;
  int idle_checks = 0;
  while (idle_checks < 2 && monotonic_now() < end) {
    int unread = 0;
    const int m = master_.load();
    const bool idle = !working_.load() && (m < 0 || (::ioctl(m, FIONREAD, &unread) == 0 && unread == 0));
    idle_checks = idle ? idle_checks + 1 : 0;
    sleep_for(5 * kMillisecond);
  }
}

void ArcEmulator::run() {
  char buf[512];
  while (!stop_.load() && master_.load() >= 0) {
    pollfd p{master_.load(), POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) continue;
    working_.store(true);  // before read(): quiesce() must never see the bytes neither unread nor taken
    const ssize_t k = ::read(p.fd, buf, sizeof buf);
    if (k > 0) take_bytes(buf, size_t(k));
    working_.store(false);
    if (k <= 0) sleep_for(kMillisecond);  // no slave open yet: EIO
  }
}

void ArcEmulator::take_bytes(const char* p, size_t n) {
  size_t lost = 0;
  for (size_t i = 0; i < n && master_.load() >= 0; ++i) {
    if (monotonic_now() < boot_until_ns_) {
      ++lost;
      continue;
    }  // rebooting: the byte is lost
    if (p[i] != '\n') {
      line_ += p[i];
      continue;
    }
    std::string t;
    t.swap(line_);
    on_token(t);
  }
  if (lost > 0) note("lost " + std::to_string(lost) + " bytes");
}

size_t ArcEmulator::needed() const {
  if (op_ == "999") return 0;
  if (op_ != "2") return fixed_arity().at(op_);
  if (args_.empty()) return 1;
  if (to_int(args_[0]) != 2) return 3;  // type, words, bits (type 1: the whole array)
  if (args_.size() < 4) return 4;       // type 2: custom array, then a device count
  return 4 + 2 * size_t(std::clamp(to_int(args_[3]), 0L, 1024L));
}

void ArcEmulator::on_token(const std::string& t) {
  Fault expected = Fault::drop_token;
  if (fault_.compare_exchange_strong(expected, Fault::none)) {
    note("lost token '" + t + "'");
    return;
  }
  tokens_.fetch_add(1);
  if (op_.empty()) {
    const bool known = fixed_arity().count(t) > 0 || t == "2" || (t == "999" && opt_.firmware);
    if (!known) return note("? " + t);  // unknown command: ignored
    op_ = t;
    args_.clear();
  } else {
    args_.push_back(t);
  }
  // A custom-array read (`2` type 2) answers after each device's word/bit pair.
  if (op_ == "2" && args_.size() > 4 && to_int(args_[0]) == 2 && args_.size() % 2 == 0)
    reply({measure(int(to_int(args_[args_.size() - 2])), int(to_int(args_.back())))});
  if (args_.size() < needed()) return;
  std::string op;
  op.swap(op_);
  std::vector<std::string> a;
  a.swap(args_);
  note(joined(op, a));
  execute(op, a);
}

void ArcEmulator::configure(const std::string& op, const std::vector<std::string>& a) {
  std::lock_guard<std::mutex> l(mu_);
  ArcBoardSettings& s = settings_;
  if (op == "0") {
    s.initialised = true;
    s.cycles = int(to_int(a[0])), s.words = int(to_int(a[1])), s.bits = int(to_int(a[2]));
    s.read_mode = int(to_int(a[3])), s.session = int(to_int(a[4])), s.sneak_path = int(to_int(a[5]));
    s.v_read = to_float(a[6]);
  } else if (op == "01") {
    s.read_set = true, s.read_mode = int(to_int(a[0])), s.v_read = to_float(a[1]);
  } else if (op == "011") {
    s.cycles = int(to_int(a[0])), s.sneak_path = int(to_int(a[1]));
  } else if (op == "02") {
    s.selected_word = int(to_int(a[0])), s.selected_bit = int(to_int(a[1]));
  }
}

void ArcEmulator::execute(const std::string& op, const std::vector<std::string>& a) {
  if (op == "00") return reset();
  if (op == "0" || op == "01" || op == "011" || op == "02") configure(op, a);
  if (op == "0") return confirm();
  if (op == "999") return reply_bytes(le_u16(opt_.firmware->major) + le_u16(opt_.firmware->minor));
  if (op == "1") return reply({measure(int(to_int(a[0])), int(to_int(a[1])))});
  if (op == "2") return read_all(a);
  if (op != "3" && op != "04") return;
  // A pulse: `3 w b V pw` on the given cell, `04 V pw` on the selected one. A zero or invalid
  // width, or a cell outside the array, applies no stimulus (the pulse call fails; ignored).
  const ArcBoardSettings s = settings();
  const int w = op == "3" ? int(to_int(a[0])) : s.selected_word, b = op == "3" ? int(to_int(a[1])) : s.selected_bit;
  const double v = to_float(a[a.size() - 2]);
  const Duration width = from_seconds(to_float(a.back()));
  nap(std::max<Duration>(width, 0));
  {
    std::lock_guard<std::mutex> l(mu_);
    (void)array_->pulse(uint32_t(w - 1), uint32_t(b - 1), v, width);  // see above: failure = no stimulus
  }
  if (op == "3") reply({measure(w, b)});
}

void ArcEmulator::read_all(const std::vector<std::string>& a) {
  if (to_int(a[0]) != 1) return;  // type 2 answered per device in on_token; other types: nothing
  const int words = int(to_int(a[1])), bits = int(to_int(a[2]));
  for (int w = 1; w <= words && !stop_.load(); ++w)
    for (int b = 1; b <= bits && !stop_.load(); ++b) reply({measure(w, b)});
}

void ArcEmulator::reset() {
  op_.clear(), args_.clear(), line_.clear();
  {
    std::lock_guard<std::mutex> l(mu_);
    settings_ = ArcBoardSettings{};
  }
  boot_until_ns_ = monotonic_now() + opt_.boot_time_ns;
  resets_.fetch_add(1);
}

// Word/bit lines are 1-based; a line outside the array reads as NaN (the real board's answer to
// such a request is unknown; the emulator answers something no driver may take as a resistance).
float ArcEmulator::measure(int w, int b) {
  nap(opt_.read_time_ns);
  if (w < 1 || b < 1) return NAN;
  std::lock_guard<std::mutex> l(mu_);
  auto r = array_->read(uint32_t(w - 1), uint32_t(b - 1));
  return r ? float(*r) : NAN;
}

double ArcEmulator::state_ohm(uint32_t w, uint32_t b) {
  std::lock_guard<std::mutex> l(mu_);
  return *array_->read(w, b);
}

// The fault injected for the next reply, if any (a token fault stays for the next token).
ArcEmulator::Fault ArcEmulator::take_reply_fault() {
  Fault f = fault_.load();
  while (f != Fault::drop_token && !fault_.compare_exchange_weak(f, Fault::none)) {
  }
  return f == Fault::drop_token ? Fault::none : f;
}

void ArcEmulator::confirm() {
  const Fault f = take_reply_fault();
  if (f == Fault::silent) return;
  send_raw(f == Fault::garbage ? std::string("\x01\x02\xfe\n", 4) : opt_.confirmation);
}

void ArcEmulator::reply(const std::vector<float>& values) {
  std::string out;
  for (float v : values) out += le_float(v);
  reply_bytes(out);
}

void ArcEmulator::reply_bytes(std::string out) {
  switch (take_reply_fault()) {
    case Fault::silent:
      return;
    case Fault::hangup:
      return hangup();
    case Fault::garbage:
      out = std::string("\xff\xff\xff\x7f", 4) + "junk";
      break;
    case Fault::late:
      nap(kSecond);
      break;
    case Fault::partial_then_hangup:
      send_raw(out.substr(0, 2));
      nap(20 * kMillisecond);
      return hangup();
    case Fault::none:
    case Fault::drop_token:
      break;  // not a reply fault (take_reply_fault never returns it)
  }
  send_raw(out);
}

void ArcEmulator::send_raw(const std::string& bytes) {
  const int m = master_.load();
  if (muted_.load()) return;
  // A failed write means the test closed the port: nothing is left to answer.
  if (m >= 0) (void)!::write(m, bytes.data(), bytes.size());
}

}  // namespace ion::device::testing
