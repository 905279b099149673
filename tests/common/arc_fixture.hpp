// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared set-up of the ArC ONE driver tests: a strict emulated board with short timings, and
// driver options to match (the real defaults — 1 s reset wait, 7 s confirmation timeout — are
// exercised end to end by tests/cli/device_cli_test.cpp).
#include <gtest/gtest.h>

#include <memory>

#include "arc_emulator.hpp"
#include "device/arc_one.hpp"

namespace ion::device::testing {

inline CrossbarConfig compact_array() {
  CrossbarConfig c;
  c.model = "compact";
  return c;
}

// Every cell starts at its own resistance, so that a misplaced value is visible.
inline CrossbarConfig distinct_array() {
  CrossbarConfig c = compact_array();
  for (uint32_t w = 0; w < 32; ++w)
    for (uint32_t b = 0; b < 32; ++b) c.initial.push_back({w, b, 5500.0 + 100.0 * w + 3.0 * b});
  return c;
}

inline ArcBoardOptions fast_board(const CrossbarConfig& array = compact_array()) {
  ArcBoardOptions o;
  o.array = array;
  o.boot_time_ns = 20 * kMillisecond;
  return o;
}

inline ArcOneOptions fast() {
  ArcOneOptions o;
  o.reply_timeout_ns = 300 * kMillisecond;  // generous: the machine running the tests may be loaded
  o.reset_wait_ns = 150 * kMillisecond;     // > fast_board().boot_time, with room for a slow emulator thread
  o.confirm_timeout_ns = 500 * kMillisecond;
  o.version_settle_ns = 10 * kMillisecond;
  o.version_timeout_ns = 300 * kMillisecond;
  o.quiet_ns = 30 * kMillisecond;
  o.drain_limit_ns = 1 * kSecond;
  o.resync_backoff_ns = 0;
  return o;
}

inline std::unique_ptr<ArcOne> connect(ArcEmulator& e, const ArcOneOptions& o = fast()) {
  auto a = ArcOne::connect(e.slave_path(), o);
  EXPECT_TRUE(a.is_ok()) << a.status().to_string();
  e.quiesce();  // the trailing `01` has no reply
  return a.is_ok() ? std::move(a).value() : nullptr;
}

// The board's log without the ignored resynchronisation fillers.
inline std::vector<std::string> commands(const ArcEmulator& e) {
  e.quiesce();
  std::vector<std::string> out;
  for (const auto& l : e.log())
    if (l != "? " + std::string(arc::kFiller)) out.push_back(l);
  return out;
}

}  // namespace ion::device::testing
