// SPDX-License-Identifier: Apache-2.0
#pragma once
// How a run ended, as recorded: complete (every site ran to the end), interrupted (Ctrl-C,
// SIGTERM, SIGHUP: every site stopped cleanly before the end) or incomplete (a site failed, was
// killed or stopped answering). `ion run` knows it and passes it on (HDF5 attributes in /meta,
// the report, the printed summary); from the logs alone it is derived from each site's final
// note (node/node.cpp writes exactly one: "site NAME done: ...", "site NAME interrupted by
// WHY at experiment time T: ..." (interrupted_note) or "failed: ...").
#include <optional>
#include <string>

#include "core/time.hpp"
#include "record/merge.hpp"

namespace ion::record {

enum class RunStatus { complete, interrupted, incomplete };
const char* run_status_name(RunStatus s);  // "complete", "interrupted", "incomplete"

struct RunOutcome {
  RunStatus status = RunStatus::complete;
  // Experiment time at which the recording ends: the experiment's end when complete, else when
  // the (first) site stopped. nullopt when nothing says it.
  std::optional<Time> ended_at_ns;
  std::string detail;  // why it ended early: "SIGINT", "site zurich failed (exit 1): ..."
};

// "complete", "interrupted at 3.214s (SIGINT)", "incomplete at 3.2s: site zurich ...".
std::string describe(const RunOutcome& o);

// The outcome the sites' final notes record (interrupted if any site was interrupted,
// incomplete if any site failed or has no final note; the earliest stop time).
RunOutcome outcome_from_notes(const MergedRecording& m);

// The text of a site's interrupt note, so that writer and reader agree: "site NAME interrupted
// by WHY at experiment time T", or "... before clock synchronisation" when the site never knew
// experiment time (t = nullopt; such a note does not date the end of the run).
std::string interrupted_note(const std::string& site, const std::string& why, std::optional<Time> t);

}  // namespace ion::record
