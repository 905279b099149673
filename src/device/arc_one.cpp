// SPDX-License-Identifier: Apache-2.0
// ArC ONE driver. Protocol rules and their sources: docs/models.md, "ArC ONE host protocol".
#include "device/arc_one.hpp"

#include <algorithm>
#include <cmath>

namespace ion::device {
namespace {

using arc::float_token;
using arc::int_token;

std::string cell_text(uint32_t w, uint32_t b) { return "w=" + std::to_string(w) + " b=" + std::to_string(b); }
std::string cell_name(const char* op, uint32_t w, uint32_t b) { return std::string(op) + " " + cell_text(w, b); }

std::string joined(const std::vector<std::string>& tokens) {
  std::string s;
  for (const auto& t : tokens) s += (s.empty() ? "" : " ") + t;
  return s;
}

Status check_options(const ArcOneOptions& o) {
  auto bad = [](const std::string& m) { return error(Errc::out_of_range, "ArC ONE options: " + m); };
  if (o.words < 1 || o.words > arc::kMaxLines || o.bits < 1 || o.bits > arc::kMaxLines)
    return bad("words and bits must be in 1..32 (the board's array is 32 x 32)");
  if (o.read_cycles < 1) return bad("read cycles must be >= 1");
  if (o.read_mode < 0 || o.read_mode > 2) return bad("read mode must be 0 (classic), 1 (TIA) or 2 (TIA4P)");
  if (o.session < 0 || o.session > 3) return bad("session mode must be in 0..3");
  if (o.sneak_path < 0 || o.sneak_path > 1) return bad("sneak-path scheme must be 0 (V/3) or 1 (V/2)");
  if (!std::isfinite(o.v_read) || std::fabs(o.v_read) > 12) return bad("read voltage must be within [-12, 12] V");
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<ArcOne>> ArcOne::connect(const std::string& port, const ArcOneOptions& opt) {
  ION_TRY(check_options(opt));
  ION_TRY_ASSIGN(auto p, SerialPort::open(port, arc::kBaud));
  std::unique_ptr<ArcOne> a(new ArcOne(std::move(p), opt));
  ION_TRY(a->resync());
  return a;
}

Status ArcOne::send(std::initializer_list<std::string> tokens) {
  const std::vector<std::string> list(tokens);
  sent_ = joined(list);
  for (const std::string& t : list) {
    sleep_for(last_token_ns_ + opt_.token_gap_ns - monotonic_now());
    Status s = port_.write_all(t + "\n");
    last_token_ns_ = monotonic_now();
    if (!s) return fail(s, "sending '" + t + "'");
  }
  return Status::ok();
}

Status ArcOne::fail(Status s, const std::string& what) {
  if (s.code() == Errc::unavailable) dead_ = true;
  else need_resync_ = true;
  const char* kind = s.code() == Errc::timeout       ? "no complete reply"
                     : s.code() == Errc::unavailable ? "board disconnected"
                     : s.code() == Errc::corrupt     ? "garbled reply"
                                                     : "error";
  return s.prefixed("ArC ONE on " + port_.path() + ": " + kind + " during " + what + " (sent '" + sent_ + "'): ");
}

Duration ArcOne::busy_left() const { return std::max<Duration>(0, busy_until_ns_ - monotonic_now()); }

Result<float> ArcOne::reply_value(const std::string& what, Duration wait) {
  char b[4];
  auto got = port_.read_upto(b, 4, wait);
  if (!got) return fail(got.status(), what);
  if (*got < 4)
    return fail(error(Errc::timeout, "got " + std::to_string(*got) + " of 4 bytes within " + format_duration(wait)),
                what);
  return arc::decode_float(b);
}

Result<double> ArcOne::reply_ohm(const std::string& what, Duration wait) {
  ION_TRY_ASSIGN(auto r, reply_value(what, wait));
  if (!arc::plausible_ohm(r)) return fail(error(Errc::corrupt, std::to_string(r) + " is not a resistance"), what);
  return double(r);
}

Status ArcOne::begin(const std::string& what) {
  if (dead_) return error(Errc::unavailable, "ArC ONE on " + port_.path() + " is disconnected; cannot " + what);
  if (!need_resync_) return Status::ok();
  if (!last_resync_.is_ok() && monotonic_now() - last_resync_at_ns_ < opt_.resync_backoff_ns)
    return last_resync_.prefixed("cannot " + what + ": the last resynchronisation, " +
                                 format_duration(monotonic_now() - last_resync_at_ns_) + " ago, failed (next attempt " +
                                 format_duration(opt_.resync_backoff_ns) + " after it): ");
  last_resync_ = resync();
  last_resync_at_ns_ = monotonic_now();
  if (!last_resync_) return last_resync_.prefixed("cannot " + what + ": resynchronisation failed: ");
  return Status::ok();
}

// Waits until the last command can have finished, then until the board has stopped talking.
Status ArcOne::settle() {
  sleep_for(busy_left());
  auto dropped = port_.drain(opt_.quiet_ns, opt_.drain_limit_ns);
  if (!dropped) return fail(dropped.status(), "resynchronisation (waiting for the board to go quiet)");
  return Status::ok();
}

// `0` with the session configuration, its confirmation line (must read as 1), then `01`.
Status ArcOne::initialise() {
  ION_TRY(
      send({"0", int_token(opt_.read_cycles), int_token(opt_.words), int_token(opt_.bits), int_token(opt_.read_mode),
            int_token(opt_.session), int_token(opt_.sneak_path), float_token(opt_.v_read)}));
  auto line = port_.read_line(opt_.confirm_timeout_ns, 64);
  if (!line) return fail(line.status(), "initialisation (waiting for the confirmation line)");
  auto v = arc::parse_confirmation(*line);
  if (!v) return fail(error(Errc::corrupt, v.status().message() + "; is this an ArC ONE?"), "initialisation");
  if (*v != 1)
    return fail(error(Errc::corrupt, "confirmation is " + std::to_string(*v) + ", expected 1"), "initialisation");
  return send({"01", int_token(opt_.read_mode), float_token(opt_.v_read)});
}

Status ArcOne::resync() {
  if (dead_) return error(Errc::unavailable, "ArC ONE on " + port_.path() + " is disconnected");
  need_resync_ = true;  // until every step below has succeeded
  firmware_.reset();
  ION_TRY(settle());
  for (int i = 0; i < arc::kFillerCount; ++i) ION_TRY(send({std::string(arc::kFiller)}));
  ION_TRY(send({"00"}));
  sleep_for(opt_.reset_wait_ns);
  ION_TRY(settle());
  ION_TRY(initialise());
  need_resync_ = false;
  return Status::ok();
}

Result<arc::FirmwareVersion> ArcOne::firmware_version(bool force) {
  if (firmware_ && !force) return *firmware_;
  ION_TRY(begin("read the firmware version"));
  sleep_for(opt_.version_settle_ns);
  const Duration wait = busy_left() + opt_.version_timeout_ns;
  ION_TRY(send({"999"}));
  char b[4];
  auto got = port_.read_upto(b, 4, wait);
  if (!got) return fail(got.status(), "firmware version");
  if (*got > 0 && *got < 4)
    return fail(error(Errc::corrupt, "partial reply: " + std::to_string(*got) + " of 4 bytes"), "firmware version");
  firmware_ = *got == 0 ? arc::FirmwareVersion{} : arc::decode_version(b);  // silence: no `999`
  return *firmware_;
}

Status ArcOne::set_read(int read_mode, double v_read) {
  if (read_mode < 0 || read_mode > 2) return error(Errc::out_of_range, "read mode must be 0, 1 or 2");
  if (!std::isfinite(v_read) || std::fabs(v_read) > 12)
    return error(Errc::out_of_range, "read voltage must be within [-12, 12] V");
  ION_TRY(begin("set the read mode"));
  ION_TRY(send({"01", int_token(arc::update_read_mode(read_mode, v_read)), float_token(v_read)}));
  opt_.v_read = v_read, opt_.read_mode = read_mode;
  return Status::ok();
}

Result<double> ArcOne::read(uint32_t w, uint32_t b) {
  ION_TRY(check_cell(w, b, opt_.words, opt_.bits));
  const std::string what = cell_name("read", w, b);
  ION_TRY(begin(what));
  const Duration wait = busy_left() + opt_.reply_timeout_ns;
  ION_TRY(send({"1", int_token(w + 1), int_token(b + 1)}));
  return reply_ohm(what, wait);
}

Status ArcOne::pulse(uint32_t w, uint32_t b, double v, Duration width) {
  ION_TRY(check_cell(w, b, opt_.words, opt_.bits));
  ION_TRY(check_pulse(v, width));
  ION_TRY(begin(cell_name("pulse", w, b)));
  ION_TRY(send({"02", int_token(w + 1), int_token(b + 1)}));
  ION_TRY(send({"04", float_token(v), arc::width_token(width)}));
  busy_until_ns_ = std::max(busy_until_ns_, monotonic_now()) + width;
  return Status::ok();
}

Result<double> ArcOne::pulse_read(uint32_t w, uint32_t b, double v, Duration width) {
  ION_TRY(check_cell(w, b, opt_.words, opt_.bits));
  ION_TRY(check_pulse(v, width));
  const std::string what = cell_name("pulse-read", w, b);
  ION_TRY(begin(what));
  const Duration wait = busy_left() + width + opt_.reply_timeout_ns;
  ION_TRY(send({"3", int_token(w + 1), int_token(b + 1), float_token(v), arc::width_token(width)}));
  return reply_ohm(what, wait);
}

Result<std::vector<double>> ArcOne::read_all() {
  ION_TRY(begin("read all"));
  Duration wait = busy_left() + opt_.reply_timeout_ns;
  ION_TRY(send({"2", "1", int_token(opt_.words), int_token(opt_.bits)}));
  std::vector<double> out(size_t(opt_.words) * opt_.bits);
  for (size_t i = 0; i < out.size(); ++i) {
    ION_TRY_ASSIGN(auto r, reply_ohm("read all, value " + std::to_string(i + 1) + " of " + std::to_string(out.size()) +
                                         " (" + cell_text(uint32_t(i / opt_.bits), uint32_t(i % opt_.bits)) + ")",
                                     wait));
    out[i] = r;
    wait = opt_.reply_timeout_ns;  // each further value within reply_timeout of the one before
  }
  return out;
}

}  // namespace ion::device
