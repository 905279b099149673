// SPDX-License-Identifier: Apache-2.0
// The read-only monitor peer on SimEnv (docs/protocol.md §3.3): its copies equal what the sites
// record; above its rate limit the drops are counted and the sites' recordings do not change; a
// monitor with a valid key that sends events is refused (not_permitted) and nothing it sends is
// delivered; a run with a monitor records the same events as one without.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "../common/test_files.hpp"
#include "env/sim_world.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "experiment/ports.hpp"
#include "link/link.hpp"
#include "node/launch/sim_runner.hpp"
#include "record/log_reader.hpp"

using namespace ion;

namespace {

constexpr Duration kDuration = 6 * kSecond;

experiment::Experiment builtin(const std::string& monitors_toml) {
  std::string text(experiment::builtin_experiment_text());
  text += monitors_toml;
  auto e = experiment::load_experiment_text(text, "monitor-test.toml");
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  experiment::scale_duration(*e, kDuration);
  return std::move(e).value();
}

constexpr const char* kMonitor = "\n[[monitors]]\nname = \"mon\"\naddress = \"127.0.0.1:7401\"\n";

// What a site's physics produced: spikes, inputs, stimuli and weight read-backs, in log order,
// each as (kind, encoded payload).
using Events = std::vector<std::pair<uint16_t, std::vector<uint8_t>>>;

struct LogData {
  Events events;
  std::vector<std::string> notes;
};

LogData read_log(const std::string& path) {
  LogData d;
  auto log = record::LogReader::open(path);
  EXPECT_TRUE(log.is_ok()) << path << ": " << log.status().message();
  if (!log) return d;
  while (auto rec = log->next()) {
    if (auto* n = std::get_if<record::Note>(&*rec)) d.notes.push_back(n->text);
    const auto kind = record::kind_of(*rec);
    if (kind > record::RecordKind::weight_update) continue;
    std::vector<uint8_t> bytes;
    record::encode_payload(*rec, bytes);
    d.events.emplace_back(static_cast<uint16_t>(kind), std::move(bytes));
  }
  return d;
}

std::string note_starting(const LogData& d, const std::string& prefix) {
  for (const auto& n : d.notes)
    if (n.rfind(prefix, 0) == 0) return n;
  return "";
}

uint64_t count_after(const std::string& text, const std::string& key) {
  const size_t at = text.find(key);
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + key.size()));
}

struct Outcome {
  site::SimRunReport report;
  std::map<std::string, LogData> sites, copies;  // by site name
};

Outcome run(const experiment::Experiment& e, const std::string& name, site::SimRunOptions o = {}) {
  o.out_dir = ion::testing::fresh_test_dir("test-runs/monitor", name);
  auto r = site::run_sim(e, o);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  Outcome out;
  if (!r) return out;
  out.report = *r;
  for (size_t i = 0; i < e.sites.size(); ++i) out.sites[e.sites[i].name] = read_log(r->logs[i]);
  for (size_t i = 0; i < r->monitor_logs.size(); ++i)
    out.copies[e.sites[i % e.sites.size()].name] = read_log(r->monitor_logs[i]);
  return out;
}

// Equal event sequences; on failure only the sizes and the first difference are printed.
::testing::AssertionResult same_events(const Events& a, const Events& b) {
  if (a == b) return ::testing::AssertionSuccess();
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return ::testing::AssertionFailure() << a.size() << " vs " << b.size() << " records, first difference at " << i;
}

// a is b with some records left out (order kept).
bool is_subsequence(const Events& a, const Events& b) {
  size_t j = 0;
  for (const auto& x : a) {
    while (j < b.size() && b[j] != x) ++j;
    if (j == b.size()) return false;
    ++j;
  }
  return true;
}

TEST(MonitorSim, CopiesEqualTheSitesLogsUnderTheRateLimit) {
  const auto e = builtin(kMonitor);
  const Outcome r = run(e, "equal");
  EXPECT_EQ(r.report.outcome.status, record::RunStatus::complete) << r.report.outcome.detail;
  ASSERT_EQ(r.copies.size(), e.sites.size());
  std::map<uint16_t, size_t> kinds;  // over every site
  for (const auto& s : e.sites) {
    const LogData& site = r.sites.at(s.name);
    const LogData& copy = r.copies.at(s.name);
    EXPECT_GT(site.events.size(), 10u) << s.name;
    EXPECT_TRUE(same_events(copy.events, site.events)) << s.name << ": the monitor's copy differs from the site's log";
    const std::string feed = note_starting(site, "monitor mon:");
    ASSERT_FALSE(feed.empty()) << s.name;
    EXPECT_EQ(count_after(feed, "dropped="), 0u) << feed;
    EXPECT_GE(count_after(feed, "sent="), site.events.size()) << feed;
    for (const auto& [k, b] : site.events) ++kinds[k];
  }
  EXPECT_EQ(kinds.size(), 4u) << "spikes, inputs, stimuli and weight read-backs all compared";
}

TEST(MonitorSim, AboveTheLimitDropsAreCountedAndTheSitesRecordTheSame) {
  const Outcome without = run(builtin(""), "limit-none");
  const Outcome limited = run(builtin(std::string(kMonitor) + "max_record_rate = 5\n"), "limit-5");
  uint64_t dropped = 0, copied = 0, recorded = 0;
  for (const auto& [name, site] : without.sites) {
    const LogData& with = limited.sites.at(name);
    EXPECT_TRUE(same_events(with.events, site.events)) << name << ": a slow monitor changed what the site recorded";
    const LogData& copy = limited.copies.at(name);
    copied += copy.events.size();
    recorded += site.events.size();
    EXPECT_TRUE(is_subsequence(copy.events, site.events)) << name << ": the copy is not a part of the site's log";
    dropped += count_after(note_starting(with, "monitor mon:"), "dropped=");
  }
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(copied, recorded);
  EXPECT_GT(copied, 0u);
}

TEST(MonitorSim, EachSitesStatusShowsItsMonitorFeed) {
  // Every site's NodeStatus (docs/recording.md §8 `monitors`) names the monitor with the feed's
  // counters: sent grows, and above the rate limit dropped grows too; without one, none is shown.
  std::map<std::string, std::vector<site::MonitorHealth>> seen;  // by site, at every progress call
  site::SimRunOptions o;
  o.progress = [&](Time, const std::vector<site::NodeStatus>& sites) {
    for (const auto& s : sites) {
      ASSERT_LE(s.monitors.size(), 1u) << s.site;
      if (!s.monitors.empty()) seen[s.site].push_back(s.monitors[0]);
    }
  };
  const auto e = builtin(std::string(kMonitor) + "max_record_rate = 5\n");
  run(e, "status", o);
  ASSERT_EQ(seen.size(), e.sites.size());
  uint64_t dropped = 0;
  for (const auto& [site, v] : seen) {
    for (size_t i = 1; i < v.size(); ++i) {
      EXPECT_EQ(v[i].name, "mon");
      EXPECT_GE(v[i].sent, v[i - 1].sent) << site;
      EXPECT_GE(v[i].dropped, v[i - 1].dropped) << site;
    }
    EXPECT_GT(v.back().sent, 0u) << site;
    EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](const auto& m) { return m.up; })) << site;
    dropped += v.back().dropped;
  }
  EXPECT_GT(dropped, 0u) << "above the limit the statuses show the drops";
  size_t without = 0;
  o.progress = [&](Time, const std::vector<site::NodeStatus>& sites) {
    for (const auto& s : sites) without += s.monitors.size();
  };
  run(builtin(""), "status-none", o);
  EXPECT_EQ(without, 0u);
}

TEST(MonitorSim, SitesRecordTheSameWithAndWithoutAMonitor) {
  const Outcome without = run(builtin(""), "with-none");
  const Outcome with = run(builtin(kMonitor), "with-mon");
  ASSERT_EQ(without.sites.size(), with.sites.size());
  for (const auto& [name, site] : without.sites)
    EXPECT_TRUE(same_events(with.sites.at(name).events, site.events)) << name;
  EXPECT_TRUE(without.report.monitor_logs.empty());
}

TEST(MonitorSim, AMonitorIsNeverARequiredPeer) {
  site::SimRunOptions o;
  o.run_monitors = false;  // declared, never started
  const Outcome r = run(builtin(kMonitor), "absent", o);
  EXPECT_EQ(r.report.outcome.status, record::RunStatus::complete) << r.report.outcome.detail;
  for (const auto& [name, site] : r.sites) {
    const std::string feed = note_starting(site, "monitor mon:");
    EXPECT_EQ(count_after(feed, "sent="), 0u) << feed;
    EXPECT_GT(count_after(feed, "dropped="), 0u) << feed;
  }
}

// A monitor holding its valid keys sends spikes of ANpre to the hub (which would forward them as
// inputs to BN and count them for ABsyn's plasticity) and events to every site: all refused.
TEST(MonitorSim, AMonitorsEventsAreRefusedCountedAndNeverDelivered) {
  auto e = builtin(kMonitor);
  experiment::assign_sim_ports(e);  // as run_sim does: the attacker needs the sites' ports
  const Outcome clean = run(builtin(""), "hostile-none");
  std::unique_ptr<link::Link> evil;
  uint64_t pushed = 0;
  site::SimRunOptions o;
  o.run_monitors = false;
  o.on_world = [&](SimWorld& w) {
    SimEnv& env = *w.add_node("mon", NodeClock{}).value();
    link::LinkConfig cfg;
    cfg.self = e.monitors[0].id;
    cfg.bind = SockAddr::parse("127.0.0.1:7401").value();
    cfg.epoch = 77;
    std::vector<link::PeerSpec> peers;
    for (const auto& s : e.sites) {
      ASSERT_TRUE(w.set_link("mon", s.name, LinkImpairments{}).is_ok());
      link::PeerSpec p;
      p.site = s.id;
      p.addr = SockAddr::parse(s.address.text).value();
      p.psk = site::simulation_psk(e.seed, "mon", s.name);
      peers.push_back(p);
    }
    evil = link::Link::create(env, cfg, peers, {}).value();
    const NeuronAddr pre = e.find_neuron("ANpre")->addr, bn = e.find_neuron("BN")->addr;
    for (Time t = 4 * kSecond; t < 8 * kSecond; t += 5 * kMillisecond) {
      w.schedule_at(t, [&, pre, bn, t] {
        const Time exp_t = t - 3 * kSecond;  // experiment time (warm-up 3 s) so no skew check applies
        for (const auto& s : e.sites) {
          ASSERT_TRUE(evil->send(s.id, wire::Event{Spike{pre, exp_t, SpikeKind::spike}}).is_ok());
          ASSERT_TRUE(evil->send(s.id, wire::Event{SynapticInput{bn, 0, 1.0f, exp_t}}).is_ok());
          pushed += 2;
        }
      });
    }
  };
  o.on_end = [&](SimWorld&) { evil->close(); };
  const Outcome r = run(e, "hostile", o);
  ASSERT_GT(pushed, 1000u);
  uint64_t refused = 0;
  for (const auto& [name, site] : clean.sites) {
    EXPECT_TRUE(same_events(r.sites.at(name).events, site.events))
        << name << ": something the monitor sent was delivered";
    const std::string refusals = note_starting(r.sites.at(name), "link refusals:");
    const size_t at = refusals.find("peer mon:");
    ASSERT_NE(at, std::string::npos) << refusals;
    refused += count_after(refusals.substr(at), "not_permitted=");
  }
  EXPECT_GE(refused, 100u);
  EXPECT_EQ(r.report.outcome.status, record::RunStatus::complete) << r.report.outcome.detail;
}

}  // namespace
