// SPDX-License-Identifier: Apache-2.0
// The chip paced in real time on RealEnv (label realtime): the runner keeps the chip at the
// Env's clock and counts its ticks and lateness.
#include <gtest/gtest.h>

#include "env/real_env.hpp"
#include "site/silicon/chip.hpp"
#include "site/silicon/runner.hpp"

namespace ion::silicon {
namespace {

TEST(SiliconRealtime, OneCoreKeepsUpWithTheClock) {
  RealEnv env(RealEnvOptions{"silicon", 1, ""});
  ChipConfig cfg = ChipConfig::defaults();
  cfg.cores = 1;
  const Time t0 = env.now();
  auto chip = Chip::create(
                  cfg, [](const Spike&) {}, t0)
                  .value();
  ChipRunner runner(env, chip, kMillisecond);
  runner.start();
  ASSERT_TRUE(env.run_for(200 * kMillisecond).is_ok());
  runner.stop();
  const RunnerStats& s = runner.stats();
  EXPECT_GE(s.ticks, 150u);
  EXPECT_LE(s.ticks, 201u);
  EXPECT_GE(chip.now(), t0 + 190 * kMillisecond);
  EXPECT_LE(chip.now(), env.now() + cfg.dt_ns);
  EXPECT_EQ(chip.stats().steps, static_cast<uint64_t>((chip.now() - t0) / cfg.dt_ns));
}

}  // namespace
}  // namespace ion::silicon
