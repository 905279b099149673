// SPDX-License-Identifier: Apache-2.0
#pragma once
// An emulated ArC ONE board on a pseudo-terminal: the driver opens slave_path() like a real
// serial port. The board's 32x32 array is a SimulatedCrossbar (compact model, ±1 % read noise
// off by default). Faults can be injected for the next reply-bearing command.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "device/sim_crossbar.hpp"

namespace ion::device::testing {

class ArcEmulator {
 public:
  enum class Fault {
    none,
    silent,            // swallow the command, never answer
    garbage,           // answer with bytes that decode to NaN, plus stray bytes
    late,              // answer after 400 ms (after the driver's timeout)
    partial_then_hangup,  // send 2 of 4 bytes, then close the master (board unplugged)
    hangup,            // close the master as soon as the command is complete
  };
  explicit ArcEmulator(const CrossbarConfig& cfg);
  ~ArcEmulator();
  const std::string& slave_path() const { return slave_; }
  void inject(Fault f) { fault_.store(f); }
  bool hung_up() const { return master_.load() < 0; }
  // Tokens received so far.
  size_t tokens() const { return tokens_.load(); }
  // Resistance the board's array holds at (w, b), 0-based (the emulator thread must be idle).
  double state_ohm(uint32_t w, uint32_t b) { return *array_->read(w, b); }

 private:
  void run();
  void on_token(const std::string& t);
  void execute(const std::vector<std::string>& cmd);
  void reply(const std::vector<float>& values);
  void hangup();

  std::unique_ptr<SimulatedCrossbar> array_;
  std::atomic<int> master_{-1};
  std::string slave_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<Fault> fault_{Fault::none};
  std::atomic<size_t> tokens_{0};
  std::vector<std::string> pending_;
  std::string line_;
  uint32_t sel_w_ = 0, sel_b_ = 0;
};

}  // namespace ion::device::testing
