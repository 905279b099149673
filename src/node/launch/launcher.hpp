// SPDX-License-Identifier: Apache-2.0
#pragma once
// Child processes of `ion run`: one `ion node` per site, each with its output in a file. The
// children die with the parent (PR_SET_PDEATHSIG), so no orphan outlives a killed launcher.
#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::site {

struct Child {
  std::string name;
  pid_t pid = -1;
  bool running = false;
  int exit_code = -1;  // 128 + signal when killed by a signal
  int killed_by = 0;   // the signal that killed it, 0 if it exited
  std::string output_path;
  Time stopped_since_ns = -1;  // steady_now() when its process was first seen stopped; -1 if not
};

// "exit 1", "killed by SIGKILL".
std::string describe_exit(const Child& c);

class ProcessGroup {
 public:
  ~ProcessGroup();  // terminates whatever still runs
  // Starts argv[0] with argv; stdout and stderr go to output_path. `inherit_fd` (if >= 0) stays
  // open in the child under the same number (the runner opens its own descriptors CLOEXEC).
  Status spawn(const std::string& name, const std::vector<std::string>& argv, const std::string& output_path,
               int inherit_fd = -1);
  // Reaps children that exited. Returns the first one that failed since the last call, if any.
  const Child* poll();
  bool any_running() const;
  // A running child whose process has been stopped (SIGSTOP, SIGTSTP, a debugger: state T or t
  // in /proc/PID/stat) for at least `at_least`, if any. A job-control stop of the whole group
  // (Ctrl-Z) stops the runner too and ends with SIGCONT before it looks again.
  const Child* stopped_for(Duration at_least);
  // SIGTERM, then SIGCONT (a stopped child must run to act on it), to every running child;
  // SIGKILL to those still running after `grace`; waits for all.
  void terminate_all(Duration grace);
  const std::vector<Child>& children() const { return children_; }

 private:
  std::vector<Child> children_;
};

// Steady-clock nanoseconds (the clock of Child::stopped_since_ns).
Time steady_now();
// The path of the running executable (/proc/self/exe).
std::string self_executable();
// The last `n` lines of a text file (for failure reports).
std::string tail_lines(const std::string& path, int n);
// The last non-empty line of a text file (a failed site's own last message), "" if none.
std::string last_message(const std::string& path);

}  // namespace ion::site
