// SPDX-License-Identifier: Apache-2.0
#include "site/hub/event_orderer.hpp"

namespace ion::hub {

bool EventOrderer::push(const Spike& s) {
  if (s.t < frontier_ns_) {
    ++late_;
    return false;
  }
  heap_.push(Item{s, next_arrival_++});
  return true;
}

}  // namespace ion::hub
