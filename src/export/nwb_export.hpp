// SPDX-License-Identifier: Apache-2.0
#pragma once
// NWB 2.7.0 export of a merged recording (docs/recording.md §9 maps every part): the NWBFile root
// with the session metadata, /units (spike times per neuron), /stimulus/presentation (the
// stimulation pulses), the processing modules `plasticity` (resistance and weight per synapse and
// the synapse table) and `network` (link statistics). Built in memory and written through a
// Storage's atomic write, so a failure (a full disk) leaves no file under the final name and no
// temporary file. The same logs and options give the same bytes (object ids are derived from the
// recording digest, HDF5 stores no modification times).
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "env/storage.hpp"
#include "experiment/model.hpp"
#include "record/merge.hpp"

namespace ion::nwb {

struct NwbOptions {
  // Simulated runs record no wall clock: the wall time when the runner started (ns since the Unix
  // epoch, UTC) becomes session_start_time, and the description says so. 0: unknown (the file
  // then says 1970-01-01 and that it is a placeholder). Ignored when the logs hold a wall start.
  int64_t runner_start_wall_ns = 0;
  int64_t file_create_wall_ns = 0;  // file_create_date (the caller's clock; fixed in tests)
  // The run directory: the bio sites' signal sessions (<run_dir>/<site>.openephys) become
  // ElectricalSeries (export/nwb_ecephys.hpp). "": none are looked for.
  std::string run_dir;
};

// The NWB file's bytes. `e` is the experiment the logs were recorded from (neuron models, site
// roles, synapse rows, experimenter/lab/institution).
Result<std::vector<uint8_t>> build_nwb(const record::MergedRecording& m, const experiment::Experiment& e,
                                       const NwbOptions& o);

// build_nwb, then Storage::write_file_atomic(path). Errors name the file.
Status write_nwb(const record::MergedRecording& m, const experiment::Experiment& e, const std::string& path,
                 const NwbOptions& o, Storage& storage = real_storage());

}  // namespace ion::nwb
