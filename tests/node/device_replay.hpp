// SPDX-License-Identifier: Apache-2.0
#pragma once
// The crash tests' consistency check between a hub's crossbar and its event log: every LTP/LTD
// pulse the hub logged, replayed in log order on a fresh instrument built from the experiment
// (same model, seed and r0; in memory), must give the logged resistance at every step and the
// persisted final state.
#include <string>

#include "core/time.hpp"
#include "experiment/model.hpp"

namespace ion::crashtest {

struct ReplayCount {
  int pulses = 0;        // LTP/LTD records replayed
  int pulses_after = 0;  // of which stamped after the given time
};

// Expects (gtest) the hub `hub_name`'s files in `dir` (<hub>.ionlog, <hub>.xbar) to agree as
// described above. REQUIRES: the hub's instrument is simulated with no read noise.
ReplayCount expect_device_is_replay_of_log(const experiment::Experiment& e, const std::string& hub_name,
                                           const std::string& dir, Time after);

}  // namespace ion::crashtest
