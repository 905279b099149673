// SPDX-License-Identifier: Apache-2.0
#include "arc_emulator.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

#include "device/serial.hpp"

namespace ion::device::testing {
namespace {

// Number of argument tokens after each command token.
const std::map<std::string, size_t>& arity() {
  static const std::map<std::string, size_t> m = {{"0", 7}, {"01", 2}, {"02", 2}, {"1", 2},
                                                  {"2", 0}, {"3", 4},  {"04", 2}, {"999", 0}};
  return m;
}

}  // namespace

ArcEmulator::ArcEmulator(const CrossbarConfig& cfg) {
  array_ = std::move(SimulatedCrossbar::create(cfg)).value();
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

void ArcEmulator::run() {
  char buf[512];
  while (!stop_.load() && master_.load() >= 0) {
    pollfd p{master_.load(), POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) continue;
    const ssize_t k = ::read(p.fd, buf, sizeof buf);
    if (k <= 0) { sleep_for(kMillisecond); continue; }  // no slave open yet: EIO
    for (ssize_t i = 0; i < k && master_.load() >= 0; ++i) {
      if (buf[i] != '\n') { line_ += buf[i]; continue; }
      on_token(line_);
      line_.clear();
    }
  }
}

void ArcEmulator::on_token(const std::string& t) {
  tokens_.fetch_add(1);
  pending_.push_back(t);
  const auto it = arity().find(pending_[0]);
  if (it == arity().end()) { pending_.clear(); return; }  // unknown command: ignored, like firmware
  if (pending_.size() < it->second + 1) return;
  std::vector<std::string> cmd;
  cmd.swap(pending_);
  execute(cmd);
}

void ArcEmulator::reply(const std::vector<float>& values) {
  const Fault f = fault_.exchange(Fault::none);
  std::string out(values.size() * 4, '\0');
  std::memcpy(out.data(), values.data(), out.size());
  switch (f) {
    case Fault::silent: return;
    case Fault::hangup: hangup(); return;
    case Fault::garbage: out = std::string("\xff\xff\xff\x7f", 4) + "junk"; break;
    case Fault::late: sleep_for(400 * kMillisecond); break;
    case Fault::partial_then_hangup:
      (void)!::write(master_.load(), out.data(), 2);
      sleep_for(20 * kMillisecond);
      hangup();
      return;
    case Fault::none: break;
  }
  if (master_.load() >= 0) (void)!::write(master_.load(), out.data(), out.size());
}

void ArcEmulator::execute(const std::vector<std::string>& c) {
  auto num = [&](size_t i) { return std::strtod(c[i].c_str(), nullptr); };
  auto cell = [&](size_t i) { return uint32_t(std::atoi(c[i].c_str()) - 1); };
  const std::string& op = c[0];
  if (op == "0") {
    const Fault f = fault_.exchange(Fault::none);
    if (f == Fault::silent) return;
    const std::string banner = f == Fault::garbage ? std::string("\x01\x02\xfe\n", 4) : "ArC ONE emulator ready\n";
    (void)!::write(master_.load(), banner.data(), banner.size());
  } else if (op == "999") {
    reply({1.5f});
  } else if (op == "02") {
    sel_w_ = cell(1), sel_b_ = cell(2);
  } else if (op == "04") {
    (void)array_->pulse(sel_w_, sel_b_, num(1), from_seconds(num(2)));
  } else if (op == "1") {
    auto r = array_->read(cell(1), cell(2));
    reply({r ? float(*r) : NAN});
  } else if (op == "3") {
    auto r = array_->pulse_read(cell(1), cell(2), num(3), from_seconds(num(4)));
    reply({r ? float(*r) : NAN});
  } else if (op == "2") {
    auto all = array_->read_all();
    std::vector<float> v(all->begin(), all->end());
    reply(v);
  }
}

}  // namespace ion::device::testing
