// SPDX-License-Identifier: Apache-2.0
#pragma once
// From a bio site of an experiment file to a running BioRole (library ion_bio_experiment, so the
// rest of ion_bio does not depend on the experiment loader).
//   source culture  → CultureConfig: electrodes = channels, neurons spread over them (per
//                     electrode, rest as background), the model and `spontaneous` rate of the
//                     site's first neuron (drive calibrated to that rate), sample rate; seed
//                     from the host ("bio.culture").
//   openephys / raw / hdf5 → the recording (raw: gain 0.195 µV/unit; HDF5 dataset attributes or
//                     the same gain) — amplitudes only, detection is gain-independent.
//   stimulator      → StimLimits in voltage mode with the electrode capacitance ASSUMED at
//                     5 µF/cm² × area (Q = C·V; not in the experiment file), material capacity and
//                     Shannon k as configured, max_charge 0 → the material/area bound; mapping
//                     w ∈ [0,1] → [0, max_amplitude] V at the configured pulse width.
#include <memory>
#include <optional>

#include "core/status.hpp"
#include "experiment/model.hpp"
#include "site/bio/bio_role.hpp"

namespace ion::bio {

Result<BioRoleConfig> bio_config_from_experiment(const experiment::Experiment& e, const experiment::Site& site);
// `signal`: where the site records its raw signal (`[recording] signal = true`), if it does.
Result<std::unique_ptr<site::Role>> make_bio_role(const experiment::Experiment& e, const experiment::Site& site,
                                                  site::RoleHost& host,
                                                  std::optional<SignalRecordingConfig> signal = std::nullopt);

}  // namespace ion::bio
