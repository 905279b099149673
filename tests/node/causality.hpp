// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helper: checks over the event logs of a whole run that no recorded effect precedes its
// cause (docs/architecture.md, "Time stamps"). Each site log is read in file order, so a
// stimulus is paired with the input record the bio site wrote just before it.
//
//   stimulus  — after the presynaptic spike that caused it (its input's spike time), strictly:
//               the input crossed at least one network hop;
//   input     — refers to a recorded spike of the synapse's presynaptic neuron at exactly its t
//               (nobody re-stamped it on the way);
//   pulse     — an LTP/LTD weight record is stamped when the hub pulsed the device: at or after
//               the spike that triggered it plus the synapse's plasticity horizon (or at the end
//               of the run, when the hub drains), and each triggering spike is used once.
#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "experiment/model.hpp"

namespace ion::testing {

struct CausalityReport {
  size_t stimuli = 0, inputs = 0, pulses = 0;  // effects checked
  std::vector<std::string> violations;         // one line each, "kind: what, when"
};

// `pulse_slack`: how long after spike + horizon the hub may take to run the rule (the node's
// tick, plus scheduling delays in real time). Errors (unreadable log) are reported as
// violations.
CausalityReport check_causality(const experiment::Experiment& e, const std::vector<std::string>& logs,
                                Duration pulse_slack);

// The first `n` violations, one per line, for a failure message.
std::string first_violations(const CausalityReport& r, size_t n = 10);

}  // namespace ion::testing
