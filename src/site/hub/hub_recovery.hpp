// SPDX-License-Identifier: Apache-2.0
#pragma once
// A resumed hub records the pulses its crossbar applied but its event log never received.
//
// The simulated crossbar writes each pulse to its write-ahead log (WAL) and syncs it before
// applying it; the hub records the pulse's WeightUpdate in its event log right after
// (HubCore's UpdateSink, flushed at once by the node). Two files cannot be written atomically: a
// process killed between the two writes — a window as long as the WAL's fdatasync, tens of ms
// under I/O load — leaves a pulse in the WAL that the event log lacks, and `--resume` re-applies
// it. Without a record of it the log no longer describes the device: a replay of the logged
// pulses is one step behind (docs/reliability.md, "Crash and restart").
//
// On resume the hub compares the two. The k-th pulse in its event log (every earlier session, in
// log order) is the array's pulse number k (SimulatedCrossbar numbers its pulses from 1 and the
// hub logs every pulse it applies, in order). The WAL's pulses after the last logged one are
// recorded now, with the resistance the replay computed after each; the caller stamps them with
// the restart time (their true time is unknown: after the last logged record, before the crash).
// If the two do not fit together — the log holds more pulses than the array applied, a logged
// pulse and the array's pulse of that number differ in cell or pulse, a pulse matches no synapse,
// or the missing pulses are already folded into the snapshot — nothing is recorded and the note
// says why (the reads at the restart still record the device's actual state).
#include <cstdint>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "device/sim_crossbar.hpp"
#include "env/storage.hpp"
#include "site/hub/hub_core.hpp"

namespace ion::hub {

struct LoggedPulse {
  SynapseId synapse = 0;
  PlasticityAction action = PlasticityAction::read;  // potentiate or depress
};

struct Recovery {
  std::vector<WeightUpdate> updates;  // in pulse order; t = 0 (the caller stamps them)
  std::string note;                   // "" when log and array agree; else what was done and why
};

// The LTP/LTD WeightUpdates of the event log at `path`, in log order (read records are skipped).
// Errors name the file (it was just opened by the node, so they are I/O errors).
Result<std::vector<LoggedPulse>> read_logged_pulses(Storage& storage, const std::string& path);

// Compares what the hub logged with what the array applied (`pulses_applied` in total, of which
// `replayed` came from the WAL at open). Pure.
Recovery unlogged_pulses(const std::vector<HubSynapse>& synapses, const std::vector<LoggedPulse>& logged,
                         uint64_t pulses_applied, const std::vector<device::ReplayedPulse>& replayed);

}  // namespace ion::hub
