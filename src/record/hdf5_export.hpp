// SPDX-License-Identifier: Apache-2.0
#pragma once
// Export of a merged recording (several sites' event logs) to ONE HDF5 file; the layout is
// documented group by group in docs/recording.md. The file is written to "<out>.tmp" and renamed
// into place, so a crash never leaves a half-written file under the final name.
#include <string>
#include <vector>

#include "core/status.hpp"
#include "record/merge.hpp"

namespace ion::record {

struct ExportOptions {
  bool compress = false;  // chunked + deflate datasets (smaller, slower)
};

struct ExportResult {
  std::string digest;  // digest(merged): also stored as /meta attribute "digest"
  MergedRecording merged;
};

Status write_hdf5(const MergedRecording& m, const std::string& out_path, const ExportOptions& options);
// merge_logs + write_hdf5.
Result<ExportResult> export_logs_to_hdf5(const std::vector<std::string>& logs, const std::string& out_path,
                                         const ExportOptions& options = {});

const char* ion_version();

}  // namespace ion::record
