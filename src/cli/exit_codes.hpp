// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one exit-status scheme of every `ion` subcommand (README.md "Exit status"):
//   0 ok; 1 the run or operation failed (message on stderr); 2 usage or configuration error
//   (unknown subcommand or option, bad or out-of-range value, invalid experiment file).
// Documented exceptions: `ion node` exits 3 when it ran to the end but a peer never answered
// (or its links went silent), and `ion run` / `ion node` exit 128 + the signal when interrupted
// (130 SIGINT, 143 SIGTERM, 129 SIGHUP; node/launch/interrupts.hpp). CLI11's own parse-error
// codes (100..127, CLI/Error.hpp) never reach the shell: main() maps them to kUsage.
namespace ion::cli::exit_code {

inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;
inline constexpr int kUsage = 2;
inline constexpr int kNodePeerProblem = 3;  // `ion node` only
inline constexpr int kSignalBase = 128;     // + the signal number; `ion run` and `ion node`

}  // namespace ion::cli::exit_code
