// SPDX-License-Identifier: Apache-2.0
// [security] aead through whole simulated runs (docs/protocol.md §4.2): a pinned AES-256-GCM run
// carries other bytes than an "auto" run (which offers XChaCha20-Poly1305 only in simulation) but
// records the same experiment, and a node refuses to start with AES-256-GCM pinned on a machine
// without AES-NI.
#include <gtest/gtest.h>

#include "experiment/builtin.hpp"
#include "node/launch/sim_runner.hpp"
#include "node/node.hpp"
#include "sim_digests.hpp"
#include "wire/crypto.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

using test::Digests;

Digests run(const std::string& aead, const std::string& name) {
  experiment::Experiment e = experiment::builtin_experiment().value();
  experiment::scale_duration(e, 1_s);
  e.seed = 3;
  e.security.aead = aead;
  return test::sim_digests(e, name);
}

TEST(AeadSim, PinnedGcmChangesTheBytesNotTheExperiment) {
  ASSERT_TRUE(wire::aes256gcm_available()) << "this test needs a machine with AES-NI";
  const Digests automatic = run("auto", "aead-auto");
  const Digests chacha = run("xchacha20poly1305", "aead-chacha");
  const Digests gcm = run("aes256gcm", "aead-gcm");
  EXPECT_EQ(automatic.trace, chacha.trace);  // simulated "auto" never depends on the host CPU
  EXPECT_NE(gcm.trace, chacha.trace);        // other ciphertexts: the links really used GCM
  EXPECT_FALSE(gcm.recording.empty());
  EXPECT_EQ(gcm.recording, chacha.recording);  // the same experiment was recorded
}

TEST(AeadSim, PinnedGcmWithoutAesNiIsAClearError) {
  experiment::Experiment e = experiment::builtin_experiment().value();
  e.security.aead = "aes256gcm";
  auto r = site::link_aead_offer(e, false);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("[security] aead = \"aes256gcm\" needs AES-NI"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(site::link_aead_offer(e, true).value(), 0x02);
  e.security.aead = "auto";
  EXPECT_EQ(site::link_aead_offer(e, false).value(), 0x01);
  EXPECT_EQ(site::link_aead_offer(e, true).value(), 0x03);
}

}  // namespace
