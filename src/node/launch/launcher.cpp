// SPDX-License-Identifier: Apache-2.0
#include "node/launch/launcher.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <thread>

#include "node/launch/interrupts.hpp"

namespace ion::site {
namespace {

void record_status(Child& c, int status) {
  c.running = false;
  c.killed_by = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : c.killed_by ? 128 + c.killed_by : -1;
}

// The state letter of /proc/PID/stat ("pid (comm) S ..."; comm may hold spaces and parentheses).
char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

// In the child: output to the file, keep `inherit_fd` open across exec, die with the parent, exec.
// Never returns.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::string& out, pid_t parent,
                             int inherit_fd) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  std::signal(SIGPIPE, SIG_DFL);        // the runner ignores it; an ignored signal would survive exec
  if (getppid() != parent) _exit(127);  // the parent died before prctl
  int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
  }
  if (inherit_fd >= 0 && fcntl(inherit_fd, F_SETFD, 0) != 0) _exit(127);  // the site would bind nothing
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  dprintf(STDERR_FILENO, "exec %s: %s\n", args[0], strerror(errno));
  _exit(127);
}

}  // namespace

ProcessGroup::~ProcessGroup() { terminate_all(2 * kSecond); }

Status ProcessGroup::spawn(const std::string& name, const std::vector<std::string>& argv,
                           const std::string& output_path, int inherit_fd) {
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return error(Errc::io_error, "cannot start site " + name + ": " + strerror(errno));
  if (pid == 0) exec_child(argv, output_path, parent, inherit_fd);
  children_.push_back(Child{name, pid, true, -1, 0, output_path, -1});
  return Status::ok();
}

const Child* ProcessGroup::poll() {
  const Child* failed = nullptr;
  for (auto& c : children_) {
    if (!c.running) continue;
    int status = 0;
    if (waitpid(c.pid, &status, WNOHANG) != c.pid) continue;
    record_status(c, status);
    if (c.exit_code != 0 && !failed) failed = &c;
  }
  return failed;
}

bool ProcessGroup::any_running() const {
  for (const auto& c : children_)
    if (c.running) return true;
  return false;
}

const Child* ProcessGroup::stopped_for(Duration at_least) {
  const Time now = steady_now();
  for (auto& c : children_) {
    if (!c.running) continue;
    const char state = process_state(c.pid);
    if (state != 'T' && state != 't') {
      c.stopped_since_ns = -1;
      continue;
    }
    if (c.stopped_since_ns < 0) c.stopped_since_ns = now;
    if (now - c.stopped_since_ns >= at_least) return &c;
  }
  return nullptr;
}

void ProcessGroup::terminate_all(Duration grace) {
  for (auto& c : children_) {
    if (!c.running) continue;
    kill(c.pid, SIGTERM);
    kill(c.pid, SIGCONT);
  }
  const auto step = std::chrono::milliseconds(20);
  for (Duration waited = 0; any_running() && waited < grace; waited += 20 * kMillisecond) {
    poll();
    std::this_thread::sleep_for(step);
  }
  for (auto& c : children_) {
    if (!c.running) continue;
    kill(c.pid, SIGKILL);
    int status = 0;
    waitpid(c.pid, &status, 0);
    record_status(c, status);
  }
}

std::string describe_exit(const Child& c) {
  if (c.killed_by) return "killed by " + signal_name(c.killed_by);
  return "exit " + std::to_string(c.exit_code);
}

Time steady_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string self_executable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "ion";
  return std::string(buf, static_cast<size_t>(n));
}

std::string last_message(const std::string& path) {
  std::ifstream in(path);
  std::string last;
  for (std::string line; std::getline(in, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

std::string tail_lines(const std::string& path, int n) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > n) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += "    " + l + "\n";
  return out;
}

}  // namespace ion::site
