// SPDX-License-Identifier: Apache-2.0
// Test helper: run a shell command and capture its combined stdout+stderr and exit code.
// Header-only; shared by the CLI / process-level tests under tests/<layer>/.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace ion::testing {

struct CommandOutput {
  int code = -1;     // exit code (WEXITSTATUS); -1 if popen failed or the shell was signalled
  std::string text;  // stdout and stderr, interleaved as written
};

// Runs `cmd` through /bin/sh with " 2>&1" appended, blocking until it exits.
inline CommandOutput run_command(const std::string& cmd) {
  CommandOutput o;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return o;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) o.text.append(buf, n);
  const int status = ::pclose(p);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

}  // namespace ion::testing
