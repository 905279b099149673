// SPDX-License-Identifier: Apache-2.0
#include "site/hub/hub_recovery.hpp"

#include <cstdio>

#include "record/log_reader.hpp"

namespace ion::hub {
namespace {

bool same_pulse(const PulseSpec& spec, const device::ReplayedPulse& p) {
  return spec.amplitude_v == p.v && spec.width_ns == p.width_ns;
}

// The synapse whose cell the pulse hit and which of its pulses it was; nullptr if none fits.
const HubSynapse* synapse_of(const std::vector<HubSynapse>& synapses, const device::ReplayedPulse& p,
                             PlasticityAction& action) {
  for (const HubSynapse& s : synapses) {
    if (s.word != p.w || s.bit != p.b) continue;
    if (same_pulse(s.ltp, p)) return action = PlasticityAction::potentiate, &s;
    if (same_pulse(s.ltd, p)) return action = PlasticityAction::depress, &s;
  }
  return nullptr;
}

std::string name_of(const HubSynapse& s) { return s.name.empty() ? "syn" + std::to_string(s.id) : s.name; }

const char* action_name(PlasticityAction a) { return a == PlasticityAction::potentiate ? "LTP" : "LTD"; }

std::string describe(const device::ReplayedPulse& p) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "the array's pulse %llu (cell w=%u, b=%u, %g V, %s)", (unsigned long long)p.seq, p.w,
                p.b, p.v, format_duration(p.width_ns).c_str());
  return buf;
}

Recovery mismatch(const std::string& why) {
  return Recovery{{},
                  "hub: warning: the crossbar state does not fit this event log (" + why +
                      "); no pulse was recovered from its write-ahead log"};
}

std::string recovered_note(const std::vector<std::string>& pulses) {
  std::string s = "hub: " + std::to_string(pulses.size()) +
                  " pulse(s) reached the crossbar but not this event log before the hub stopped (between "
                  "the crossbar's write-ahead log and the event log); recorded now from the write-ahead log, "
                  "stamped at the restart:";
  for (const auto& p : pulses) s += " " + p;
  return s;
}

}  // namespace

Result<std::vector<LoggedPulse>> read_logged_pulses(Storage& storage, const std::string& path) {
  ION_TRY_ASSIGN(auto reader, record::LogReader::open(storage, path));
  std::vector<LoggedPulse> out;
  while (auto rec = reader.next()) {
    const auto* w = std::get_if<WeightUpdate>(&*rec);
    if (w && w->action != PlasticityAction::read) out.push_back({w->synapse, w->action});
  }
  if (reader.report().state == record::TailState::io_error)
    return error(Errc::io_error, path + ": " + reader.report().describe());
  return out;
}

Recovery unlogged_pulses(const std::vector<HubSynapse>& synapses, const std::vector<LoggedPulse>& logged,
                         uint64_t pulses_applied, const std::vector<device::ReplayedPulse>& replayed) {
  const uint64_t n_logged = logged.size();
  if (n_logged > pulses_applied)
    return mismatch("the log holds " + std::to_string(n_logged) + " pulses, the array applied " +
                    std::to_string(pulses_applied));
  const uint64_t first_in_wal = replayed.empty() ? pulses_applied + 1 : replayed.front().seq;
  if (pulses_applied > n_logged && first_in_wal > n_logged + 1)
    return mismatch("pulses " + std::to_string(n_logged + 1) + ".." + std::to_string(first_in_wal - 1) +
                    " are missing from the log but are only in the snapshot, not in the write-ahead log");
  Recovery out;
  std::vector<std::string> names;
  for (const device::ReplayedPulse& p : replayed) {
    PlasticityAction action = PlasticityAction::read;
    const HubSynapse* s = synapse_of(synapses, p, action);
    if (!s) return mismatch(describe(p) + " is no LTP or LTD pulse of a synapse of this hub");
    if (p.seq <= n_logged) {
      const LoggedPulse& l = logged[p.seq - 1];
      if (l.synapse != s->id || l.action != action)
        return mismatch(describe(p) + " is " + action_name(action) + " on " + name_of(*s) + ", the log's pulse " +
                        std::to_string(p.seq) + " is " + action_name(l.action) + " on synapse " +
                        std::to_string(l.synapse));
      continue;
    }
    out.updates.push_back(WeightUpdate{s->id, 0, static_cast<float>(p.r_ohm), s->map.weight(p.r_ohm), action});
    names.push_back("pulse " + std::to_string(p.seq) + " " + action_name(action) + " " + name_of(*s));
  }
  if (!names.empty()) out.note = recovered_note(names);
  return out;
}

}  // namespace ion::hub
