// SPDX-License-Identifier: Apache-2.0
// Replay attack on a whole simulated experiment (issue 12, finding 1; docs/protocol.md §4.5).
// Run A is captured: every datagram each site received. Run B, later and with the same keys (the
// sites share one epoch store across runs, as real sites share their key directories), is left
// alone. Runs C replay run A's datagrams into an otherwise identical later run, from an
// attacker's own ports: one at a time over the whole run, all at once before the handshake, and
// all at once to every site in the middle of the run. Each C must record exactly B's values
// (spikes, inputs, stimuli, weights, clock samples, link statistics except `rejected`), and its
// refusal counters must exceed B's by exactly the number of datagrams replayed at each site.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "env/sim_world.hpp"
#include "experiment/builtin.hpp"
#include "experiment/ports.hpp"
#include "node/launch/sim_runner.hpp"
#include "record/merge.hpp"
#include "wire/epoch_state.hpp"

using namespace ion;
using namespace ion::literals;

namespace {

using Bytes = std::vector<uint8_t>;
constexpr Duration kWarmup = 1_s;

struct Captured {
  std::string site;  // where it was received
  Bytes bytes;
};

struct Replay {
  Time at_ns;           // true time of the attacker's send
  std::string to_site;  // destination
  const Bytes* bytes;
};

experiment::Experiment short_experiment() {
  auto e = experiment::builtin_experiment();
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  experiment::scale_duration(*e, 6_s);
  e->seed = 20261204;
  experiment::assign_sim_ports(*e);  // the ports run_sim would give: the attacker aims at them
  return std::move(e).value();
}

struct Outcome {
  record::MergedRecording rec;
  std::map<std::string, uint64_t> sent_to;  // replayed datagrams per destination site
};

// Total refusals in a site's "link refusals:" note (unknown_peer and every class after it).
uint64_t refusals(const record::MergedRecording& m, const std::string& site) {
  for (const auto& n : m.notes) {
    if (m.site_name(n.site) != site || n.text.rfind("link refusals:", 0) != 0) continue;
    uint64_t total = 0;  // every "=<digits>" of the note
    for (size_t at = n.text.find('='); at != std::string::npos; at = n.text.find('=', at + 1))
      if (at + 1 < n.text.size() && std::isdigit(static_cast<unsigned char>(n.text[at + 1])))
        total += std::stoull(n.text.substr(at + 1));
    return total;
  }
  ADD_FAILURE() << "no 'link refusals' note for " << site;
  return 0;
}

// A site's "link stale" note (authentic datagrams dropped after being counted lost).
std::string stale_note(const record::MergedRecording& m, const std::string& site) {
  for (const auto& n : m.notes)
    if (m.site_name(n.site) == site && n.text.rfind("link stale", 0) == 0) return n.text;
  return "(none)";
}

// The recorded values without what a refused datagram legitimately adds: notes, log record counts,
// and the links' `rejected` counter.
std::string values_digest(record::MergedRecording m) {
  m.notes.clear();
  m.gaps.clear();
  for (auto& s : m.sites) s.records = 0;
  for (auto& [key, rows] : m.links)
    for (auto& r : rows) r.rejected = 0;
  return record::digest(m);
}

uint64_t final_rejected(const record::MergedRecording& m, const std::string& site) {
  uint64_t n = 0;
  for (const auto& [key, rows] : m.links)
    if (m.site_name(key.first) == site && !rows.empty()) n += rows.back().rejected;
  return n;
}

class ReplaySim : public ::testing::Test {
 protected:
  experiment::Experiment e_ = short_experiment();
  wire::MemoryEpochStore store_;  // the sites' key directories, kept across runs

  Outcome run(const std::string& name, const std::vector<Replay>& replays, std::vector<Captured>* capture = nullptr) {
    const std::string dir = std::string(ION_BINARY_DIR) + "/test-runs/hostile-replay-sim/" + name;
    std::filesystem::remove_all(dir);
    site::SimRunOptions o;
    o.out_dir = dir;
    o.warmup_ns = kWarmup;
    o.epochs = &store_;
    if (capture)
      o.on_raw = [capture](const std::string& site, const Datagram& d) {
        capture->push_back({site, Bytes(d.data.begin(), d.data.end())});
      };
    Outcome r;
    o.on_world = [&](SimWorld& w) { attack(w, replays, r); };
    auto rep = site::run_sim(e_, o);
    EXPECT_TRUE(rep.is_ok()) << name << ": " << rep.status().message();
    if (!rep) return r;
    auto m = record::merge_logs(rep->logs);
    EXPECT_TRUE(m.is_ok()) << m.status().message();
    if (m) r.rec = std::move(m).value();
    return r;
  }

  // The attacker: its own node, 16 source ports, loss-free links to every site.
  void attack(SimWorld& w, const std::vector<Replay>& replays, Outcome& r) {
    if (replays.empty()) return;
    SimEnv& evil = *w.add_node("mallory").value();
    std::vector<SocketId> socks;
    for (int i = 0; i < 16; ++i)
      socks.push_back(
          evil.open_socket(SockAddr::parse("127.0.0.66:" + std::to_string(40000 + i)).value(), [](const Datagram&) {})
              .value());
    for (const auto& s : e_.sites) EXPECT_TRUE(w.set_link("mallory", s.name, LinkImpairments{}).is_ok());
    size_t i = 0;
    for (const Replay& p : replays) {
      const SockAddr to = SockAddr::parse(e_.find_site(p.to_site)->address.text).value();
      const SocketId from = socks[i++ % socks.size()];
      w.schedule_at(p.at_ns,
                    [&evil, from, to, bytes = p.bytes] { ASSERT_TRUE(evil.send_to(from, to, *bytes).is_ok()); });
      ++r.sent_to[p.to_site];
    }
  }

  void expect_same_values_and_every_replay_refused(const Outcome& b, const Outcome& c, uint64_t expected_total) {
    EXPECT_EQ(values_digest(c.rec), values_digest(b.rec));
    EXPECT_EQ(c.rec.spikes.size(), b.rec.spikes.size());
    EXPECT_EQ(c.rec.inputs.size(), b.rec.inputs.size());
    EXPECT_EQ(c.rec.stimuli.size(), b.rec.stimuli.size());
    uint64_t total = 0;
    for (const auto& s : e_.sites) {
      const uint64_t sent = c.sent_to.count(s.name) ? c.sent_to.at(s.name) : 0;
      total += sent;
      std::printf("  %s: replayed %llu, refusals %llu (undisturbed %llu)\n", s.name.c_str(), (unsigned long long)sent,
                  (unsigned long long)refusals(c.rec, s.name), (unsigned long long)refusals(b.rec, s.name));
      EXPECT_EQ(refusals(c.rec, s.name) - refusals(b.rec, s.name), sent) << s.name;
      EXPECT_LE(final_rejected(c.rec, s.name) - final_rejected(b.rec, s.name), sent) << s.name;
      EXPECT_NE(stale_note(b.rec, s.name), "(none)");
      EXPECT_EQ(stale_note(c.rec, s.name), stale_note(b.rec, s.name));  // recorded, and unchanged
    }
    EXPECT_EQ(total, expected_total);
  }
};

}  // namespace

TEST_F(ReplaySim, EveryDatagramOfAnEarlierRunReplayedIntoALaterRunChangesNothingAndIsCounted) {
  std::vector<Captured> earlier;
  run("a-captured", {}, &earlier);
  ASSERT_GT(earlier.size(), 1000u);
  const Outcome b = run("b-undisturbed", {});
  ASSERT_GT(b.rec.spikes.size(), 50u);
  ASSERT_GT(b.rec.stimuli.size(), 10u);
  const Time end = kWarmup + e_.duration_ns;
  {
    SCOPED_TRACE("singly: one datagram at a time over the whole run, each back to its site");
    std::vector<Replay> r;
    for (size_t i = 0; i < earlier.size(); ++i)
      r.push_back({static_cast<Time>(i) * end / static_cast<Time>(earlier.size()), earlier[i].site, &earlier[i].bytes});
    expect_same_values_and_every_replay_refused(b, run("c-singly", r), earlier.size());
  }
  {
    SCOPED_TRACE("all at once at true time 0, before any live hello");
    std::vector<Replay> r;
    for (const auto& c : earlier) r.push_back({0, c.site, &c.bytes});
    expect_same_values_and_every_replay_refused(b, run("c-burst-at-start", r), earlier.size());
  }
  {
    SCOPED_TRACE("all at once to every site, mid-run");
    std::vector<Replay> r;
    for (const auto& c : earlier)
      for (const auto& s : e_.sites) r.push_back({kWarmup + e_.duration_ns / 2, s.name, &c.bytes});
    expect_same_values_and_every_replay_refused(b, run("c-burst-everywhere", r), earlier.size() * e_.sites.size());
  }
}

// The original report at experiment level: one hello of an earlier run, replayed mid-run.
TEST_F(ReplaySim, OneReplayedHelloOfAnEarlierRunChangesNothing) {
  std::vector<Captured> earlier;
  run("one-a", {}, &earlier);
  const Outcome b = run("one-b", {});
  const Captured* hello = nullptr;
  for (const auto& c : earlier)
    if (c.site == "southampton" && c.bytes.size() > 3 && c.bytes[3] == 2 &&
        std::all_of(c.bytes.begin() + 20, c.bytes.begin() + 28, [](uint8_t x) { return x == 0; }))
      hello = &c;  // an unbound hello from padova or zurich to the hub
  ASSERT_NE(hello, nullptr);
  const Outcome c = run("one-c", {{kWarmup + 2_s, "southampton", &hello->bytes}});
  expect_same_values_and_every_replay_refused(b, c, 1);
  for (const auto& n : c.rec.notes) EXPECT_EQ(n.text.find(": down"), std::string::npos) << n.text;
}
