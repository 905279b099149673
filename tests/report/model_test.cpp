// SPDX-License-Identifier: Apache-2.0
// The report model (report/model.hpp): names and circuit order, colours, empty versus missing
// data, per-spike latency, and the population layout of large networks.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "core/prng.hpp"
#include "report/model.hpp"
#include "report/series.hpp"
#include "test_data.hpp"

using namespace ion;
using namespace ion::literals;
using namespace ion::report;

namespace {

Json model_of(const record::MergedRecording& m, const experiment::Experiment& e, const ReportLimits& lim = {}) {
  return report_model(m, e, summarize(m, e), lim);
}

std::vector<std::string> names(const Json& a, const char* key = "name") {
  std::vector<std::string> out;
  for (const auto& x : a) out.push_back(x[key].get<std::string>());
  return out;
}

// Removes site `id`'s log (its row and its notes) from a recording.
void drop_site(record::MergedRecording& m, SiteId id) {
  std::erase_if(m.sites, [&](const auto& r) { return r.id == id; });
  std::erase_if(m.notes, [&](const auto& n) { return n.site == id; });
}

}  // namespace

TEST(ReportModel, NeuronsInCircuitOrderWithOneColourEach) {
  const auto e = testdata::experiment();  // file order: BN, ANpre, ANpost
  const auto j = model_of(testdata::recording(), e);
  EXPECT_EQ(j["model"], "ion-report");
  EXPECT_EQ(j["version"], kReportModelVersion);
  EXPECT_EQ(j["layout"], "detail");
  EXPECT_EQ(names(j["neurons"]), (std::vector<std::string>{"ANpre", "BN", "ANpost"}));
  EXPECT_EQ(j["raster"]["kind"], "spikes");
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(j["raster"]["rows"][i]["neuron"], i);
  EXPECT_EQ(j["raster"]["rows"][0]["t_s"].size(), 44u);  // every ANpre spike
  std::set<std::string> colors;
  for (const auto& n : j["neurons"]) colors.insert(n["color"].get<std::string>());
  EXPECT_EQ(colors.size(), 3u);
  // A synapse is drawn in its post neuron's colour, everywhere it appears.
  EXPECT_EQ(j["synapses"][0]["color"], j["neurons"][1]["color"]);  // ABsyn → BN
  EXPECT_EQ(j["synapses"][1]["color"], j["neurons"][2]["color"]);  // BAsyn → ANpost
  EXPECT_EQ(j["synapses"][0]["pre_neuron"], 0);
  EXPECT_EQ(j["synapses"][0]["post_neuron"], 1);
  EXPECT_EQ(j["response"]["series"][0]["color"], j["neurons"][1]["color"]);
  EXPECT_EQ(j["rates"]["series"][0]["label"], "ANpre");
}

TEST(ReportModel, NamesEverywhereNeverIds) {
  auto m = testdata::recording();
  const auto e = testdata::experiment();
  m.synapse_names[7] = "stray";
  m.synapses[7] = {{1_s, 5000, 0.5f, 0, 1}};  // a synapse the experiment does not know
  const auto s = summarize(m, e);
  const std::string text = format_summary(s) + model_of(m, e).dump();
  const std::regex ids(R"(\bsyn\d|synapse \d|synapse #\d)");
  EXPECT_FALSE(std::regex_search(text, ids)) << text;
  for (const char* want : {"ABsyn", "BAsyn", "ANpre->BN", "stray (not in the experiment)"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want;
  }
  m.synapse_names.erase(7);  // without any name, the id is all there is, and it says so
  EXPECT_NE(format_summary(summarize(m, e)).find("weights of synapse #7"), std::string::npos);
}

TEST(ReportModel, MissingSiteIsNoDataAndZeroIsZero) {
  auto m = testdata::recording();
  drop_site(m, 0);  // the bio site (BN) has no log
  const auto j = model_of(m, testdata::experiment());
  EXPECT_FALSE(j["run"]["complete"].get<bool>());
  const auto& bn = j["neurons"][1];
  ASSERT_EQ(bn["name"], "BN");
  for (const auto& r : bn["rate_hz"]) EXPECT_TRUE(r.is_null());
  const auto& anpost = j["neurons"][2];
  for (const auto& r : anpost["rate_hz"]) {
    ASSERT_TRUE(r.is_number());  // logged, never fired: a measured 0
    EXPECT_EQ(r.get<double>(), 0.0);
  }
  for (const auto& p : j["synapses"][0]["phases"]) EXPECT_TRUE(p["p"].is_null());  // post BN unrecorded
  EXPECT_TRUE(j["synapses"][0]["delivery"].is_null());
  for (const auto& v : j["response"]["series"][0]["p"]) EXPECT_TRUE(v.is_null());
  for (const auto& v : j["rates"]["series"][1]["hz"]) EXPECT_TRUE(v.is_null());
  EXPECT_TRUE(j["rates"]["series"][2]["hz"][0].is_number());
  EXPECT_FALSE(j["sites"][0]["logged"].get<bool>());
}

TEST(ReportModel, UnfinishedSiteCoversOnlyWhatItRecorded) {
  auto m = testdata::recording();
  std::erase_if(m.notes, [](const auto& n) { return n.site == 2; });  // silicon stopped without its note
  // A reopened log's gap note is stamped with the site's local clock: it says nothing of coverage.
  m.notes.push_back({2, 9'000'000_s, static_cast<uint16_t>(record::NoteKind::gap), "resumed after ..."});
  const auto e = testdata::experiment();
  const auto s = summarize(m, e);
  const auto* c = find_coverage(s.coverage, 2);
  ASSERT_TRUE(c && c->logged && !c->finished);
  EXPECT_EQ(c->until_ns, 3500_ms + 45_ms + 15_ms);  // its last record: an input that arrived then
  const auto& p3 = s.phases[2];
  EXPECT_TRUE(p3.partial.count("ANpre"));
  EXPECT_DOUBLE_EQ(p3.rate_hz.at("ANpre"), 4.0 / to_seconds(c->until_ns - 2_s));
  EXPECT_FALSE(s.phases[1].partial.count("ANpre"));
  const auto j = report_model(m, e, s);
  EXPECT_TRUE(j["neurons"][0]["partial"][2].get<bool>());
  EXPECT_FALSE(j["neurons"][1]["partial"][2].get<bool>());  // BN's site finished
}

TEST(ReportModel, PerSpikeLatencyFromTheRecording) {
  const auto s = summarize(testdata::recording(), testdata::experiment());
  ASSERT_EQ(s.delivery.size(), 2u);
  const auto& ab = s.delivery[0];
  EXPECT_EQ(ab.name, "ABsyn");
  EXPECT_EQ(ab.pre_spikes, 44u);
  EXPECT_EQ(ab.delivered, 40u);
  EXPECT_DOUBLE_EQ(*ab.loss_fraction, 4.0 / 44.0);
  EXPECT_EQ(ab.latency.n, 40u);
  EXPECT_EQ(*ab.latency.p50_ns, 22_ms);
  EXPECT_EQ(*ab.latency.p99_ns, 30_ms);
  EXPECT_EQ(*ab.latency.min_ns, 20_ms);
  EXPECT_EQ(*ab.latency.max_ns, 30_ms);
  const auto& ba = s.delivery[1];
  EXPECT_EQ(ba.pre_spikes, 32u);
  EXPECT_EQ(ba.delivered, 32u);
  EXPECT_EQ(ba.without_arrival, 16u);
  EXPECT_EQ(ba.latency.n, 16u);
  EXPECT_EQ(*ba.latency.p50_ns, 15_ms);
  ASSERT_EQ(s.routes.size(), 2u);
  EXPECT_EQ(s.routes[0].from_name + ">" + s.routes[0].via_name + ">" + s.routes[0].to_name, "bio>hub>silicon");
  EXPECT_EQ(s.routes[1].pre_spikes, 44u);
  const auto j = report_model(testdata::recording(), testdata::experiment(), s);
  const auto& lat = j["latency"]["synapses"][0];
  EXPECT_EQ(lat["stats"]["p50_ms"], 22.0);
  EXPECT_EQ(lat["stats"]["p99_ms"], 30.0);
  uint64_t total = 0;
  for (const auto& c : lat["counts"]) total += c.get<uint64_t>();
  EXPECT_EQ(total, 40u);
  EXPECT_EQ(lat["samples"]["ms"].size(), 40u);
  EXPECT_EQ(j["latency"]["hist"]["lo_ms"], 15.0);  // whole ms around every synapse's latencies
  EXPECT_EQ(j["latency"]["hist"]["hi_ms"], 31.0);
  EXPECT_EQ(j["synapses"][0]["delivery"]["delivered"], 40);
  const auto text = format_summary(s);
  EXPECT_NE(text.find("ABsyn        ANpre->BN: delivered 40/44 (9.09% lost)  latency p50 22.00ms p99 30.00ms max "
                      "30.00ms (n=40)"),
            std::string::npos)
      << text;
}

TEST(ReportModel, DeliveryIgnoresOtherNeuronsAndCountsASpikeOnce) {
  auto m = testdata::recording();
  const Time t = m.inputs.front().t;
  m.inputs.push_back({t, 0, 0, 0, 0.5f, 0, t + 25_ms});  // the same spike recorded twice
  m.inputs.push_back({t, 0, 5, 0, 0.5f, 0, t + 1_ms});   // for a neuron that is not ABsyn's post
  std::sort(m.inputs.begin(), m.inputs.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  const auto s = summarize(m, testdata::experiment());
  EXPECT_EQ(s.delivery[0].delivered, 40u);
  EXPECT_EQ(s.delivery[0].latency.n, 40u);
}

TEST(Series, SlidingResponseWindowAndNoData) {
  AnalysisOptions o;
  o.response_min_ns = 1_ms;
  o.response_max_ns = 50_ms;
  std::vector<Time> pre, post;
  for (int k = 0; k < 40; ++k) {
    pre.push_back(k * 100_ms);
    if (k >= 20) post.push_back(k * 100_ms + 10_ms);  // answers only in the second half
  }
  TimeGrid centers{500_ms, 1_s, 6};  // 0.5, 1.5, ..., 5.5 s
  const auto r = response_series(pre, post, centers, 1_s, o, std::make_pair(Time{0}, Time{4_s}));
  ASSERT_EQ(r.p.size(), 6u);
  EXPECT_EQ(r.n[0], 10u);
  EXPECT_EQ(*r.p[0], 0.0);
  EXPECT_EQ(*r.p[2], 1.0);  // [2 s, 3 s)
  EXPECT_EQ(r.n[3], 10u);
  EXPECT_FALSE(r.p[4]);  // [4 s, 5 s) was not recorded: no data, not 0
  EXPECT_EQ(r.n[4], 0u);
  const auto none = response_series(pre, post, centers, 1_s, o, std::nullopt);
  for (const auto& p : none.p) EXPECT_FALSE(p);
}

TEST(Series, BinnedRateIsMissingWhereTheSiteDidNotRecord) {
  SiteCoverage c{2, "silicon", true, false, 1500_ms};
  const std::vector<Time> train = {100_ms, 200_ms, 1200_ms};
  const auto r = binned_rate(train, make_grid(0, 3_s, 1_s), &c);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_DOUBLE_EQ(*r[0], 2.0);
  EXPECT_DOUBLE_EQ(*r[1], 2.0);  // one spike in the recorded half second
  EXPECT_FALSE(r[2]);
  EXPECT_FALSE(binned_rate(train, make_grid(0, 3_s, 1_s), nullptr)[0]);
}

namespace {

// 8 Poisson-driven P, 24 C, 24 S neurons; PC all-to-all (8 x 24 cells), CS one-to-one.
experiment::Experiment large_experiment() {
  experiment::Experiment e;
  e.name = "large";
  e.duration_ns = 10_s;
  e.sites = {testdata::site("chip", 0, experiment::Role::silicon), testdata::site("hub", 1, experiment::Role::hub),
             testdata::site("culture", 2, experiment::Role::bio)};
  e.sites[1].instrument = experiment::InstrumentConfig{};
  auto add = [&](const std::string& g, int n, SiteId site, uint32_t first) {
    for (int i = 0; i < n; ++i) {
      auto x = testdata::neuron(g + "[" + std::to_string(i) + "]", {site, first + static_cast<uint32_t>(i)});
      x.group = g;
      x.site = e.sites[site].name;
      if (g == "P") x.drive.kind = experiment::DriveKind::poisson;
      e.neurons.push_back(x);
    }
  };
  add("S", 24, 0, 8);  // file order differs from circuit order on purpose
  add("C", 24, 2, 0);
  add("P", 8, 0, 0);
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 24; ++j) {
      auto s = testdata::synapse("PC[" + std::to_string(i) + "," + std::to_string(j) + "]",
                                 static_cast<SynapseId>(e.synapses.size()), "P[" + std::to_string(i) + "]",
                                 "C[" + std::to_string(j) + "]");
      s.group = "PC", s.word = i, s.bit = j;
      e.synapses.push_back(s);
    }
  }
  for (int i = 0; i < 24; ++i) {
    auto s = testdata::synapse("CS[" + std::to_string(i) + "]", static_cast<SynapseId>(e.synapses.size()),
                               "C[" + std::to_string(i) + "]", "S[" + std::to_string(i) + "]");
    s.group = "CS", s.word = 8 + i, s.bit = i;
    e.synapses.push_back(s);
  }
  return e;
}

record::MergedRecording large_recording(const experiment::Experiment& e, size_t spikes) {
  record::MergedRecording m;
  m.site_names = {{0, "chip"}, {1, "hub"}, {2, "culture"}};
  testdata::add_sites(m, e.duration_ns);
  Rng rng = Rng::stream(3, "report.large");
  for (size_t k = 0; k < spikes; ++k) {
    const auto& n = e.neurons[rng.below(e.neurons.size())];
    testdata::add_spike(m, n.addr, static_cast<Time>(rng.below(static_cast<uint64_t>(e.duration_ns))));
  }
  testdata::add_spike(m, {2, 100}, 1_s);  // a culture neuron that is not in the experiment
  std::sort(m.spikes.begin(), m.spikes.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  for (const auto& s : e.synapses) {  // weight s.id % 10 / 10 from 1 s on; one LTP at 5 s
    m.synapses[s.id] = {{1_s, 6000, static_cast<float>(s.id % 10) / 10.0f, 0, 1},
                        {5_s, 5500, static_cast<float>(s.id % 10) / 10.0f, 1, 1}};
  }
  return m;
}

}  // namespace

TEST(ReportModel, LargeNetworkIsAggregatedAndBounded) {
  const auto e = large_experiment();
  const auto m = large_recording(e, 100000);
  const auto j = model_of(m, e);
  EXPECT_EQ(j["layout"], "population");
  EXPECT_EQ(names(j["groups"]), (std::vector<std::string>{"P", "C", "S", "unnamed (culture)"}));
  EXPECT_EQ(j["neurons"][0]["name"], "P[0]");
  EXPECT_EQ(j["neurons"].size(), 57u);
  // Density raster: counts per (neuron, bin), bounded bins, every spike counted once.
  ASSERT_EQ(j["raster"]["kind"], "density");
  EXPECT_LE(j["raster"]["bins"].get<size_t>(), ReportLimits{}.max_density_bins);
  uint64_t total = 0;
  for (const auto& row : j["raster"]["counts"]) {
    for (const auto& c : row) total += c.get<uint64_t>();
  }
  EXPECT_EQ(total, 100001u);
  // No per-synapse lines: weight distributions per synapse group, crossbar maps.
  for (const auto& s : j["synapses"]) EXPECT_TRUE(s["trace"].is_null());
  ASSERT_EQ(j["weights"].size(), 2u);
  const auto& pc = j["weights"][0];
  EXPECT_EQ(pc["group"], "PC");
  EXPECT_EQ(pc["synapses"], 192);
  const size_t late = pc["n"].size() - 1;
  EXPECT_EQ(pc["n"][0], 0);  // no weight read yet: no data
  EXPECT_TRUE(pc["p50"][0].is_null());
  EXPECT_EQ(pc["n"][late], 192);
  EXPECT_EQ(pc["min"][late], 0.0);
  EXPECT_EQ(pc["max"][late].get<double>(), 0.9);
  EXPECT_EQ(pc["p50"][late].get<double>(), 0.4);  // ids 0..191 → weights 0..0.9, 20 or 19 of each
  uint64_t ltp = 0;
  for (const auto& x : pc["ltp"]) ltp += x.get<uint64_t>();
  EXPECT_EQ(ltp, 192u);
  ASSERT_EQ(j["crossbars"].size(), 1u);
  EXPECT_EQ(j["crossbars"][0]["cells"].size(), 216u);
  EXPECT_EQ(j["crossbars"][0]["cells"][30]["word"], 1);
  EXPECT_EQ(j["crossbars"][0]["cells"][30]["bit"], 6);
  // P(response) pooled per synapse group; one legend entry per group, not per synapse.
  ASSERT_EQ(j["response"]["series"].size(), 2u);
  EXPECT_EQ(j["synapse_groups"][0]["count"], 192);
  EXPECT_EQ(j["rates"]["series"].size(), 4u);
  EXPECT_LT(j.dump().size(), 2'000'000u);
}

TEST(ReportModel, ManySpikesOfASmallCircuitGiveADensityRaster) {
  auto m = testdata::recording();
  for (int k = 0; k < 300; ++k) testdata::add_spike(m, {2, 0}, k * 10_ms + 1);
  std::sort(m.spikes.begin(), m.spikes.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  ReportLimits lim;
  lim.max_raster_spikes = 200;
  const auto j = model_of(m, testdata::experiment(), lim);
  EXPECT_EQ(j["layout"], "detail");
  EXPECT_EQ(j["raster"]["kind"], "density");
}
