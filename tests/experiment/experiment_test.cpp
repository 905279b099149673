// SPDX-License-Identifier: Apache-2.0
// Good experiment files load with the right values; the built-in experiment is valid and is the
// same text as examples/three_neuron.toml; all problems are collected; scale_duration.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "experiment/builtin.hpp"
#include "experiment/known_models.hpp"
#include "experiment/load.hpp"

namespace ion::experiment {
namespace {

using namespace ion::literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Experiment load_ok(const std::string& text) {
  Diagnostics d;
  auto r = load_experiment_text(text, "good.toml", &d);
  EXPECT_TRUE(r.is_ok()) << d.to_string();
  return r.is_ok() ? *r : Experiment{};
}

TEST(Builtin, IsTheExampleFileByteForByte) {
  std::string file = read_file(std::string(ION_SOURCE_DIR) + "/examples/three_neuron.toml");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(builtin_experiment_text(), file);
}

TEST(Builtin, DocsShowTheSameExample) {
  std::string doc = read_file(std::string(ION_SOURCE_DIR) + "/docs/experiment.md");
  size_t open = doc.find("```toml\n[experiment]\nname     = \"three-neuron\"");
  ASSERT_NE(open, std::string::npos) << "docs/experiment.md lost its three-neuron example";
  open += 8;
  std::string block = doc.substr(open, doc.find("```", open) - open);
  std::string file(builtin_experiment_text());
  EXPECT_EQ(file.substr(file.find("[experiment]")), block) << "update the example in docs/experiment.md";
}

TEST(Builtin, ValidatesWithTheExpectedShape) {
  auto r = builtin_experiment();
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Experiment& e = *r;
  EXPECT_EQ(e.name, "three-neuron");
  EXPECT_EQ(e.duration_ns, 40_s);
  EXPECT_EQ(e.seed, 1u);
  EXPECT_EQ(e.mode, Mode::realtime);
  ASSERT_EQ(e.sites.size(), 3u);
  EXPECT_EQ(e.sites[0].name, "zurich");  // file order, not alphabetical
  EXPECT_EQ(e.sites[1].name, "southampton");
  EXPECT_EQ(e.sites[2].name, "padova");
  EXPECT_EQ(e.sites[1].role, Role::hub);
  EXPECT_EQ(e.sites[1].id, 1);
  EXPECT_EQ(e.time_master, "southampton");
  EXPECT_EQ(e.sites[1].address.port, 0);  // no port in the file: `ion run` chooses it
  EXPECT_EQ(e.sites[1].address.host, "127.0.0.1");
  EXPECT_TRUE(e.sites[1].address.loopback);
  ASSERT_TRUE(e.sites[1].instrument.has_value());
  EXPECT_EQ(e.sites[1].instrument->words, 32);
  ASSERT_TRUE(e.sites[2].source && e.sites[2].stimulator);
  EXPECT_DOUBLE_EQ(e.sites[2].source->rate_hz, 25000.0);
  EXPECT_NEAR(e.sites[2].stimulator->electrode_area_m2, 2000e-12, 1e-20);
  EXPECT_EQ(e.sites[2].stimulator->material, "TiO2");
  EXPECT_FALSE(e.sites[0].instrument.has_value());
}

TEST(Builtin, NeuronsAndThePacemakerProtocol) {
  auto e = *builtin_experiment();
  ASSERT_EQ(e.neurons.size(), 3u);
  const Neuron* an_pre = e.find_neuron("ANpre");
  ASSERT_NE(an_pre, nullptr);
  EXPECT_EQ(an_pre->drive.kind, DriveKind::schedule);
  ASSERT_EQ(an_pre->drive.phases.size(), 4u);
  const double rates[] = {10, 30, 10, 2};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_DOUBLE_EQ(an_pre->drive.phases[i].rate_hz, rates[i]);
    EXPECT_EQ(an_pre->drive.phases[i].duration_ns, 10_s);
  }
  EXPECT_DOUBLE_EQ(e.find_neuron("BN")->spontaneous_hz, 1.0);
  EXPECT_DOUBLE_EQ(e.find_neuron("ANpost")->spontaneous_hz, 2.0);  // background: BAsyn's rule gets evaluated
  EXPECT_EQ(e.find_neuron("ANpost")->addr, (NeuronAddr{0, 1}));    // second neuron on zurich
  EXPECT_EQ(e.find_neuron("BN")->addr, (NeuronAddr{2, 0}));
}

TEST(Builtin, SynapsesLinksRecording) {
  auto e = *builtin_experiment();
  ASSERT_EQ(e.synapses.size(), 2u);
  const Synapse& ab = e.synapses[0];
  EXPECT_EQ(ab.name, "ABsyn");
  EXPECT_EQ(ab.pre, "ANpre");
  EXPECT_EQ(ab.post, "BN");
  EXPECT_EQ(ab.hub, "southampton");
  EXPECT_EQ(ab.word, 3);
  EXPECT_EQ(ab.bit, 7);
  EXPECT_EQ(ab.device.model, "data-driven");
  EXPECT_EQ(ab.device.preset, "tiox-dut2");
  EXPECT_DOUBLE_EQ(ab.device.r0_ohm, 14800.0);
  EXPECT_DOUBLE_EQ(ab.weight.r_min_ohm, 12000.0);
  EXPECT_DOUBLE_EQ(ab.weight.r_max_ohm, 15500.0);
  EXPECT_EQ(ab.plasticity.rule, PlasticityRule::srdp);
  EXPECT_EQ(ab.plasticity.window_ns, 1_s);
  EXPECT_EQ(ab.plasticity.ltp_above, 20);
  EXPECT_EQ(ab.plasticity.ltd_below, 5);
  EXPECT_DOUBLE_EQ(ab.plasticity.ltp_pulse.amplitude_v, -0.8);  // TiOx DUT2: negative pulses lower R
  EXPECT_DOUBLE_EQ(ab.plasticity.ltd_pulse.amplitude_v, 0.8);
  EXPECT_EQ(ab.plasticity.ltd_pulse.width_ns, 100_us);
  EXPECT_EQ(ab.plasticity.ltp_pulse.loc.line, 60);  // where the file sets it, for range warnings
  EXPECT_EQ(e.synapses[1].id, 1u);
  EXPECT_EQ(e.link_between("padova", "southampton").latency_ns, 12_ms);
  EXPECT_DOUBLE_EQ(e.links.defaults.loss, 0.005);
  EXPECT_EQ(e.output_dir("20260101T000000"), "runs/three-neuron-20260101T000000");
  EXPECT_FALSE(e.legacy.enabled);
}

TEST(Examples, EveryExampleFileValidates) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(ION_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".toml") continue;
    Diagnostics d;
    auto r = load_experiment(entry.path().string(), &d);
    EXPECT_TRUE(r.is_ok()) << entry.path() << "\n" << d.to_string();
    ++count;
  }
  EXPECT_GE(count, 1);
}

TEST(Populations, CountAndBlocksExpandToMembers) {
  Diagnostics d;
  auto r = load_experiment(std::string(ION_SOURCE_DIR) + "/examples/large_network.toml", &d);
  ASSERT_TRUE(r.is_ok()) << d.to_string();
  const Experiment& e = *r;
  EXPECT_EQ(e.neurons.size(), 8u + 24u + 24u);
  const Neuron* c5 = e.find_neuron("C[5]");
  ASSERT_NE(c5, nullptr);
  EXPECT_EQ(c5->group, "C");
  EXPECT_EQ(c5->addr, (NeuronAddr{2, 5}));
  EXPECT_EQ(e.find_neuron("S[0]")->addr, (NeuronAddr{0, 8}));  // after P[0..7] on the chip
  EXPECT_EQ(e.find_neuron("C"), nullptr);                      // the group itself is not a neuron
  ASSERT_EQ(e.synapses.size(), 8u * 24u + 24u);
  const Synapse* pc = e.find_synapse("PC[2,5]");
  ASSERT_NE(pc, nullptr);
  EXPECT_EQ(pc->pre, "P[2]");
  EXPECT_EQ(pc->post, "C[5]");
  EXPECT_EQ(pc->word, 2);
  EXPECT_EQ(pc->bit, 5);
  EXPECT_EQ(pc->group, "PC");
  const Synapse* cs = e.find_synapse("CS[3]");
  ASSERT_NE(cs, nullptr);
  EXPECT_EQ(cs->pre, "C[3]");
  EXPECT_EQ(cs->post, "S[3]");
  EXPECT_EQ(cs->word, 11);
  EXPECT_EQ(cs->bit, 3);
  EXPECT_EQ(cs->plasticity.rule, PlasticityRule::stdp);
  for (size_t i = 0; i < e.synapses.size(); ++i) EXPECT_EQ(e.synapses[i].id, i);
  EXPECT_DOUBLE_EQ(e.link_between("hub", "culture").loss, 0.02);
  EXPECT_EQ(e.link_between("hub", "culture").latency_ns, 25_ms);
  EXPECT_EQ(e.link_between("hub", "chip").latency_ns, 5_ms);
}

TEST(ScaleDuration, ScalesPhasesAndKeepsTheTotal) {
  auto e = *builtin_experiment();
  scale_duration(e, 7_s);
  EXPECT_EQ(e.duration_ns, 7_s);
  const auto& phases = e.find_neuron("ANpre")->drive.phases;
  Duration total = 0;
  for (const auto& p : phases) {
    EXPECT_NEAR(static_cast<double>(p.duration_ns), 1.75e9, 1.0);
    total += p.duration_ns;
  }
  EXPECT_EQ(total, 7_s);
  EXPECT_DOUBLE_EQ(phases[1].rate_hz, 30.0);  // rates unchanged
}

constexpr const char* kMinimal = R"([experiment]
name = "m"
duration = "2s"
seed = 42
mode = "sim"
[sites.h]
role = "hub"
address = "[::1]:9000"
instrument = { kind = "simulated", words = 4, bits = 8, v_read = "200mV", read_noise = 0.01 }
[sites.s-1]
role = "silicon"
address = "127.0.0.2:9001"
clock_offset = "-3ms"
[[neurons]]
name = "N"
site = "s-1"
model = "dpi"
params = { t_ref = "20ms", I_ahp_jump = "4pA", kappa = 0.75 }
drive = { kind = "step", amplitude = "0.5nA", start = "100ms", stop = "1s" }
[[neurons]]
name = "M"
site = "s-1"
model = "dpi"
[[synapses]]
name = "NM"
pre = "N"
post = "M"
hub = "h"
cell = [3, 7]
device = { model = "linear-drift", window = "biolek", params = { p = 2 } }
plasticity = { rule = "stdp", tau_plus = "15ms" }
[links.default]
latency = "1ms"
loss = 0.1
[links.s-1-h]
jitter = "500us"
insecure = true
[legacy]
enabled = true
allowed_peers = ["127.0.0.1"]
neurons = { "65" = "N", "68" = "M" }
[security]
key_dir = "/tmp/k"
)";

TEST(GoodFile, ValuesUnitsAndDefaults) {
  Experiment e = load_ok(kMinimal);
  EXPECT_EQ(e.seed, 42u);
  EXPECT_EQ(e.mode, Mode::sim);
  EXPECT_TRUE(e.sites[0].address.v6 && e.sites[0].address.loopback);
  EXPECT_DOUBLE_EQ(e.sites[0].instrument->v_read, 0.2);
  EXPECT_EQ(e.sites[0].instrument->bits, 8);
  EXPECT_EQ(e.sites[1].clock_offset_ns, -3_ms);
  const Neuron& n = e.neurons[0];
  EXPECT_EQ(n.drive.kind, DriveKind::step);
  EXPECT_NEAR(n.drive.amplitude_a, 0.5e-9, 1e-18);
  EXPECT_EQ(n.drive.start_ns, 100_ms);
  EXPECT_EQ(n.drive.stop_ns, 1_s);
  ASSERT_EQ(n.params.size(), 3u);
  EXPECT_EQ(std::get<std::string>(n.params.at("t_ref").value), "20ms");
  EXPECT_DOUBLE_EQ(std::get<double>(n.params.at("kappa").value), 0.75);
  EXPECT_EQ(n.params.at("t_ref").loc.line, 18);
  EXPECT_EQ(n.params.at("t_ref").key_path, "neurons[0].params.t_ref");
  EXPECT_EQ(e.neurons[1].drive.kind, DriveKind::none);
}

TEST(GoodFile, SynapseLinksLegacyDefaults) {
  Experiment e = load_ok(kMinimal);
  const Synapse& s = e.synapses[0];
  EXPECT_EQ(s.device.window, "biolek");
  EXPECT_DOUBLE_EQ(std::get<double>(s.device.params.at("p").value), 2.0);
  EXPECT_DOUBLE_EQ(s.weight.r_min_ohm, 4000.0);  // defaults
  EXPECT_EQ(s.plasticity.rule, PlasticityRule::stdp);
  EXPECT_EQ(s.plasticity.tau_plus_ns, 15_ms);
  EXPECT_EQ(s.plasticity.tau_minus_ns, 20_ms);
  const LinkConfig& pair = e.link_between("h", "s-1");  // either order
  EXPECT_EQ(pair.latency_ns, 1_ms);                     // inherited from default
  EXPECT_EQ(pair.jitter_ns, 500_us);
  EXPECT_TRUE(pair.insecure);
  EXPECT_DOUBLE_EQ(pair.loss, 0.1);
  EXPECT_TRUE(e.legacy.enabled);
  EXPECT_EQ(e.legacy.hub, "h");
  EXPECT_EQ(e.legacy.port, 5005);
  EXPECT_EQ(e.legacy.neurons.at(68), "M");
  EXPECT_EQ(e.security.key_dir, "/tmp/k");
  EXPECT_EQ(e.recording.flush_interval_ns, 100_ms);
}

// [security] aead: default "auto", the two pinned suites, and a FILE:LINE:COL error for anything else.
TEST(GoodFile, SecurityAead) {
  EXPECT_EQ(load_ok(kMinimal).security.aead, "auto");
  for (const char* v : {"auto", "xchacha20poly1305", "aes256gcm"}) {
    std::string text = kMinimal;
    text += std::string("aead = \"") + v + "\"\n";
    EXPECT_EQ(load_ok(text).security.aead, v);
  }
  std::string text = kMinimal;
  const int line = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  text += "aead = \"aes128gcm\"\n";
  Diagnostics d;
  ASSERT_FALSE(load_experiment_text(text, "bad.toml", &d).is_ok());
  ASSERT_EQ(d.size(), 1u) << d.to_string();
  EXPECT_EQ(d.items()[0].line, line);
  EXPECT_EQ(d.items()[0].key_path, "security.aead");
  const std::string msg = d.items()[0].to_string();
  EXPECT_NE(msg.find("bad.toml:" + std::to_string(line) + ":"), std::string::npos) << msg;
  EXPECT_NE(msg.find("aes128gcm"), std::string::npos) << msg;
  EXPECT_NE(msg.find("xchacha20poly1305"), std::string::npos) << msg;
}

TEST(Collect, ThreeErrorsGiveThreeDiagnosticsInOrder) {
  const char* text = R"([experiment]
name = "x"
duration = "-1s"
[sites.a]
role = "silicon"
address = "127.0.0.1:99999"
[[neurons]]
name = "n"
site = "b"
model = "lif"
)";
  Diagnostics d;
  auto r = load_experiment_text(text, "three.toml", &d);
  ASSERT_FALSE(r.is_ok());
  ASSERT_EQ(d.size(), 3u) << d.to_string();
  EXPECT_EQ(d.items()[0].line, 3);
  EXPECT_EQ(d.items()[0].key_path, "experiment.duration");
  EXPECT_EQ(d.items()[1].line, 6);
  EXPECT_EQ(d.items()[1].key_path, "sites.a.address");
  EXPECT_EQ(d.items()[2].line, 9);
  EXPECT_EQ(d.items()[2].key_path, "neurons[0].site");
  // The error's message carries every diagnostic too.
  EXPECT_NE(r.status().message().find("3 problems"), std::string::npos);
  EXPECT_NE(r.status().message().find("three.toml:9:8: neurons[0].site"), std::string::npos);
}

TEST(Collect, MissingSectionsAndEmptyFile) {
  Diagnostics d;
  EXPECT_FALSE(load_experiment_text("", "empty.toml", &d).is_ok());
  ASSERT_EQ(d.size(), 2u) << d.to_string();
  EXPECT_EQ(d.items()[0].to_string(), "empty.toml:1:1: sites: missing required key 'sites' (expected a table)");
  EXPECT_EQ(d.items()[1].to_string(),
            "empty.toml:1:1: experiment: missing required key 'experiment' (expected a table)");
  Diagnostics d2;
  EXPECT_FALSE(
      load_experiment_text("[experiment]\nname=\"a\"\nduration=\"1s\"\n[sites]\n", "nosites.toml", &d2).is_ok());
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(d2.items()[0].to_string(),
            "nosites.toml:4:1: sites: found no sites, expected at least one [sites.NAME] table");
}

TEST(Collect, UnreadableFile) {
  Diagnostics d;
  auto r = load_experiment("/nonexistent/x.toml", &d);
  EXPECT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Errc::io_error);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.items()[0].to_string(),
            "/nonexistent/x.toml: cannot open the experiment file: No such file or directory");
}

TEST(DidYouMean, SuggestsOnlyPlausibleTypos) {
  const std::string_view keys[] = {"duration", "name", "seed", "mode"};
  EXPECT_EQ(did_you_mean("duraton", keys), "duration");
  EXPECT_EQ(did_you_mean("Seed", keys), "seed");
  EXPECT_EQ(did_you_mean("xyz", keys), "");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(KnownModels, PresetsBelongToKnownModels) {
  for (auto p : device_preset_names()) EXPECT_TRUE(contains(device_model_names(), preset_model(p))) << p;
  EXPECT_EQ(preset_model("tiox-dut1"), "data-driven");
  EXPECT_EQ(preset_model("nope"), "");
}

}  // namespace
}  // namespace ion::experiment
