// SPDX-License-Identifier: Apache-2.0
// A hostile but authenticated peer: this test holds the southampton key and plays the hub (time
// master) with the real link API, against a real `ion node --site padova` process on loopback.
// It sends absurd content — times far in the past and future, inputs for another site, unknown
// neuron ids, negative and huge weights, a burst far beyond the stimulator's rate limit — and
// checks in padova's event log that each is refused or clamped, counted and recorded, and that
// no stimulus exceeds the configured limits. NaN/inf weights cannot even be sent: the encoder
// refuses them (and the decoder counts such bytes as malformed: tests/wire).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "../common/process_helpers.hpp"
#include "../common/run_command.hpp"
#include "env/real_env.hpp"
#include "experiment/load.hpp"
#include "link/link.hpp"
#include "node/shifted_env.hpp"
#include "record/merge.hpp"
#include "wire/keyfile.hpp"

using namespace ion;

namespace {

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";
const std::string kHost = "127.0.105.1";

// The built-in experiment on this test's own loopback address, in a fresh run directory.
std::string setup_dir() {
  const std::string dir = ion::testing::fresh_dir("hostile-absurd-peer");
  ion::testing::write_loopback_experiment(
      dir, kHost, ion::testing::slurp(std::string(ION_SOURCE_DIR) + "/examples/three_neuron.toml"));
  return dir;
}

size_t count_notes(const record::MergedRecording& m, const std::string& needle) {
  size_t n = 0;
  for (const auto& note : m.notes) n += note.text.find(needle) != std::string::npos;
  return n;
}

}  // namespace

TEST(HostilePeer, AbsurdAuthenticatedContentIsRefusedOrClampedCountedAndRecorded) {
  const std::string dir = setup_dir();
  const auto keygen = ion::testing::run_command(kIon + " keygen --sites zurich,southampton,padova --out " + dir +
                                                "/keys");
  ASSERT_EQ(keygen.code, 0) << keygen.text;
  auto e = experiment::load_experiment(dir + "/experiment.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  const SiteId hub = e->find_site("southampton")->id, bio = e->find_site("padova")->id,
               silicon = e->find_site("zurich")->id;
  auto psk = wire::load_pair_key(dir + "/keys", "southampton", "padova");
  ASSERT_TRUE(psk.is_ok()) << psk.status().message();

  ion::testing::CommandOutput node_run;  // code stays -1 until the node process exits
  std::thread node([&] {
    node_run = ion::testing::run_command(kIon + " node " + dir + "/experiment.toml --site padova --out " + dir +
                                         " --keys " + dir + "/keys --warmup 1s --duration 8s --sync-timeout 5s");
  });

  RealEnv real;
  site::ShiftedEnv env(real);  // like a node: our clock (the time master's) starts near zero
  link::LinkConfig cfg;
  cfg.self = hub;
  cfg.bind = SockAddr::parse(kHost + ":7201").value();
  cfg.time_master = true;
  link::PeerSpec p;
  p.site = bio;
  p.addr = SockAddr::parse(kHost + ":7101").value();
  p.psk = *psk;
  link::Link* link_ptr = nullptr;
  auto send_absurd_content = [&] {
    link::Link& link = *link_ptr;
    const Time now = link.experiment_now() - kSecond;  // padova's experiment time
    auto input = [&](Time t, SiteId site, uint32_t index, uint32_t synapse, float w) {
      return SynapticInput{NeuronAddr{site, index}, synapse, w, t};
    };
    (void)link.send(bio, input(now - 3600 * kSecond, bio, 0, 0, 0.5f));  // far past: refused by the node
    (void)link.send(bio, input(now + 3600 * kSecond, bio, 0, 0, 0.5f));  // far future: refused
    (void)link.send(bio, input(now, silicon, 0, 0, 0.5f));               // for another site: refused
    (void)link.send(bio, input(now, bio, 999, 0, 0.5f));                 // unknown neuron: interlock refuses
    (void)link.send(bio, input(now, bio, 0, 0, -0.5f));                  // negative weight: refused
    (void)link.send(bio, input(now, bio, 0, 4242, 1e30f));               // huge weight, unknown synapse
    for (int i = 0; i < 2000; ++i) (void)link.send(bio, input(now, bio, 0, 0, 0.5f));  // burst
    (void)link.send(bio, input(now, bio, 0, 0, std::nanf("")));  // never leaves: the encoder refuses it
    (void)link.send(bio, input(now, bio, 0, 0, INFINITY));
    link.flush_all();
  };
  // Padova is running once its culture's spikes reach us (the hub); a loaded machine may take
  // seconds to start the node, so the absurd content is sent only then, not at a fixed time.
  bool padova_running = false;
  link::LinkHandlers handlers;
  handlers.on_events = link::each_event([&](SiteId from, const wire::Event& ev) {
    if (padova_running || from != bio || !std::holds_alternative<Spike>(ev)) return;
    padova_running = true;
    env.schedule_after(200 * kMillisecond, send_absurd_content);
  });
  auto l = link::Link::create(env, cfg, {p}, std::move(handlers));
  ASSERT_TRUE(l.is_ok()) << l.status().message();
  link::Link& link = **l;
  link_ptr = &link;
  (void)real.run_for(10 * kSecond);  // padova stops at experiment time 8 s (our clock: 9 s)
  EXPECT_TRUE(padova_running) << "padova never sent a spike: it did not start within its 8 s";
  const uint64_t invalid = link.peer(bio)->counters().events_invalid;
  link.close();
  node.join();
  ASSERT_EQ(node_run.code, 0) << node_run.text;

  auto m = record::merge_logs({dir + "/padova.ionlog"});
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  // Refused by the node before the bio role: recorded as notes and counted in the "done" note.
  EXPECT_EQ(count_notes(*m, "refused event from southampton: input time out of range"), 2u);
  EXPECT_EQ(count_notes(*m, "refused event from southampton: input for another site"), 1u);
  EXPECT_EQ(count_notes(*m, "refused=3"), 1u);
  // Everything else reached the bio interlock: each accepted input gets exactly one stimulus
  // record (delivered, clamped or refused), and the burst is cut by the rate limit.
  size_t delivered = 0, clamped = 0, refused = 0;
  for (const auto& s : m->stimuli) {
    delivered += s.outcome == 0, clamped += s.outcome == 1, refused += s.outcome == 2;
    EXPECT_LE(std::abs(s.amplitude), 1.0f + 1e-6f) << "stimulus above max_amplitude";
  }
  EXPECT_EQ(m->inputs.size(), 2003u);  // 3 absurd-but-well-addressed + 2000 burst (no spikes from zurich)
  EXPECT_EQ(m->stimuli.size(), m->inputs.size());
  EXPECT_GE(refused, 2u + 1900u);      // unknown neuron, negative weight, and most of the burst
  EXPECT_LE(delivered + clamped, 5u);  // 50 Hz limit: a burst inside 1 ms delivers at most a few
  EXPECT_EQ(invalid, 2u) << "NaN and inf weights must be refused by the encoder (never sent)";
  std::printf("absurd peer: inputs %zu, stimuli delivered %zu clamped %zu refused %zu; unencodable %llu\n",
              m->inputs.size(), delivered, clamped, refused, (unsigned long long)invalid);
}
