// SPDX-License-Identifier: Apache-2.0
#include "device/arc_one.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace ion::device {
namespace {

std::string itok(long v) { return std::to_string(v); }
std::string ftok(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.9f", v);
  return buf;
}
std::string cell_name(const char* op, uint32_t w, uint32_t b) {
  return std::string(op) + " w=" + std::to_string(w) + " b=" + std::to_string(b);
}
bool plausible_ohm(float r) { return std::isfinite(r) && r > 0 && r <= 1e12f; }

}  // namespace

Result<std::unique_ptr<ArcOne>> ArcOne::connect(const std::string& port, const ArcOneOptions& opt) {
  auto p = SerialPort::open(port, 921600);
  if (!p) return p.status();
  std::unique_ptr<ArcOne> a(new ArcOne(std::move(*p), opt));
  ION_TRY(a->send({"0", itok(opt.read_cycles), itok(opt.words), itok(opt.bits), itok(opt.read_mode),
                   itok(opt.session), itok(opt.sneak_path), ftok(opt.v_read)}));
  auto line = a->port_.read_line(opt.reply_timeout * 5, 200);
  if (!line) return a->fail(line.status(), "init (command 0)");
  for (char c : *line)
    if (!(c >= 0x20 && c < 0x7f) && c != '\r')
      return error(Errc::corrupt, "ArC ONE on " + port + ": garbled init reply (non-text bytes): is this an ArC ONE?");
  a->banner_ = *line;
  return a;
}

Status ArcOne::send(std::initializer_list<std::string> tokens) {
  for (const std::string& t : tokens) {
    sleep_for(last_token_ + opt_.token_gap - monotonic_now());
    Status s = port_.write_all(t + "\n");
    last_token_ = monotonic_now();
    if (!s) return fail(s, "sending '" + t + "'");
  }
  return Status::ok();
}

Status ArcOne::fail(Status s, const std::string& what) {
  if (s.code() == Errc::unavailable) dead_ = true;
  else need_resync_ = true;
  const char* kind = s.code() == Errc::timeout ? "no complete reply" : s.code() == Errc::unavailable ? "board disconnected" : "error";
  return error(s.code(), "ArC ONE on " + port_.path() + ": " + kind + " during " + what + ": " + s.message());
}

Result<float> ArcOne::reply_float(const std::string& what, Duration timeout) {
  char b[4];
  Status s = port_.read_exact(b, 4, timeout);
  if (!s) return fail(s, what);
  float v;
  std::memcpy(&v, b, 4);  // little-endian on the wire and on every host ion supports
  return v;
}

Status ArcOne::resync() {
  auto dropped = port_.drain(20 * kMillisecond, 500 * kMillisecond);
  if (!dropped) return fail(dropped.status(), "resynchronisation");
  need_resync_ = false;
  auto v = firmware_version();
  if (!v) return error(v.status().code(), "resynchronisation failed: " + v.status().message());
  return Status::ok();
}

Status ArcOne::begin(const std::string& what) {
  if (dead_) return error(Errc::unavailable, "ArC ONE on " + port_.path() + " is disconnected; cannot " + what);
  if (need_resync_) return resync();
  return Status::ok();
}

Result<double> ArcOne::firmware_version() {
  if (dead_) return error(Errc::unavailable, "ArC ONE on " + port_.path() + " is disconnected");
  ION_TRY(send({"999"}));
  auto v = reply_float("firmware version (999)", opt_.reply_timeout);
  if (!v) return v.status();
  if (!std::isfinite(*v) || *v <= 0) return fail(error(Errc::corrupt, "not a version number"), "firmware version (999)");
  return double(*v);
}

Status ArcOne::set_read(int read_mode, double v_read) {
  ION_TRY(begin("set read mode"));
  if (!std::isfinite(v_read) || std::fabs(v_read) > 5) return error(Errc::out_of_range, "read voltage must be within [-5, 5] V");
  ION_TRY(send({"01", itok(read_mode), ftok(v_read)}));
  opt_.v_read = v_read, opt_.read_mode = read_mode;
  return Status::ok();
}

Result<double> ArcOne::read(uint32_t w, uint32_t b) {
  ION_TRY(check_cell(w, b, opt_.words, opt_.bits));
  const std::string what = cell_name("read", w, b);
  ION_TRY(begin(what));
  ION_TRY(send({"1", itok(w + 1), itok(b + 1)}));
  auto r = reply_float(what, opt_.reply_timeout);
  if (!r) return r.status();
  if (!plausible_ohm(*r)) return fail(error(Errc::corrupt, "garbled reply " + std::to_string(*r) + " is not a resistance"), what);
  return double(*r);
}

Status ArcOne::pulse(uint32_t w, uint32_t b, double v, Duration width) {
  ION_TRY(check_cell(w, b, opt_.words, opt_.bits));
  ION_TRY(check_pulse(v, width));
  ION_TRY(begin(cell_name("pulse", w, b)));
  ION_TRY(send({"02", itok(w + 1), itok(b + 1)}));
  return send({"04", ftok(v), ftok(to_seconds(width))});
}

Result<double> ArcOne::pulse_read(uint32_t w, uint32_t b, double v, Duration width) {
  ION_TRY(check_cell(w, b, opt_.words, opt_.bits));
  ION_TRY(check_pulse(v, width));
  const std::string what = cell_name("pulse-read", w, b);
  ION_TRY(begin(what));
  ION_TRY(send({"3", itok(w + 1), itok(b + 1), ftok(v), ftok(to_seconds(width))}));
  auto r = reply_float(what, opt_.reply_timeout);
  if (!r) return r.status();
  if (!plausible_ohm(*r)) return fail(error(Errc::corrupt, "garbled reply " + std::to_string(*r) + " is not a resistance"), what);
  return double(*r);
}

Result<std::vector<double>> ArcOne::read_all() {
  ION_TRY(begin("read all"));
  ION_TRY(send({"2"}));
  const size_t n = size_t(opt_.words) * opt_.bits;
  std::string raw(n * 4, '\0');
  Status s = port_.read_exact(raw.data(), raw.size(), opt_.read_all_timeout);
  if (!s) return fail(s, "read all (" + std::to_string(n) + " values)");
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) {
    float v;
    std::memcpy(&v, raw.data() + 4 * i, 4);
    if (!plausible_ohm(v))
      return fail(error(Errc::corrupt, "value " + std::to_string(i) + " = " + std::to_string(v) + " is not a resistance"),
                  "read all");
    out[i] = v;
  }
  return out;
}

}  // namespace ion::device
