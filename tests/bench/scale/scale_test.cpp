// SPDX-License-Identifier: Apache-2.0
// bench/scale: options, generated experiments, and the shape of the tables at tiny sizes (no
// speed assertions: only that every table has its rows, its baseline and parseable JSON).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "../../common/test_files.hpp"
#include "bench/scale/bench_scale.hpp"
#include "experiment/load.hpp"

namespace ion::scale::bench {
namespace {

std::string config_error(const BenchScaleArgs& a) {
  auto c = scale_config(a);
  return c ? std::string("accepted") : c.status().message();
}

TEST(ScaleBenchConfig, BadOptionsNameTheOptionAndTheValue) {
  const auto with = [](auto edit) {
    BenchScaleArgs a;
    edit(a);
    return config_error(a);
  };
  EXPECT_EQ(with([](BenchScaleArgs& a) { a.sizes = "1e3,abc"; }), "--sizes: \"abc\" is not a count in 2..1048576");
  EXPECT_EQ(with([](BenchScaleArgs& a) { a.sizes = "2e6"; }), "--sizes: \"2e6\" is not a count in 2..1048576");
  EXPECT_EQ(with([](BenchScaleArgs& a) { a.sizes = "2.5"; }), "--sizes: \"2.5\" is not a count in 2..1048576");
  EXPECT_EQ(with([](BenchScaleArgs& a) { a.sizes = "1e3,"; }), "--sizes: \"\" is not a count in 2..1048576");
  EXPECT_EQ(with([](BenchScaleArgs& a) { a.peers = "0"; }), "--peers: \"0\" is not a count in 1..1024");
  EXPECT_EQ(with([](BenchScaleArgs& a) { a.sites = "65"; }), "--sites: \"65\" is not a count in 2..64");
  EXPECT_EQ(with([](BenchScaleArgs& a) { a.seconds = 0; }), "--seconds: expected a duration in (0, 60] s per point");
  EXPECT_NE(with([](BenchScaleArgs& a) { a.tables = "synapses,foo"; }).find("--tables: unknown table \"foo\""),
            std::string::npos);
}

TEST(ScaleBenchConfig, CountsAcceptPowersOfTen) {
  BenchScaleArgs a;
  a.sizes = "1e3,10^4,100";
  a.sites = "2,64";
  auto c = scale_config(a);
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->synapses, (std::vector<uint64_t>{1000, 10000, 100}));
  ASSERT_EQ(c->runs.size(), 2u);
  EXPECT_EQ(c->runs[1].sites, 64u);
  EXPECT_EQ(c->runs[1].neurons, c->runs[0].neurons);
}

// Every experiment the run table simulates (default rows, up to 64 sites, and --quick rows) loads with the checks of
// `ion validate`, with the sizes it claims.
TEST(ScaleBenchExperiments, EveryGeneratedExperimentIsValid) {
  std::vector<RunSize> all = default_runs(false);
  for (const RunSize& s : default_runs(true)) all.push_back(s);
  for (const RunSize& s : all) {
    experiment::Diagnostics d;
    auto e = experiment::load_experiment_text(scale_experiment_text(s, 3), scale_experiment_name(s), &d);
    ASSERT_TRUE(e) << scale_experiment_name(s) << "\n" << d.to_string();
    EXPECT_EQ(e->sites.size(), s.sites);
    EXPECT_EQ(e->neurons.size(), size_t{s.sites - 1} * s.neurons);
    EXPECT_EQ(e->synapses.size(), size_t{s.sites - 1} * s.neurons);
    EXPECT_EQ(e->duration_ns, s.duration_ns);
  }
}

ScaleConfig tiny() {
  ScaleConfig c;
  c.synapses = {16, 64};
  c.peers = {2, 3};
  c.peer_synapses = 60;
  c.neurons = {10};
  c.runs = {{2, 2, kSecond / 5}, {3, 2, kSecond / 5}};
  c.point_ns = 5 * kMillisecond;
  c.tables = {"synapses", "peers", "memory", "run"};  // no sockets here: the loopback table is in scale_loopback_test
  return c;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// ASan replaces malloc, so glibc's mallinfo2 (the heap column) counts nothing in a sanitizer build
// (seen in CI's test-asan: 0 for every row); the normal build must measure a positive heap.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kHeapIsMeasured = false;
#else
constexpr bool kHeapIsMeasured = true;
#endif

TEST(ScaleBenchTables, EveryTableHasItsRowsAndBaseline) {
  const ScaleConfig c = tiny();
  auto r = run_bench_scale(c);
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_EQ(r->synapses.size(), 2u);
  ASSERT_EQ(r->peers.size(), 2u);
  ASSERT_EQ(r->memory.size(), 2u + 3u);  // synapses rows, then one per neuron model
  ASSERT_EQ(r->runs.size(), 2u);
  for (const Point& p : r->synapses) EXPECT_GT(p.plastic, 0u) << p.size;
  for (const Point& p : r->peers) EXPECT_GT(p.plastic, 0u) << p.size;
  for (const MemoryRow& m : r->memory) {
    const double least = kHeapIsMeasured ? 1 : 0;
    EXPECT_GE(m.heap_bytes_per, least) << m.what;
  }
  for (const RunRow& x : r->runs) EXPECT_TRUE(x.complete && x.world_events > 0) << x.size.sites;
  EXPECT_EQ(r->device_errors, 0u);
  const std::string t = scale_table(c, *r);
  EXPECT_EQ(count(t, "<- baseline"), 3u) << t;  // synapses, peers, run
  for (const char* head : {"HubCore in process vs synapses", "HubCore in process vs peers", "memory (heap",
                           "ion run --sim (in process)", "load average", "ev/CPU-s", "CPU us/event"})
    EXPECT_NE(t.find(head), std::string::npos) << head << "\n" << t;

  const auto j = nlohmann::json::parse(scale_json(c, *r));
  EXPECT_EQ(j.at("synapses").size(), 2u);
  EXPECT_EQ(j.at("synapses")[0].at("size"), 16);
  EXPECT_DOUBLE_EQ(j.at("synapses")[0].at("ratio_to_baseline").get<double>(), 1.0);
  EXPECT_EQ(j.at("peers")[1].at("size"), 3);
  EXPECT_EQ(j.at("loopback").size(), 0u);
  EXPECT_EQ(j.at("memory").size(), 5u);
  EXPECT_EQ(j.at("run")[1].at("sites"), 3);
  EXPECT_TRUE(j.at("run")[0].at("complete").get<bool>());

  const std::string dir = ion::testing::fresh_test_dir("scale_bench", "svgs");
  ASSERT_TRUE(write_scale_svgs(*r, dir));
  for (const char* f : {"synapses-rate", "synapses-p99", "peers-rate", "run-cpu", "run-event"}) {
    const std::string svg = ion::testing::file_contents(dir + "/scale-" + f + ".svg");
    EXPECT_EQ(svg.rfind("<svg", 0), 0u) << f;
    EXPECT_NE(svg.find("<polyline"), std::string::npos) << f;
  }
}

}  // namespace
}  // namespace ion::scale::bench
