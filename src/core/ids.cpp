// SPDX-License-Identifier: Apache-2.0
#include "core/ids.hpp"

namespace ion {

std::string to_string(NeuronAddr a) { return std::to_string(a.site) + ":" + std::to_string(a.index); }

}  // namespace ion
