// SPDX-License-Identifier: Apache-2.0
#pragma once
// Extracellular electrophysiology of the NWB export (docs/recording.md §9): for every bio site
// whose raw signal was recorded (`[recording] signal = true`, a session `<run dir>/<site>.openephys`),
// a Device and an ElectrodeGroup under /general, one row per channel in
// /general/extracellular_ephys/electrodes, and /acquisition/ElectricalSeries_<site> with the
// session's int16 samples unchanged (data.conversion = the session's bit_volts in volts) starting at
// experiment time 0 at the session's rate. Nothing when no such session exists. Internal to export/.
#include <string>

#include "export/nwb_parts.hpp"

namespace ion::nwb {

// `run_dir` "": no sessions are looked for.
Status write_ecephys(hid_t file, const Context& c, const std::string& run_dir);

}  // namespace ion::nwb
