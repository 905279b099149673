// SPDX-License-Identifier: Apache-2.0
#include "device_replay.hpp"

#include <gtest/gtest.h>

#include "device/sim_crossbar.hpp"
#include "record/log_reader.hpp"
#include "site/hub/hub_role.hpp"

namespace ion::crashtest {
namespace {

// A logged resistance is the device's float64 read stored as float32: rounding to nearest moves
// it by at most 2^-24 (6e-8) of its value, and the replay runs the same model code on the same
// doubles, so nothing else may differ. 1e-6 is that bound with margin, far below one pulse's step
// (about 0.1–0.6 % of R in the crash runs of docs/reliability.md); the pulse count is checked as well.
constexpr double kStoredAsFloat = 1e-6;

const hub::HubSynapse* synapse_by_id(const std::vector<hub::HubSynapse>& syns, SynapseId id) {
  for (const auto& s : syns)
    if (s.id == id) return &s;
  return nullptr;
}

}  // namespace

ReplayCount expect_device_is_replay_of_log(const experiment::Experiment& e, const std::string& hub_name,
                                           const std::string& dir, Time after) {
  ReplayCount count;
  const experiment::Site* hub = e.find_site(hub_name);
  EXPECT_NE(hub, nullptr);
  if (!hub) return count;
  auto fresh = hub::make_instrument(e, *hub, {});
  EXPECT_TRUE(fresh.is_ok()) << fresh.status().message();
  auto persisted = device::SimulatedCrossbar::open(dir + "/" + hub_name + ".xbar");
  EXPECT_TRUE(persisted.is_ok()) << persisted.status().message();
  auto reader = record::LogReader::open(dir + "/" + hub_name + ".ionlog");
  EXPECT_TRUE(reader.is_ok()) << reader.status().message();
  if (!fresh || !persisted || !reader) return count;
  // Log order: with half-select, pulses on one cell disturb others, and the cycle-to-cycle noise
  // is keyed on the array's pulse count, so the order matters in general.
  const auto syns = hub::hub_synapses(e, *hub);
  while (auto r = reader->next()) {
    const auto* w = std::get_if<WeightUpdate>(&*r);
    if (!w || w->action == PlasticityAction::read) continue;
    const hub::HubSynapse* syn = synapse_by_id(syns, w->synapse);
    EXPECT_NE(syn, nullptr) << "synapse " << w->synapse;
    if (!syn) return count;
    const auto& p = w->action == PlasticityAction::potentiate ? syn->ltp : syn->ltd;
    auto got = (*fresh)->pulse_read(syn->word, syn->bit, p.amplitude_v, p.width_ns);
    EXPECT_TRUE(got.is_ok()) << got.status().message();
    if (!got) return count;
    EXPECT_NEAR(*got, w->resistance_ohm, kStoredAsFloat * w->resistance_ohm)
        << "logged pulse " << count.pulses + 1 << " (synapse " << syn->id << ", t=" << format_duration(w->t) << ")";
    ++count.pulses;
    count.pulses_after += w->t > after;
  }
  for (const auto& syn : syns) {
    auto want = (*fresh)->read(syn.word, syn.bit);
    auto have = (*persisted)->read(syn.word, syn.bit);
    EXPECT_TRUE(want.is_ok() && have.is_ok());
    if (want && have) {
      EXPECT_NEAR(*have, *want, 1e-9 * *want) << "final state of synapse " << syn.id;
    }
  }
  EXPECT_EQ((*persisted)->pulses_applied(), static_cast<uint64_t>(count.pulses))
      << "pulses the crossbar applied vs LTP/LTD records in the hub's log";
  return count;
}

}  // namespace ion::crashtest
