// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reading recording.h5 back into the MergedRecording its event logs give (docs/recording.md §3,
// "Reading it back"), so that a recording.h5 alone can be analysed (`ion report FILE.h5`,
// ion.Recording.summary()). Reads format 2 and format 1. Every table the digest covers (§4) is
// read row for row, so digest(read_hdf5(f)) equals f's /meta digest; the name maps, experiment
// name, seed and experiment file are rebuilt from /notes exactly as merge_logs builds them from
// the logs' notes. Not in the file, so not restored: a damaged log's problem text and where
// valid records follow it (SiteRow::tail has its state, sizes and counts only).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/status.hpp"
#include "record/merge.hpp"
#include "record/run_outcome.hpp"

namespace ion::record {

struct Hdf5Recording {
  MergedRecording merged;
  uint32_t format_version = 0;
  std::string digest;                 // /meta digest as stored
  std::optional<RunOutcome> outcome;  // /meta run_status, run_detail, run_ended_at_ns (nullopt: no run_status)
};

// Errors (each naming the file and the object): not_found (no such file), corrupt (not an HDF5
// file, HDF5 cannot open it — e.g. a truncated file —, a group, table, field or attribute missing,
// a field of the wrong type, columns of unequal length, an unknown tail state or run status, two
// groups for one synapse/link/site), invalid_argument (a format_version this ion does not read).
//
// `progress` (optional) is called as the file is read with (done, total) in steps: total is the
// same on every call, done never decreases, the last call has done == total (only on success).
// Each part of the file (meta, sites, events, weights, links, clocks, notes) is kHdf5ReadStep
// steps; the groups of the weights, links and clocks (one per synapse, link, site) advance it
// within their part. For a progress bar (`ion report FILE.h5`).
using ReadProgress = std::function<void(uint64_t done, uint64_t total)>;
inline constexpr uint64_t kHdf5ReadStep = 1000;
Result<Hdf5Recording> read_hdf5_file(const std::string& path, const ReadProgress& progress = {});
inline Result<MergedRecording> read_hdf5(const std::string& path) {
  ION_TRY_ASSIGN(auto r, read_hdf5_file(path));
  return std::move(r.merged);
}

}  // namespace ion::record
