// SPDX-License-Identifier: Apache-2.0
// The hub's crossbar and its event log across a crash (site/hub/hub_recovery.hpp): every pulse
// is recorded before the next one is applied, and a resumed hub records the pulses its crossbar's
// write-ahead log holds beyond its log, or says why it cannot.
#include <gtest/gtest.h>

#include <filesystem>

#include "experiment/builtin.hpp"
#include "site/hub/hub_recovery.hpp"
#include "site/hub/hub_role.hpp"

using namespace ion;
using namespace ion::hub;
using namespace ion::literals;

namespace {

std::string fresh_dir(const std::string& name) {
  const std::string dir = std::string(ION_BINARY_DIR) + "/test-runs/hub-crash-consistency/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Checks, at every recorded LTP/LTD, that the crossbar's write-ahead log holds exactly the pulses
// recorded so far: a crash at any instant leaves at most the one pulse being applied unrecorded.
class WalCheckingHost final : public site::RoleHost {
 public:
  explicit WalCheckingHost(std::string wal) : wal_(std::move(wal)) {}
  void emit_spike(const Spike&) override {}
  void emit_input(const SynapticInput&) override {}
  void record_stimulus(const Stimulus&) override {}
  void record_weight(const WeightUpdate& w) override {
    if (w.action == PlasticityAction::read) return;
    ++pulses;
    EXPECT_EQ(std::filesystem::file_size(wal_) / 40, pulses) << "when pulse " << pulses << " was recorded";
  }
  void record_note(std::string_view) override {}
  Rng rng(std::string_view stream) const override { return Rng::stream(1, stream); }
  uint64_t pulses = 0;

 private:
  std::string wal_;
};

// Builtin experiment: ABsyn from ANpre (zurich 0:0) to BN (padova 2:0), SRDP, LTP above 20 pre
// spikes in the 1 s window; its cell (3, 7). BAsyn on (4, 7).
HubSynapse absyn() {
  auto e = experiment::builtin_experiment();
  EXPECT_TRUE(e.is_ok());
  return hub_synapses(*e, *e->find_site("southampton")).at(0);
}

device::ReplayedPulse ltp_pulse(uint64_t seq, const HubSynapse& s, double r_ohm) {
  return {seq, s.word, s.bit, s.ltp.amplitude_v, s.ltp.width_ns, r_ohm};
}

}  // namespace

// Several plasticity decisions fall due in one advance (a late tick): each pulse's read-back is
// recorded before the next pulse (it was recorded only after all of them).
TEST(HubCrashConsistency, EachPulseIsRecordedBeforeTheNextIsApplied) {
  auto e = experiment::builtin_experiment();
  ASSERT_TRUE(e.is_ok());
  const std::string dir = fresh_dir("record-order");
  WalCheckingHost host(dir + "/southampton.xbar.wal");
  auto role = make_hub_role(*e, *e->find_site("southampton"), host, {dir, false, nullptr, ""});
  ASSERT_TRUE(role.is_ok()) << role.status().message();
  (*role)->advance(0);
  // 25 ANpre spikes, then 4 BN spikes after the first full SRDP window (from 1 s): 4 LTP decisions.
  for (int i = 0; i < 25; ++i) (*role)->on_spike(Spike{{0, 0}, 1 * kSecond + i * 30 * kMillisecond});
  for (int i = 0; i < 4; ++i) (*role)->on_spike(Spike{{2, 0}, 2 * kSecond + i * kMillisecond});
  (*role)->advance(3 * kSecond);  // all four released at once
  EXPECT_EQ(host.pulses, 4u);
}

TEST(HubRecovery, PulsesInTheWalBeyondTheLogAreRecordedInOrder) {
  const HubSynapse s = absyn();
  const std::vector<LoggedPulse> logged = {{s.id, PlasticityAction::potentiate}};
  const std::vector<device::ReplayedPulse> wal = {ltp_pulse(1, s, 14000), ltp_pulse(2, s, 13900),
                                                  ltp_pulse(3, s, 13800)};
  const Recovery r = unlogged_pulses({s}, logged, 3, wal);
  ASSERT_EQ(r.updates.size(), 2u) << r.note;
  EXPECT_EQ(r.updates[0].resistance_ohm, 13900.0f);
  EXPECT_EQ(r.updates[1].resistance_ohm, 13800.0f);
  EXPECT_EQ(r.updates[1].action, PlasticityAction::potentiate);
  EXPECT_EQ(r.updates[1].weight, s.map.weight(13800));
  EXPECT_NE(r.note.find("hub: 2 pulse(s) reached the crossbar but not this event log"), std::string::npos) << r.note;
  EXPECT_NE(r.note.find("pulse 2 LTP ABsyn pulse 3 LTP ABsyn"), std::string::npos) << r.note;
}

TEST(HubRecovery, LogAndArrayInStepRecoverNothing) {
  const HubSynapse s = absyn();
  const Recovery r = unlogged_pulses({s}, {{s.id, PlasticityAction::potentiate}}, 1, {ltp_pulse(1, s, 14000)});
  EXPECT_TRUE(r.updates.empty());
  EXPECT_EQ(r.note, "");
  EXPECT_EQ(unlogged_pulses({s}, {}, 0, {}).note, "");
}

// A state and a log that do not belong together: nothing is invented, and the note says why.
TEST(HubRecovery, StateThatDoesNotFitTheLogRecoversNothingAndSaysWhy) {
  const HubSynapse s = absyn();
  const LoggedPulse ltp{s.id, PlasticityAction::potentiate}, ltd{s.id, PlasticityAction::depress};
  auto refused = [&](const std::vector<LoggedPulse>& logged, uint64_t applied,
                     const std::vector<device::ReplayedPulse>& wal, const std::string& why) {
    const Recovery r = unlogged_pulses({s}, logged, applied, wal);
    EXPECT_TRUE(r.updates.empty()) << why;
    EXPECT_NE(r.note.find("hub: warning: the crossbar state does not fit this event log"), std::string::npos);
    EXPECT_NE(r.note.find(why), std::string::npos) << r.note;
  };
  refused({ltp, ltp}, 1, {ltp_pulse(1, s, 1)}, "the log holds 2 pulses, the array applied 1");
  refused({ltp}, 3, {ltp_pulse(3, s, 1)}, "pulses 2..2 are missing from the log but are only in the snapshot");
  refused({ltd}, 1, {ltp_pulse(1, s, 1)}, "is LTP on ABsyn, the log's pulse 1 is LTD on synapse 0");
  device::ReplayedPulse elsewhere = ltp_pulse(1, s, 1);
  elsewhere.b += 1;
  refused({}, 1, {elsewhere}, "(cell w=3, b=8, -0.8 V, 100us) is no LTP or LTD pulse of a synapse of this hub");
  device::ReplayedPulse other_width = ltp_pulse(1, s, 1);
  other_width.width_ns = 200_us;
  refused({}, 1, {other_width}, "is no LTP or LTD pulse");
}
