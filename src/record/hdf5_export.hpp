// SPDX-License-Identifier: Apache-2.0
#pragma once
// Export of a merged recording (several sites' event logs) to ONE HDF5 file; the layout is
// documented group by group in docs/recording.md. The file is built in memory, then written
// through a Storage to "<out>.tmp", synced and renamed into place: a crash never leaves a
// half-written file under the final name, and a failure (a full disk) is an error naming the file,
// with the temporary file removed.
#include <string>
#include <vector>

#include "core/status.hpp"
#include "env/storage.hpp"
#include "record/description.hpp"
#include "record/merge.hpp"
#include "record/run_outcome.hpp"

namespace ion::record {

struct ExportOptions {
  bool compress = false;  // chunked + deflate datasets (smaller, slower)
  // How the run ended (/meta run_status, run_ended_at_ns, run_detail); default: derived from the
  // sites' final notes (record/run_outcome.hpp).
  std::optional<RunOutcome> outcome;
  // The experiment's neurons and synapses (/neurons model, /synapses; report/describe.hpp). Empty:
  // only what the logs name (names, no models, cells or rules).
  RecordingDescription description;
};

// The HDF5 layout this exporter writes (/meta format_version; docs/recording.md §3).
inline constexpr uint32_t kHdf5FormatVersion = 2;

struct ExportResult {
  std::string digest;  // digest(merged): also stored as /meta attribute "digest"
  MergedRecording merged;
};

Status write_hdf5(const MergedRecording& m, const std::string& out_path, const ExportOptions& options,
                  Storage& storage = real_storage());
// merge_logs + write_hdf5.
Result<ExportResult> export_logs_to_hdf5(const std::vector<std::string>& logs, const std::string& out_path,
                                         const ExportOptions& options = {}, Storage& storage = real_storage());

const char* ion_version();

// Wall clock when the recording started: the earliest first-session wall time of the sites
// (ns since the Unix epoch, UTC); 0 in simulation, where no site reads the wall clock. /meta
// start_wall_ns; the NWB export's session_start_time.
int64_t start_wall_ns(const MergedRecording& m);

}  // namespace ion::record
