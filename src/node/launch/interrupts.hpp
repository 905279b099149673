// SPDX-License-Identifier: Apache-2.0
#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP for `ion run` and `ion node`. The handler only remembers
// the first signal (async-signal-safe) and calls an optional wake function (an Env's stop());
// the command then stops every site cleanly, keeps and reports what was recorded, and exits
// with 128 + the signal number: 130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP), as shells do.
// A second signal while stopping changes nothing (SIGKILL or SIGQUIT still end the process).
#include <string>

namespace ion::site {

// `wake` must be async-signal-safe (RealEnv::stop is).
void install_interrupt_handlers(void (*wake)() = nullptr);
// The same path as a received signal, from code (the dashboard's Stop button): remembers `sig`
// as if it had arrived (unless a signal came first) and calls the wake function. Thread-safe.
void request_interrupt(int sig);
// The first signal received since install_interrupt_handlers, or 0.
int interrupt_signal();
// "SIGINT", "SIGTERM", "SIGHUP", else "signal N".
std::string signal_name(int sig);
inline int interrupt_exit_code(int sig) { return 128 + sig; }

// Writing to a closed stdout (`ion run | tee log`, and Ctrl-C kills tee first) must not kill the
// run before its recording and report are written: SIGPIPE is ignored; writes fail instead.
void ignore_sigpipe();

}  // namespace ion::site
