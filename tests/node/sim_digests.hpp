// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helper: the two digests of a whole simulated run — the trace (SimWorld::digest, every
// datagram and timer in order) and the recording (record::export_logs_to_hdf5 of the merged logs).
#include <cstdint>
#include <string>

#include "experiment/model.hpp"

namespace ion::test {

struct Digests {
  uint64_t trace = 0;
  std::string recording;  // empty if the run or its export failed
};

// Runs `e` as it is (duration, seed and security set by the caller) with its output under
// ION_BINARY_DIR/test-runs/<name>, removed first. A failure of the run or of the export is a
// test failure (EXPECT), and its digests are left empty / 0.
Digests sim_digests(const experiment::Experiment& e, const std::string& name);

}  // namespace ion::test
