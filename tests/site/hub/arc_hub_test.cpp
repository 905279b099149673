// SPDX-License-Identifier: Apache-2.0
// The hub over a real ArC ONE driver: a failed instrument read is counted and the hub goes on;
// the driver resynchronises on the next operation.
#include <gtest/gtest.h>

#include "arc_fixture.hpp"
#include "site/hub/hub_core.hpp"

namespace ion::hub {
namespace {

using namespace ion::literals;
using device::testing::ArcEmulator;

HubSynapse synapse(SynapseId id, uint32_t word, uint32_t bit) {
  HubSynapse s;
  s.id = id;
  s.pre = NeuronAddr{2, id};
  s.post = NeuronAddr{0, id};
  s.word = word, s.bit = bit;
  return s;
}

// On a firmware without `999`, which the earlier driver could not resynchronise.
TEST(ArcHub, OneFailedReadIsCountedAndTheHubGoesOn) {
  device::testing::ArcBoardOptions bo = device::testing::fast_board(device::testing::distinct_array());
  bo.firmware.reset();
  ArcEmulator e(bo);
  auto arc = device::testing::connect(e);
  ASSERT_TRUE(arc);
  HubCore hub({synapse(0, 3, 4), synapse(1, 5, 6)}, *arc, 10_ms);
  std::vector<WeightUpdate> up;
  e.inject(ArcEmulator::Fault::silent);  // the first read gets no reply
  hub.read_all(0, up);
  EXPECT_EQ(hub.counters().device_errors, 1u);
  ASSERT_EQ(up.size(), 1u);  // the second synapse was read after a resynchronisation
  EXPECT_EQ(up[0].synapse, 1u);
  EXPECT_FLOAT_EQ(up[0].resistance_ohm, float(e.state_ohm(5, 6)));
  up.clear();
  hub.read_all(1_s, up);
  EXPECT_EQ(hub.counters().device_errors, 1u);
  ASSERT_EQ(up.size(), 2u);
  EXPECT_FLOAT_EQ(up[0].resistance_ohm, float(e.state_ohm(3, 4)));
  std::vector<SynapticInput> fwd;
  hub.on_spike(Spike{NeuronAddr{2, 0}, 2_s}, fwd);  // forwarding uses the weight read back
  ASSERT_EQ(fwd.size(), 1u);
  EXPECT_FLOAT_EQ(fwd[0].weight, up[0].weight);
}

}  // namespace
}  // namespace ion::hub
