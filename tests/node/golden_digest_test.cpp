// SPDX-License-Identifier: Apache-2.0
// Golden digests: the seed-1 simulated trace (SimWorld::digest, every datagram and timer in
// order) and the recording digest (record::export_logs_to_hdf5, the merged logs) of the built-in
// experiment and of examples/large_network.toml. Link-layer work that only changes how datagrams
// are carried (batching, UDP GSO/GRO, buffers) must leave both unchanged; a change that
// legitimately changes a simulated run updates these values and says why in its commit.
#include <gtest/gtest.h>

#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "sim_digests.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

using test::Digests;

Digests run(experiment::Experiment e, Duration duration_ns, const std::string& name) {
  experiment::scale_duration(e, duration_ns);
  e.seed = 1;
  return test::sim_digests(e, name);
}

TEST(GoldenDigest, BuiltinSeed1) {
  const Digests d = run(experiment::builtin_experiment().value(), 4_s, "golden-builtin");
  EXPECT_EQ(d.trace, 10980689303529739719u);
  EXPECT_EQ(d.recording, "f136ca1f4f2f51699a19698864baba824cd2daea3b4902e451ea363c23fb7337");
}

// `[sites.X] threads = 2` leaves a simulated run as it was: a SimEnv offers no loop waker, so the
// hub runs inline (node/hub_threads.hpp). The model is edited, not the file: the file's text is
// recorded and digested, so a file that differs by the line `threads = 2` differs by that text.
TEST(GoldenDigest, BuiltinSeed1WithHubThreadsTwo) {
  experiment::Experiment e = experiment::builtin_experiment().value();
  for (auto& s : e.sites)
    if (s.role == experiment::Role::hub) s.threads = 2;
  const Digests d = run(std::move(e), 4_s, "golden-builtin-threads2");
  EXPECT_EQ(d.trace, 10980689303529739719u);
  EXPECT_EQ(d.recording, "f136ca1f4f2f51699a19698864baba824cd2daea3b4902e451ea363c23fb7337");
}

TEST(GoldenDigest, LargeNetworkSeed1) {
  auto e = experiment::load_experiment(std::string(ION_SOURCE_DIR) + "/examples/large_network.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  const Digests d = run(std::move(*e), 1_s, "golden-large-network");
  EXPECT_EQ(d.trace, 2126709275862775506u);
  EXPECT_EQ(d.recording, "32f82bef99b4da03dc381aeaea66ed5e3bc76269ae3c39c8070ac61828ddb038");
}

}  // namespace
