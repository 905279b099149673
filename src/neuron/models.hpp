// SPDX-License-Identifier: Apache-2.0
#pragma once
// The built-in model definitions (one function per model; see docs/models.md for equations,
// defaults and validation status). Use find_model() for lookup by name.
#include "neuron/model.hpp"

namespace ion::neuron {

const ModelDef& lif_model();             // "lif": current-based leaky integrate-and-fire, exact
const ModelDef& lif_cond_model();        // "lif-cond": conductance-based LIF, exponential Euler
const ModelDef& adex_model();            // "adex": Brette–Gerstner 2005, RK4
const ModelDef& izhikevich_model();      // "izhikevich": regular spiking, RK4
const ModelDef& hh_model();              // "hh": classic squid axon, exponential Euler
const ModelDef& hh_hippocampal_model();  // "hh-hippocampal": Traub–Miles, exponential Euler
const ModelDef& dpi_model();             // "dpi": adaptive-exponential DPI neuron (INI), RK4

}  // namespace ion::neuron
