// SPDX-License-Identifier: Apache-2.0
// Test helper: `ion node` processes started in the background, with their pid (for signals),
// exit code and combined output. Header-only; for the real-time tests under tests/<layer>/.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "run_command.hpp"

namespace ion::testing {

class NodeProcess {
 public:
  // Runs `command` (a shell command line) in the background; its pid is written to `pid_file`.
  NodeProcess(const std::string& command, const std::string& pid_file) : pid_file_(pid_file) {
    std::filesystem::remove(pid_file_);
    thread_ = std::thread([this, command] { out_ = run_command("echo $$ > " + pid_file_ + "; exec " + command); });
  }
  ~NodeProcess() {
    if (thread_.joinable()) {
      signal(SIGKILL);
      thread_.join();
    }
  }
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // The process id once the shell wrote it (waits up to 5 s); -1 if it never did.
  pid_t pid() {
    for (int i = 0; i < 500 && pid_ <= 0; ++i) {
      std::ifstream in(pid_file_);
      if (!(in >> pid_)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pid_;
  }
  void signal(int sig) {
    if (pid() > 0) ::kill(pid_, sig);
  }
  // Waits for the exit; returns the exit code and output.
  const CommandOutput& wait() {
    if (thread_.joinable()) thread_.join();
    return out_;
  }

 private:
  std::string pid_file_;
  pid_t pid_ = -1;
  CommandOutput out_;
  std::thread thread_;
};

}  // namespace ion::testing
