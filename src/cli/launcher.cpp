// SPDX-License-Identifier: Apache-2.0
#include "cli/launcher.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

namespace ion::cli {
namespace {

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// In the child: output to the file, die with the parent, exec. Never returns.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::string& out, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(127);  // the parent died before prctl
  int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
  }
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
                           const std::string& output_path) {
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return error(Errc::io_error, "cannot start site " + name + ": " + strerror(errno));
  if (pid == 0) exec_child(argv, output_path, parent);
  children_.push_back(Child{name, pid, true, -1, output_path});
  return Status::ok();
}

const Child* ProcessGroup::poll() {
  const Child* failed = nullptr;
  for (auto& c : children_) {
    if (!c.running) continue;
    int status = 0;
    if (waitpid(c.pid, &status, WNOHANG) != c.pid) continue;
    c.running = false;
    c.exit_code = decode_status(status);
    if (c.exit_code != 0 && !failed) failed = &c;
  }
  return failed;
}

bool ProcessGroup::any_running() const {
  for (const auto& c : children_)
    if (c.running) return true;
  return false;
}

void ProcessGroup::terminate_all(Duration grace) {
  for (auto& c : children_)
    if (c.running) kill(c.pid, SIGTERM);
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
    c.running = false;
    c.exit_code = decode_status(status);
  }
}

std::string self_executable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "ion";
  return std::string(buf, static_cast<size_t>(n));
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

}  // namespace ion::cli
