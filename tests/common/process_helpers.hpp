// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helpers for `ion run` / `ion node` as a terminal user meets them: a command in its own
// process group (so that a signal can go to the whole group, as Ctrl-C does), its children,
// waiting with a bound, and the run directory's results.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "loopback_experiment.hpp"
#include "run_command.hpp"

namespace ion::testing {

// The ion binary under test; ION_TEST_BINARY=path runs the same tests against another build
// (how these tests were shown to fail on the code before issue 12).
inline const std::string kIon = std::getenv("ION_TEST_BINARY") ? std::getenv("ION_TEST_BINARY")
                                                               : std::string(ION_BINARY_DIR) + "/ion";

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// `cmd` (through /bin/sh, exec'd) as the leader of a new process group; stdout+stderr to `log`.
inline pid_t spawn_group(const std::string& cmd, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: no race with a signal sent right after
  return pid;
}

// Polls `done` every 50 ms for at most `limit`.
inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// The exit code (128 + signal if killed), or -1 if it did not end within `limit` (then the whole
// group is killed so that no process outlives the test).
inline int wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  int status = 0;
  const bool ended = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, limit);
  if (!ended) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The pid of the child of `parent` whose command line contains `tag`, or -1.
inline pid_t child_with(pid_t parent, const std::string& tag) {
  for (const auto& d : std::filesystem::directory_iterator("/proc")) {
    const std::string name = d.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;  // not a process
    const std::string stat = slurp((d.path() / "stat").string());
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2 || ppid != parent) continue;
    std::string cmd = slurp((d.path() / "cmdline").string());
    for (char& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(tag) != std::string::npos) return std::stoi(name);
  }
  return -1;
}

// A /meta attribute of an HDF5 file, read by h5py (an independent reader), as text.
inline std::string h5_meta(const std::string& file, const std::string& attr) {
  CommandOutput o = run_command("/usr/bin/python3 -c \"import h5py, sys; v = h5py.File(sys.argv[1])['meta'].attrs['" +
                                attr + "']; print(v.decode() if isinstance(v, bytes) else v, end='')\" " + file);
  return o.code == 0 ? o.text : "<error: " + o.text + ">";
}

// The built-in experiment on its own loopback address (no clash with other tests' ports).
inline std::string write_loopback_experiment(const std::string& dir, const std::string& loopback,
                                             const std::string& text) {
  std::filesystem::create_directories(dir);
  const std::string t = pin_loopback(text, loopback);
  const std::string path = dir + "/experiment.toml";
  std::ofstream(path) << t;
  return path;
}

inline std::string fresh_dir(const std::string& name) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-runs/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir + "-cfg");
  return dir;
}

}  // namespace ion::testing
