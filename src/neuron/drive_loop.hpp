// SPDX-License-Identifier: Apache-2.0
#pragma once
// The stand-alone simulation of `ion neuron` (and ion.neuron.simulate in Python): a population
// driven by the sum of current inputs, the same current into every neuron.
#include <cstdint>
#include <functional>
#include <vector>

#include "neuron/drives.hpp"
#include "neuron/population.hpp"

namespace ion::neuron {

// Runs `steps` steps. Before each step every neuron's input current is the sum of `inputs` at
// pop.now(); after each step `after_step(pop)` is called (pop.spikes() holds that step's spikes,
// at pop.last_step_time()).
void run_driven(Population& pop, std::vector<CurrentInput>& inputs, int64_t steps,
                const std::function<void(Population&)>& after_step);

}  // namespace ion::neuron
