// SPDX-License-Identifier: Apache-2.0
#pragma once
// Child processes of `ion run`: one `ion node` per site, each with its output in a file. The
// children die with the parent (PR_SET_PDEATHSIG), so no orphan outlives a killed launcher.
#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::cli {

struct Child {
  std::string name;
  pid_t pid = -1;
  bool running = false;
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string output_path;
};

class ProcessGroup {
 public:
  ~ProcessGroup();  // terminates whatever still runs
  // Starts argv[0] with argv; stdout and stderr go to output_path.
  Status spawn(const std::string& name, const std::vector<std::string>& argv, const std::string& output_path);
  // Reaps children that exited. Returns the first one that failed since the last call, if any.
  const Child* poll();
  bool any_running() const;
  // SIGTERM to every running child, then SIGKILL after `grace`; waits for all.
  void terminate_all(Duration grace);
  const std::vector<Child>& children() const { return children_; }

 private:
  std::vector<Child> children_;
};

// The path of the running executable (/proc/self/exe).
std::string self_executable();
// The last `n` lines of a text file (for failure reports).
std::string tail_lines(const std::string& path, int n);

}  // namespace ion::cli
