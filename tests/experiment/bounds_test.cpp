// SPDX-License-Identifier: Apache-2.0
// Every run bound of experiment/limits.hpp, checked against the run's own code at its edge: the
// edge value loads and the site's own construction accepts it; the value just beyond is refused
// by the loader (one diagnostic, at the value, with its key path) and, forced into the model past
// the loader, by the site as well — so `ion validate` refuses exactly what a run would refuse.
#include <gtest/gtest.h>

#include <functional>

#include "device/crossbar.hpp"
#include "experiment/builtin.hpp"
#include "experiment/limits.hpp"
#include "experiment/load.hpp"
#include "site/bio/culture.hpp"
#include "site/bio/detector.hpp"
#include "site/bio/experiment_config.hpp"
#include "site/hub/hub_role.hpp"
#include "site/silicon/silicon_role.hpp"

namespace ion::experiment {
namespace {

struct NullHost : site::RoleHost {
  void emit_spike(const Spike&) override {}
  void emit_input(const SynapticInput&) override {}
  void record_stimulus(const Stimulus&) override {}
  void record_weight(const WeightUpdate&) override {}
  void record_note(std::string_view) override {}
  Rng rng(std::string_view stream) const override { return Rng::stream(1, stream); }
};

// The built-in experiment without BN's spontaneous rate: building its culture then does not
// calibrate (seconds per case); the spontaneous bound has its own test.
std::string base_text() {
  std::string t(builtin_experiment_text());
  const std::string spont = "spontaneous = \"1Hz\"";
  t.replace(t.find(spont), spont.size(), "spontaneous = \"0Hz\"");
  return t;
}

std::string edit(const std::string& find, const std::string& repl) {
  std::string t = base_text();
  const size_t at = t.find(find);
  EXPECT_NE(at, std::string::npos) << find;
  if (at != std::string::npos) t.replace(at, find.size(), repl);
  return t;
}

Experiment load_ok(const std::string& text) {
  Diagnostics d;
  auto r = load_experiment_text(text, "edge.toml", &d);
  EXPECT_TRUE(r.is_ok()) << d.to_string();
  return r.is_ok() ? *r : *builtin_experiment();
}

Site& site_named(Experiment& e, const char* name) { return const_cast<Site&>(*e.find_site(name)); }

// The run's own construction of one site: Ok if the site would start.
Status build_site(const Experiment& e, const char* name) {
  NullHost host;
  const Site& s = *e.find_site(name);
  if (s.role == Role::hub) return hub::make_instrument(e, s, {}).status();
  if (s.role == Role::silicon) return silicon::make_silicon_role(e, s, host).status();
  auto cfg = bio::bio_config_from_experiment(e, s);
  if (!cfg) return cfg.status();
  if (cfg->culture) ION_TRY(cfg->culture->validate());
  cfg->limits.electrode_count = cfg->culture ? cfg->culture->channels : 1;  // as BioRole::create does
  ION_TRY(cfg->limits.validate());
  return cfg->mapping.validate();
}

struct Edge {
  const char* label;
  const char* site;                        // the site whose construction checks the bound
  std::string find;                        // text of the base to replace
  std::string at_edge;                     // accepted by the loader and by the site
  std::string beyond;                      // refused by the loader ...
  std::string value;                       // ... at this text (its first occurrence after the edit) ...
  std::string key_path;                    // ... with this key path
  std::function<void(Experiment&)> force;  // the beyond value put into a loaded model
  std::vector<std::pair<std::string, std::string>> also = {};  // further edits to both texts
};

std::string edit(const Edge& c, const std::string& repl) {
  std::string t = edit(c.find, repl);
  for (const auto& [from, to] : c.also) t.replace(t.find(from), from.size(), to);
  return t;
}

constexpr const char* kSrc = "source     = { kind = \"culture\", neurons = 1, electrodes = 1, rate = \"25kHz\" }";
constexpr const char* kStim = "max_amplitude = \"1V\", max_rate = \"50Hz\"";
constexpr const char* kInstr = "instrument = { kind = \"simulated\", words = 32, bits = 32 }";
constexpr const char* kANpost = "name        = \"ANpost\"\nsite        = \"zurich\"\nmodel       = \"dpi\"";

std::string src(const std::string& inner) { return "source     = { kind = \"culture\", " + inner + " }"; }

// The bio site's bounds: its culture source and its stimulator.
std::vector<Edge> padova_edges() {
  using S = StimulatorConfig;
  auto stim = [](std::function<void(S&)> f) { return [f](Experiment& e) { f(*site_named(e, "padova").stimulator); }; };
  auto source = [](std::function<void(SourceConfig&)> f) {
    return [f](Experiment& e) { f(*site_named(e, "padova").source); };
  };
  return {
      {"electrodes", "padova", kSrc, src("neurons = 1, electrodes = 4096, rate = \"25kHz\""),
       src("neurons = 1, electrodes = 4097, rate = \"25kHz\""), "4097", "sites.padova.source.electrodes",
       source([](SourceConfig& c) { c.electrodes = 4097; })},
      {"neurons per electrode", "padova", kSrc, src("neurons = 16, electrodes = 1, rate = \"25kHz\""),
       src("neurons = 17, electrodes = 1, rate = \"25kHz\""), "17", "sites.padova.source.neurons",
       source([](SourceConfig& c) { c.neurons = 17; })},
      {"culture rate high", "padova", kSrc, src("rate = \"30kHz\""), src("rate = \"30.001kHz\""), "\"30.001kHz\"",
       "sites.padova.source.rate", source([](SourceConfig& c) { c.rate_hz = 30001; })},
      {"culture rate low", "padova", kSrc, src("rate = \"10kHz\""), src("rate = \"9.999kHz\""), "\"9.999kHz\"",
       "sites.padova.source.rate", source([](SourceConfig& c) { c.rate_hz = 9999; })},
      {"max_amplitude", "padova", kStim, "max_amplitude = \"10V\", max_rate = \"50Hz\"",
       "max_amplitude = \"10.001V\", max_rate = \"50Hz\"", "\"10.001V\"", "sites.padova.stimulator.max_amplitude",
       stim([](S& c) { c.max_amplitude_v = 10.001; })},
      // 100 nC parses one ulp above the interlock's 100e-9 and both refuse it.
      {"max_charge", "padova", kStim, std::string(kStim) + ", max_charge = \"99.999nC\"",
       std::string(kStim) + ", max_charge = \"100.1nC\"", "\"100.1nC\"", "sites.padova.stimulator.max_charge",
       stim([](S& c) { c.max_charge_c = 100.1e-9; })},
      {"max_rate", "padova", kStim, "max_amplitude = \"1V\", max_rate = \"1kHz\"",
       "max_amplitude = \"1V\", max_rate = \"1.001kHz\"", "\"1.001kHz\"", "sites.padova.stimulator.max_rate",
       stim([](S& c) { c.max_rate_hz = 1001; })},
      {"electrode_area high", "padova", "\"2000um2\"", "\"1mm2\"", "\"1.001mm2\"", "\"1.001mm2\"",
       "sites.padova.stimulator.electrode_area", stim([](S& c) { c.electrode_area_m2 = 1.001e-6; })},
      {"electrode_area low", "padova", "\"2000um2\"", "\"1um2\"", "\"0.999um2\"", "\"0.999um2\"",
       "sites.padova.stimulator.electrode_area", stim([](S& c) { c.electrode_area_m2 = 0.999e-12; })},
      {"pulse_width high", "padova", kStim, std::string(kStim) + ", pulse_width = \"1ms\"",
       std::string(kStim) + ", pulse_width = \"1.001ms\"", "\"1.001ms\"", "sites.padova.stimulator.pulse_width",
       stim([](S& c) { c.pulse_width_ns = 1001 * kMicrosecond; })},
      {"pulse_width low", "padova", kStim, std::string(kStim) + ", pulse_width = \"1us\"",
       std::string(kStim) + ", pulse_width = \"999ns\"", "\"999ns\"", "sites.padova.stimulator.pulse_width",
       stim([](S& c) { c.pulse_width_ns = 999; })},
      {"shannon_k zero", "padova", kStim, std::string(kStim) + ", shannon_k = 0.001",
       std::string(kStim) + ", shannon_k = 0.0", "0.0", "sites.padova.stimulator.shannon_k",
       stim([](S& c) { c.shannon_k = 0; })},
  };
}

// The hub's instrument and device, and the silicon site's chip and neurons.
std::vector<Edge> hub_and_chip_edges() {
  return {
      {"v_read",
       "southampton",
       kInstr,
       "instrument = { kind = \"simulated\", v_read = \"5V\" }",
       "instrument = { kind = \"simulated\", v_read = \"5.001V\" }",
       "\"5.001V\"",
       "sites.southampton.instrument.v_read",
       [](Experiment& e) { site_named(e, "southampton").instrument->v_read = 5.001; },
       // r0 depends on the read voltage (the device layer checks it at 5 V too): preset defaults here.
       {{", r0 = \"14.8kohm\" }", " }"}, {", r0 = \"14.8kohm\" }", " }"}}},
      {"neurons_per_core", "zurich", "chip    = { cores = 1 }", "chip    = { cores = 1, neurons_per_core = 256 }",
       "chip    = { cores = 1, neurons_per_core = 255 }", "255", "sites.zurich.chip.neurons_per_core",
       [](Experiment& e) { site_named(e, "zurich").chip->neurons_per_core = 255; }},
      {"silicon neuron model", "zurich", kANpost, kANpost,
       std::string(kANpost).replace(std::string(kANpost).size() - 5, 5, "\"lif\""), "\"lif\"", "neurons[2].model",
       [](Experiment& e) { e.neurons[2].model = "lif"; }},
      {"silicon neuron parameter", "zurich", kANpost, std::string(kANpost) + "\nparams = { I_tau = \"3pA\" }",
       std::string(kANpost) + "\nparams = { I_tau = \"3nS\" }", "\"3nS\"", "neurons[2].params.I_tau",
       [](Experiment& e) { e.neurons[2].params["I_tau"].value = std::string("3nS"); }},
      {"device r0", "southampton", "r0 = \"14.8kohm\"", "r0 = \"14kohm\"", "r0 = \"1e300kohm\"", "\"1e300kohm\"",
       "synapses[0].device.r0", [](Experiment& e) { e.synapses[0].device.r0_ohm = 1e303; }},
  };
}

std::vector<Edge> edges() {
  std::vector<Edge> all = padova_edges();
  for (Edge& e : hub_and_chip_edges()) all.push_back(std::move(e));
  return all;
}

// Line and column (1-based) of `needle`'s first occurrence at or after `from`.
std::pair<int, int> position(const std::string& text, const std::string& needle, size_t from) {
  const size_t at = text.find(needle, from);
  const size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  const int col = static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return {line, col};
}

TEST(Bounds, EachRunBoundIsTheLoadersBound) {
  for (const Edge& c : edges()) {
    SCOPED_TRACE(c.label);
    Experiment ok = load_ok(edit(c, c.at_edge));
    EXPECT_TRUE(build_site(ok, c.site).is_ok()) << build_site(ok, c.site).message();

    const std::string bad_text = edit(c, c.beyond);
    Diagnostics d;
    EXPECT_FALSE(load_experiment_text(bad_text, "edge.toml", &d).is_ok());
    ASSERT_EQ(d.size(), 1u) << d.to_string();
    const auto [line, col] = position(bad_text, c.value, base_text().find(c.find));
    EXPECT_EQ(d.items()[0].key_path, c.key_path) << d.to_string();
    EXPECT_EQ(d.items()[0].line, line) << d.to_string();
    EXPECT_EQ(d.items()[0].col, col) << d.to_string();

    Experiment forced = load_ok(edit(c, c.find));
    c.force(forced);
    EXPECT_FALSE(build_site(forced, c.site).is_ok()) << "the site accepts what the loader refuses";
  }
}

TEST(Bounds, PlasticityPulsesAreWhatTheInstrumentsApply) {
  const std::string pulse = "ltp_pulse = \"-0.8V 100us\"";
  Experiment ok = load_ok(edit(pulse, "ltp_pulse = \"-20V 10s\""));
  EXPECT_TRUE(
      device::check_pulse(ok.synapses[0].plasticity.ltp_pulse.amplitude_v, ok.synapses[0].plasticity.ltp_pulse.width_ns)
          .is_ok());
  for (const char* bad : {"-20.01V 100us", "-4V 10.001s"}) {
    Diagnostics d;
    EXPECT_FALSE(load_experiment_text(edit(pulse, "ltp_pulse = \"" + std::string(bad) + "\""), "e.toml", &d).is_ok());
    ASSERT_EQ(d.size(), 1u) << d.to_string();
    EXPECT_EQ(d.items()[0].key_path, "synapses[0].plasticity.ltp_pulse");
    EXPECT_NE(d.items()[0].message.find("the instruments refuse"), std::string::npos) << d.to_string();
  }
  EXPECT_FALSE(device::check_pulse(-20.01, 100 * kMicrosecond).is_ok());
  EXPECT_FALSE(device::check_pulse(-4, 10 * kSecond + 1).is_ok());
}

TEST(Bounds, CultureSpontaneousRateIsTheCalibrationRange) {
  Diagnostics d;
  std::string t(builtin_experiment_text());
  t.replace(t.find("spontaneous = \"1Hz\""), 19, "spontaneous = \"200Hz\"");
  EXPECT_FALSE(load_experiment_text(t, "e.toml", &d).is_ok());
  ASSERT_EQ(d.size(), 1u) << d.to_string();
  EXPECT_EQ(d.items()[0].key_path, "neurons[1].spontaneous");
  Experiment e = load_ok(base_text());
  auto cfg = bio::bio_config_from_experiment(e, *e.find_site("padova"));
  ASSERT_TRUE(cfg.is_ok());
  EXPECT_FALSE(bio::calibrate_drive(*cfg->culture, limits::kCultureMaxSpontaneousHz).is_ok());
}

TEST(Bounds, RawRecordingRateIsTheDetectorsRange) {
  const std::string raw = "source     = { kind = \"raw\", path = \"/nonexistent/x.raw\", channels = 1, rate = \"";
  EXPECT_TRUE(load_experiment_text(edit(kSrc, raw + "6.001kHz\" }"), "e.toml").is_ok());
  EXPECT_TRUE(load_experiment_text(edit(kSrc, raw + "1MHz\" }"), "e.toml").is_ok());
  EXPECT_FALSE(load_experiment_text(edit(kSrc, raw + "6kHz\" }"), "e.toml").is_ok());
  EXPECT_FALSE(load_experiment_text(edit(kSrc, raw + "1.001MHz\" }"), "e.toml").is_ok());
  auto detector = [](double rate) {
    bio::DetectorConfig c;
    c.channels = 1;
    c.sample_rate_hz = rate;
    return c.validate();
  };
  EXPECT_TRUE(detector(6001).is_ok());
  EXPECT_TRUE(detector(1e6).is_ok());
  EXPECT_FALSE(detector(6000).is_ok());
  EXPECT_FALSE(detector(1.001e6).is_ok());
}

TEST(Bounds, OpenEphysExperimentAndRecordingChooseAmongSeveral) {
  const std::string oe = "source     = { kind = \"openephys\", path = \"/nonexistent/session\"";
  auto e = load_experiment_text(edit(kSrc, oe + ", experiment = 2, recording = 3 }"), "e.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EXPECT_EQ(e->find_site("padova")->source->experiment, 2);
  EXPECT_EQ(e->find_site("padova")->source->recording, 3);
  e = load_experiment_text(edit(kSrc, oe + " }"), "e.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EXPECT_EQ(e->find_site("padova")->source->recording, 0);  // the only one
  EXPECT_FALSE(load_experiment_text(edit(kSrc, oe + ", recording = 0 }"), "e.toml").is_ok());
  EXPECT_FALSE(load_experiment_text(edit(kSrc, oe + ", experiment = -1 }"), "e.toml").is_ok());
  EXPECT_FALSE(load_experiment_text(edit(kSrc, oe + ", recording = \"2\" }"), "e.toml").is_ok());
}

TEST(Bounds, ExperimentPresetsAreTheDeviceLayersPresets) {
  for (std::string_view p : device_preset_names()) {
    const std::string model(preset_model(p));
    const std::string t = edit("device     = { model = \"data-driven\", preset = \"tiox-dut2\", r0 = \"14.8kohm\" }",
                               "device     = { model = \"" + model + "\", preset = \"" + std::string(p) + "\" }");
    Diagnostics d;
    load_experiment_text(t, "e.toml", &d).is_ok();
    for (const auto& diag : d) EXPECT_EQ(diag.key_path.find("device.preset"), std::string::npos) << diag.to_string();
  }
}

// A number in a device's params reaches the hub with all its digits: the hub wrote numbers with
// std::to_string ("0.000000" for 2e-14), so this file validated and the hub then refused uv = 0.
TEST(Bounds, SmallNumericDeviceParametersReachTheHub) {
  const std::string dev = "device     = { model = \"data-driven\", preset = \"tiox-dut2\", r0 = \"14.8kohm\" }";
  std::string t = base_text();
  for (size_t at = t.find(dev); at != std::string::npos; at = t.find(dev, at))
    t.replace(at, dev.size(), "device     = { model = \"linear-drift\", params = { uv = 2e-14 } }");
  Experiment e = load_ok(t);
  EXPECT_TRUE(build_site(e, "southampton").is_ok()) << build_site(e, "southampton").message();
}

TEST(Bounds, DriveStartsBeforeTheExperimentEnds) {
  const std::string sched =
      "drive = { kind = \"schedule\", phases = [\"10Hz 10s\", \"30Hz 10s\", \"10Hz 10s\", \"2Hz 10s\"] }";
  Experiment ok = load_ok(edit(sched, "drive = { kind = \"step\", amplitude = \"1nA\", start = \"39.999s\" }"));
  EXPECT_TRUE(build_site(ok, "zurich").is_ok());
  Diagnostics d;
  EXPECT_FALSE(load_experiment_text(edit(sched, "drive = { kind = \"step\", amplitude = \"1nA\", start = \"40s\" }"),
                                    "e.toml", &d)
                   .is_ok());
  ASSERT_EQ(d.size(), 1u) << d.to_string();
  EXPECT_EQ(d.items()[0].key_path, "neurons[0].drive.start");
  ok.neurons[0].drive.start_ns = 40 * kSecond;
  EXPECT_FALSE(build_site(ok, "zurich").is_ok());
}

}  // namespace
}  // namespace ion::experiment
