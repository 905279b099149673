// SPDX-License-Identifier: Apache-2.0
#pragma once
// A strict emulated ArC ONE board on a pseudo-terminal: the driver opens slave_path() like a
// real serial port. It parses the host protocol as the board does (docs/models.md, "ArC ONE host
// protocol"): exact command tokens, each followed by its real argument list, arguments read
// like C's atoi/atof (so a token sent where an argument is expected is consumed as a number),
// unknown commands ignored. It answers exactly what the board answers: float32 little-endian
// per measurement, the `0` confirmation text line, two uint16 for `999` (or silence, for
// firmware before 9.3). `00` reboots it: input that arrives while it boots is lost. It is busy
// for the pulse width of `04`/`3` and `read_time` per device read; input waits meanwhile.
// The array is a SimulatedCrossbar (compact model). Faults can be injected.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "device/arc_one_wire.hpp"
#include "device/sim_crossbar.hpp"

namespace ion::device::testing {

struct ArcBoardOptions {
  CrossbarConfig array;  // the devices (32 x 32 unless the test says otherwise)
  // nullopt: firmware without `999` (it stays silent, like any unknown command).
  std::optional<arc::FirmwareVersion> firmware = arc::FirmwareVersion{9, 3};
  std::string confirmation = "1\n";            // the line printed after `0`
  Duration boot_time_ns = 300 * kMillisecond;  // after `00`: input is lost until then
  Duration read_time_ns = 100 * kMicrosecond;  // one device read
  // Tokens a previous host sent before it stopped: the board is mid-command when the test starts.
  std::vector<std::string> left_mid_command;
};

// What the host configured with `0`, `01`, `011` and `02` since the last reset.
struct ArcBoardSettings {
  bool initialised = false, read_set = false;
  int cycles = 0, words = 0, bits = 0, read_mode = 0, session = 0, sneak_path = 0;
  double v_read = 0;
  int selected_word = 0, selected_bit = 0;  // 1-based, as on the wire
};

class ArcEmulator {
 public:
  enum class Fault {
    none,
    silent,               // the next reply (or confirmation line) is never sent
    garbage,              // the next reply decodes to NaN and is followed by stray bytes
    late,                 // the next reply is sent 1 s late (the board is busy meanwhile)
    partial_then_hangup,  // 2 of 4 bytes, then the master closes (board unplugged)
    hangup,               // the master closes when the next reply is due
    drop_token,           // the next token is lost on the line: the board is left mid-command
  };
  explicit ArcEmulator(const CrossbarConfig& array);
  explicit ArcEmulator(const ArcBoardOptions& opt);
  ~ArcEmulator();
  const std::string& slave_path() const { return slave_; }
  void inject(Fault f) { fault_.store(f); }
  // A hung firmware: while muted the board parses and executes but sends nothing.
  void mute(bool on) { muted_.store(on); }
  bool hung_up() const { return master_.load() < 0; }
  size_t tokens() const { return tokens_.load(); }  // tokens received (not lost while booting)
  size_t resets() const { return resets_.load(); }
  // Waits (at most 2 s) until the board has taken every byte sent to it and is not executing:
  // the driver returns as soon as a command without a reply is written.
  void quiesce() const;
  // Every command the board parsed, tokens joined by spaces ("1 4 5"); an ignored unknown
  // command token as "? TOKEN"; bytes lost while booting as "lost N bytes".
  std::vector<std::string> log() const;
  ArcBoardSettings settings() const;
  // Resistance the board's array holds at (w, b), 0-based. Any thread (the array is guarded by
  // mu_: a reply on the pty does not order the test's read after the emulator's pulse for TSan).
  double state_ohm(uint32_t w, uint32_t b);

 private:
  void run();
  void take_bytes(const char* p, size_t n);
  void on_token(const std::string& t);
  size_t needed() const;
  void execute(const std::string& op, const std::vector<std::string>& a);
  void configure(const std::string& op, const std::vector<std::string>& a);
  void read_all(const std::vector<std::string>& a);
  void reset();
  void confirm();
  float measure(int w, int b);
  void reply(const std::vector<float>& values);
  void reply_bytes(std::string bytes);
  Fault take_reply_fault();
  void send_raw(const std::string& bytes);
  void nap(Duration d);
  void note(const std::string& line);
  void hangup();

  ArcBoardOptions opt_;
  std::unique_ptr<SimulatedCrossbar> array_;
  std::atomic<int> master_{-1};
  std::string slave_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<Fault> fault_{Fault::none};
  std::atomic<bool> muted_{false};
  std::atomic<bool> working_{false};  // the thread is parsing or executing input
  std::atomic<size_t> tokens_{0}, resets_{0};
  mutable std::mutex mu_;  // guards log_, settings_ and the cells of array_
  std::vector<std::string> log_;
  ArcBoardSettings settings_;
  // Parser state (emulator thread only).
  std::string line_;
  std::string op_;  // command being collected ("" when idle)
  std::vector<std::string> args_;
  Time boot_until_ns_ = 0;
};

}  // namespace ion::device::testing
