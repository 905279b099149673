// SPDX-License-Identifier: Apache-2.0
#include "node/launch/interrupts.hpp"

#include <atomic>
#include <csignal>
#include <cstring>

namespace ion::site {
namespace {

std::atomic<int> g_signal{0};
std::atomic<void (*)()> g_wake{nullptr};

extern "C" void on_interrupt(int sig) {
  int none = 0;
  g_signal.compare_exchange_strong(none, sig);
  if (auto wake = g_wake.load()) wake();
}

}  // namespace

void install_interrupt_handlers(void (*wake)()) {
  static_assert(std::atomic<int>::is_always_lock_free && std::atomic<void (*)()>::is_always_lock_free,
                "signal handlers may only touch lock-free atomics");
  g_wake = wake;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

void request_interrupt(int sig) { on_interrupt(sig); }

int interrupt_signal() { return g_signal.load(); }

std::string signal_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    case SIGKILL:
      return "SIGKILL";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    case SIGBUS:
      return "SIGBUS";
    case SIGSTOP:
      return "SIGSTOP";
    default:
      return "signal " + std::to_string(sig);
  }
}

void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

}  // namespace ion::site
