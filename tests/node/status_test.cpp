// SPDX-License-Identifier: Apache-2.0
// A site's status (src/node/status.hpp): JSON round trip; a torn, garbage or foreign status file
// is an error naming what is wrong, and a reader shows the site as starting (never a crash, never
// half a status); in a simulated run of the built-in experiment a synapse's weight is null until
// the hub's first read-back and afterwards equals the hub log's last WeightUpdate up to the
// status's time, with LTP/LTD counts equal to the logged pulses.
#include <gtest/gtest.h>

#include <map>

#include "../common/test_files.hpp"
#include "core/prng.hpp"
#include "experiment/builtin.hpp"
#include "node/launch/sim_runner.hpp"
#include "node/status.hpp"
#include "record/log_reader.hpp"

using namespace ion;
using namespace ion::literals;
using site::NodeStatus;

namespace {

NodeStatus full_status() {
  NodeStatus s;
  s.site = "padova";
  s.role = "hub";
  s.state = "running";
  s.pid = 4242;
  s.t_ns = -1'500'000'000;  // experiment time is negative during the warm-up
  s.duration_ns = 40_s;
  s.spikes = 123;
  s.neurons = {{"ANpre", 30.25}, {"N\xc3\xa9", 0}};
  s.synapses = {{"ABsyn", 0.625, 12345.5, 3, 1}, {"BAsyn", std::nullopt, std::nullopt, 0, 0}};
  s.interlock = site::InterlockStatus{10, 2, 1};
  s.links = {{"zurich", true, 3, 0.01, 250'000, -12'000}, {"southampton", false, 0, 0, 0, 0}};
  s.monitors = {{"mon", true, 500, 7, 1}};
  s.failure = "a \"quoted\" reason\nwith a newline";
  return s;
}

TEST(NodeStatus, JsonRoundTripKeepsEveryFieldAndEveryNull) {
  const NodeStatus full = full_status();
  const std::string text = site::status_to_json(full);
  auto back = site::status_from_json(text);
  ASSERT_TRUE(back.is_ok()) << back.status().message() << "\n" << text;
  EXPECT_EQ(*back, full) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line";

  NodeStatus empty = site::starting_status("zurich");
  auto e = site::status_from_json(site::status_to_json(empty));
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(*e, empty);
  EXPECT_FALSE(e->t_ns.has_value());
  EXPECT_FALSE(e->interlock.has_value());
  EXPECT_FALSE(e->failure.has_value());
}

TEST(NodeStatus, JsonKeysAreTheDocumentedOnes) {
  // docs/recording.md §8 lists these keys in this order.
  const std::string text = site::status_to_json(full_status());
  size_t at = 0;
  for (const char* key : {"format_version", "site", "role", "state", "pid", "t_ns", "duration_ns", "spikes", "neurons",
                          "synapses", "interlock", "links", "failure", "monitors"}) {
    const size_t found = text.find(std::string("\"") + key + "\":", at);
    ASSERT_NE(found, std::string::npos) << key << " after offset " << at << " in " << text;
    at = found;
  }
  EXPECT_EQ(text.rfind("{\"format_version\":1,", 0), 0u) << text;
  EXPECT_NE(text.find("\"weight\":null,\"resistance_ohm\":null"), std::string::npos) << text;
}

TEST(NodeStatus, MonitorsAreOptionalAndCheckedWhenPresent) {
  // A site without monitors writes no `monitors` key (files as before), and a status written
  // before the key existed reads as no monitors.
  NodeStatus s = full_status();
  s.monitors.clear();
  const std::string text = site::status_to_json(s);
  EXPECT_EQ(text.find("monitors"), std::string::npos) << text;
  auto back = site::status_from_json(text);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, s);
  // Present, it is checked like every other key, with its path.
  std::string bad = site::status_to_json(full_status());
  const std::string sent = "\"sent\":500";
  ASSERT_NE(bad.find(sent), std::string::npos) << bad;
  bad.replace(bad.find(sent), sent.size(), "\"sent\":-1");
  auto refused = site::status_from_json(bad);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("status.monitors[0].sent: expected an unsigned integer"), std::string::npos)
      << refused.status().message();
}

TEST(NodeStatus, EveryTornPrefixIsAnErrorAndTheReaderShowsStarting) {
  const std::string dir = ion::testing::fresh_test_dir("test-runs", "status-torn");
  const std::string path = dir + "/padova.status";
  const std::string text = site::status_to_json(full_status());
  // Every cut but the whole text and the whole text minus its final newline (complete JSON).
  for (size_t n = 0; n + 1 < text.size(); ++n) {
    const std::string cut = text.substr(0, n);
    EXPECT_FALSE(site::status_from_json(cut).is_ok()) << "prefix of " << n << " bytes accepted";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << cut;
    const NodeStatus shown = site::read_status_or_starting(real_storage(), path, "padova");
    EXPECT_EQ(shown, site::starting_status("padova")) << "prefix of " << n << " bytes";
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  EXPECT_EQ(site::read_status_or_starting(real_storage(), path, "padova"), full_status());
}

TEST(NodeStatus, GarbageAndForeignFilesAreErrorsNamingWhatIsWrong) {
  struct Case {
    std::string text;
    std::string expected;  // part of the error message
  };
  const std::vector<Case> cases = {
      {"", "not JSON"},
      {"padova running silicon 256 neurons", "not JSON"},  // the free-text status of ion before format 1
      {"null", "expected a JSON object"},
      {"[1,2]", "expected a JSON object"},
      {"{}", "status.format_version: missing"},
      {R"({"format_version":2})", "format_version 2, this ion reads 1"},
      {R"({"format_version":"1"})", "status.format_version: expected an integer, found string"},
      {R"({"format_version":1,"site":"a"})", "status.role: missing"},
  };
  for (const auto& c : cases) {
    auto r = site::status_from_json(c.text);
    ASSERT_FALSE(r.is_ok()) << c.text;
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos) << c.text << " → " << r.status().message();
  }
  // Wrong types deep inside name their key path.
  std::string text = site::status_to_json(full_status());
  const std::string weight = "\"weight\":0.625";
  text.replace(text.find(weight), weight.size(), "\"weight\":\"0.6\"");
  auto r = site::status_from_json(text);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("status.synapses[0].weight: expected a number"), std::string::npos)
      << r.status().message();
}

TEST(NodeStatus, RandomBytesNeverCrashTheReader) {
  const std::string dir = ion::testing::fresh_test_dir("test-runs", "status-garbage");
  const std::string path = dir + "/zurich.status";
  const std::string valid = site::status_to_json(full_status());
  Rng rng(16);
  for (int i = 0; i < 2000; ++i) {
    std::string text = valid;  // a valid status with a few bytes overwritten at random
    for (int k = 0; k < 3; ++k) text[rng.below(text.size())] = static_cast<char>(rng.below(256));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    const NodeStatus shown = site::read_status_or_starting(real_storage(), path, "zurich");
    EXPECT_TRUE(shown.site == "padova" || shown == site::starting_status("zurich")) << text;
  }
  std::filesystem::remove(path);
  EXPECT_EQ(site::read_status_or_starting(real_storage(), path, "zurich"), site::starting_status("zurich"));
}

TEST(NodeStatus, RecentRateFollowsThePhasesAndNeverDividesByATinyTime) {
  site::RecentRate r;
  EXPECT_EQ(r.rate_hz(0), 0);
  r.add(1_ms);
  EXPECT_NEAR(r.rate_hz(2_ms), 1.0 / 1.002, 1e-9);  // not 1 spike / 2 ms = 500 Hz
  site::RecentRate p;                               // 10 Hz for 5 s, then 2 Hz
  Time t = 50_ms;
  for (; t < 4500_ms; t += 100_ms) p.add(t);
  EXPECT_NEAR(p.rate_hz(4500_ms), 15.0 / 1.5, 1e-9);  // [3 s, 4.5 s): 10 + 5 spikes over 1.5 s
  for (; t < 5_s; t += 100_ms) p.add(t);
  for (t = 5250_ms; t < 7_s; t += 500_ms) p.add(t);
  EXPECT_NEAR(p.rate_hz(7_s), 2.0, 1e-9);  // [6 s, 7 s): 2 spikes over 1 s
  p.add(5_s);                              // late, for a second already left: not counted
  p.add(6100_ms);                          // late, for the previous second: counted there
  EXPECT_NEAR(p.rate_hz(7_s), 3.0, 1e-9);
  EXPECT_EQ(p.rate_hz(9_s), 0);  // nothing for more than a second
}

struct Logged {
  std::map<std::string, std::vector<WeightUpdate>> updates;  // by synapse name, in log order
};

Logged hub_updates(const experiment::Experiment& e, const std::string& log_path) {
  Logged out;
  auto log = record::LogReader::open(log_path);
  EXPECT_TRUE(log.is_ok()) << log_path;
  if (!log.is_ok()) return out;
  while (auto rec = log->next())
    if (auto* w = std::get_if<WeightUpdate>(&*rec)) out.updates[e.synapses.at(w->synapse).name].push_back(*w);
  return out;
}

// What a synapse's status must show after the updates of `log` stamped before t (strict) or at
// or before t: the last one's weight and resistance (none: null) and the pulses counted.
site::SynapseStatus expected_after(const std::string& name, Time t, bool strict, const std::vector<WeightUpdate>& log) {
  site::SynapseStatus y;
  y.name = name;
  for (const auto& u : log) {
    if (strict ? u.t >= t : u.t > t) break;
    y.weight = u.weight;
    y.resistance_ohm = u.resistance_ohm;
    y.ltp += u.action == PlasticityAction::potentiate;
    y.ltd += u.action == PlasticityAction::depress;
  }
  return y;
}

// The hub's status at experiment time t against its log. An update stamped exactly t may be
// recorded just after the status was taken at t, so either state is right; nothing else is.
void expect_matches_log(const site::SynapseStatus& y, Time t, const std::vector<WeightUpdate>& log) {
  const site::SynapseStatus before = expected_after(y.name, t, true, log);
  const site::SynapseStatus upto = expected_after(y.name, t, false, log);
  EXPECT_TRUE(y == before || y == upto) << y.name << " at " << t
                                        << ": shows w=" << (y.weight ? std::to_string(*y.weight) : "null") << " ltp "
                                        << y.ltp << " ltd " << y.ltd
                                        << "; the log has w=" << (upto.weight ? std::to_string(*upto.weight) : "null")
                                        << " ltp " << upto.ltp << " ltd " << upto.ltd;
}

TEST(NodeStatus, SynapseWeightIsNullUntilItsFirstReadThenTheLogsLastUpdate) {
  auto e = experiment::builtin_experiment();
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  e->duration_ns = 12_s;  // into the 30 Hz phase: pulses happen
  site::SimRunOptions o;
  o.out_dir = ion::testing::fresh_test_dir("test-runs", "status-weights");
  std::vector<NodeStatus> hub;  // the hub's status at every progress call
  o.progress = [&](Time, const std::vector<NodeStatus>& sites) {
    for (const auto& s : sites)
      if (s.role == "hub") hub.push_back(s);
  };
  auto r = site::run_sim(*e, o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_GE(hub.size(), 10u);
  const std::string hub_site = hub.front().site;
  const Logged logged = hub_updates(*e, o.out_dir + "/" + hub_site + ".ionlog");
  size_t before_read = 0, after_pulses = 0;
  for (const auto& s : hub) {
    ASSERT_EQ(s.synapses.size(), e->synapses.size());
    for (const auto& y : s.synapses) {
      const Time t = s.t_ns.value_or(-1);  // not synced yet: nothing can have been read
      expect_matches_log(y, t, logged.updates.at(y.name));
      before_read += !y.weight.has_value();
      after_pulses += y.ltp + y.ltd > 0;
    }
  }
  EXPECT_GT(before_read, 0u) << "no status before the first read-back: the test checks nothing about null";
  EXPECT_GT(after_pulses, 0u) << "no status after a pulse: the test checks nothing about updates";
}

TEST(NodeStatus, NeuronRatesAndLinksAreFilled) {
  auto e = experiment::builtin_experiment();
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  e->duration_ns = 4_s;
  site::SimRunOptions o;
  o.out_dir = ion::testing::fresh_test_dir("test-runs", "status-rates");
  std::map<std::string, NodeStatus> last;  // each site's status at about 3 s of experiment time
  o.progress = [&](Time, const std::vector<NodeStatus>& sites) {
    for (const auto& s : sites)
      if (s.t_ns && *s.t_ns >= 2500_ms && *s.t_ns < 3500_ms) last[s.site] = s;
  };
  auto r = site::run_sim(*e, o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(last.size(), e->sites.size()) << "a site without a status at about 3 s";
  size_t named = 0;
  for (const auto& [name, s] : last) {
    EXPECT_EQ(s.duration_ns, e->duration_ns);
    EXPECT_FALSE(s.links.empty()) << name;
    for (const auto& l : s.links) EXPECT_TRUE(l.up) << name << " → " << l.peer;
    named += s.neurons.size();
    for (const auto& n : s.neurons) EXPECT_GE(n.rate_hz, 0) << n.name;
  }
  size_t in_experiment = 0;
  for (const auto& n : e->neurons) in_experiment += n.name.empty() ? 0 : 1;
  EXPECT_EQ(named, in_experiment);
  // ANpre is driven at 10 Hz in the first phase: its rate is there.
  bool found = false;
  for (const auto& [name, s] : last)
    for (const auto& n : s.neurons)
      if (n.name == "ANpre") {
        found = true;
        EXPECT_NEAR(n.rate_hz, 10.0, 3.0);
      }
  EXPECT_TRUE(found);
}

}  // namespace
