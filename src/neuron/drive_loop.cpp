// SPDX-License-Identifier: Apache-2.0
#include "neuron/drive_loop.hpp"

namespace ion::neuron {

void run_driven(Population& pop, std::vector<CurrentInput>& inputs, int64_t steps,
                const std::function<void(Population&)>& after_step) {
  for (int64_t k = 0; k < steps; ++k) {
    double i_a = 0;
    for (auto& in : inputs) i_a += in.at(pop.now());
    for (double& x : pop.input_current()) x = i_a;
    pop.step();
    after_step(pop);
  }
}

}  // namespace ion::neuron
