// SPDX-License-Identifier: Apache-2.0
// Device presets know the range they were fitted on; experiments and pulses outside it are
// warned about (naming the preset and the range), inside it they are not.
#include "site/hub/device_ranges.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "device/fitted_range.hpp"
#include "experiment/builtin.hpp"
#include "experiment/known_models.hpp"
#include "experiment/load.hpp"

using namespace ion;

namespace {

const device::Preset& preset(const char* model, const char* name) {
  const device::Model* m = device::find_model(model);
  EXPECT_NE(m, nullptr) << model;
  const device::Preset* p = m ? device::find_preset(*m, name) : nullptr;
  EXPECT_NE(p, nullptr) << name;
  static const device::Preset kNone{"", "", {}, {}};
  return p ? *p : kNone;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The built-in experiment with every occurrence of `from` replaced by `to`.
experiment::Experiment builtin_with(const std::string& from, const std::string& to) {
  std::string text(experiment::builtin_experiment_text());
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  experiment::Diagnostics d;
  auto e = experiment::load_experiment_text(text, "x.toml", &d);
  EXPECT_TRUE(e.is_ok()) << d.to_string();
  return e.is_ok() ? *e : experiment::Experiment{};
}

}  // namespace

TEST(FittedRange, TiOxFitsRecordThePublishedCharacterisation) {
  // Messaris et al. 2018, Figs. 5-6 captions, Methods B, Table III: docs/models.md.
  const device::FittedRange& d1 = preset("data-driven", "tiox-dut1").fitted;
  ASSERT_TRUE(d1.known);
  EXPECT_DOUBLE_EQ(d1.v_neg_lo, -1.5);
  EXPECT_DOUBLE_EQ(d1.v_neg_hi, -1.2);
  EXPECT_DOUBLE_EQ(d1.v_pos_lo, 1.7);
  EXPECT_DOUBLE_EQ(d1.v_pos_hi, 2.0);
  EXPECT_DOUBLE_EQ(d1.width_lo_s, 100e-6);
  EXPECT_DOUBLE_EQ(d1.r_lo_ohm, 4500);
  EXPECT_DOUBLE_EQ(d1.r_hi_ohm, 6000);
  const device::FittedRange& d2 = preset("data-driven", "tiox-dut2").fitted;
  ASSERT_TRUE(d2.known);
  EXPECT_DOUBLE_EQ(d2.v_neg_lo, -0.8);
  EXPECT_DOUBLE_EQ(d2.v_pos_hi, 0.8);
  EXPECT_DOUBLE_EQ(d2.r_lo_ohm, 10000);
  EXPECT_DOUBLE_EQ(d2.r_hi_ohm, 17000);
  EXPECT_DOUBLE_EQ(d2.v_read, 0.5);
  // Presets without a published pulse range say why, and are never "outside".
  const device::FittedRange& emu = preset("compact", "arc-emulator").fitted;
  EXPECT_FALSE(emu.known);
  EXPECT_TRUE(has(device::describe_fitted_range(emu), "not published: "));
  EXPECT_EQ(device::pulse_outside(emu, -4, 100e-6), "");
}

TEST(FittedRange, PulsesAndResistancesOutsideAreNamed) {
  const device::FittedRange& d2 = preset("data-driven", "tiox-dut2").fitted;
  EXPECT_EQ(device::pulse_outside(d2, -0.8, 100e-6), "");
  EXPECT_EQ(device::pulse_outside(d2, 0.6, 100e-6), "");
  EXPECT_EQ(device::pulse_outside(d2, -4, 100e-6), "-4 V is beyond -0.8 V");
  EXPECT_EQ(device::pulse_outside(d2, 0.3, 100e-6), "+0.3 V is weaker than +0.6 V");
  EXPECT_EQ(device::pulse_outside(d2, 0.7, 200e-6), "a width of 200 us is not 100 us");
  EXPECT_EQ(device::resistance_outside(d2, 14800), "");
  EXPECT_EQ(device::resistance_outside(d2, 8000), "8 kohm is outside 10 kohm..17 kohm");
  const device::Model& dd = *device::find_model("data-driven");
  const std::string w = device::extrapolation_warning("x", dd, preset("data-driven", "tiox-dut1"),
                                                      "-4 V is beyond -1.5 V");
  EXPECT_TRUE(has(w, "data-driven preset 'tiox-dut1'")) << w;
  EXPECT_TRUE(has(w, "pulses -1.5 V..-1.2 V and +1.7 V..+2 V of 100 us; 4.5 kohm..6 kohm read at 0.5 V")) << w;
}

TEST(DeviceRanges, TheBuiltinExperimentStaysInsideItsFit) {
  EXPECT_TRUE(hub::device_range_warnings(experiment::builtin_experiment().value()).empty());
}

TEST(DeviceRanges, TheReferenceGuiPulsesAreWarnedWithPositionAndRange) {
  // The ±4 V pulses of the reference GUI on the built-in's TiOx DUT2: both pulses of both synapses.
  auto e = builtin_with("-0.8V 100us", "-4V 100us");
  auto w = hub::device_range_warnings(e);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].key_path, "synapses[0].plasticity.ltp_pulse");
  EXPECT_EQ(w[0].hub, "southampton");
  EXPECT_EQ(w[0].loc.line, 60);
  EXPECT_EQ(w[1].key_path, "synapses[1].plasticity.ltp_pulse");
  const std::string s = w[0].to_string();
  EXPECT_TRUE(has(s, "x.toml:60:")) << s;
  EXPECT_TRUE(has(s, ": warning: the LTP pulse of synapse ABsyn drives data-driven preset 'tiox-dut2'")) << s;
  EXPECT_TRUE(has(s, "-4 V is beyond -0.8 V")) << s;
  EXPECT_TRUE(has(s, "10 kohm..17 kohm")) << s;
}

TEST(DeviceRanges, InitialResistanceAndOnePerPopulationEntry) {
  auto r0 = hub::device_range_warnings(builtin_with("r0 = \"14.8kohm\"", "r0 = \"8kohm\""));
  ASSERT_EQ(r0.size(), 2u);
  EXPECT_EQ(r0[0].key_path, "synapses[0].device.r0");
  EXPECT_TRUE(has(r0[0].message, "8 kohm is outside 10 kohm..17 kohm")) << r0[0].message;
  // A 192-synapse block is one [[synapses]] entry: one warning per value, not 192.
  experiment::Diagnostics d;
  auto big = experiment::load_experiment(std::string(ION_SOURCE_DIR) + "/examples/large_network.toml", &d);
  ASSERT_TRUE(big.is_ok()) << d.to_string();
  for (auto& s : big->synapses) s.plasticity.ltd_pulse.amplitude_v = 2.0;
  auto w = hub::device_range_warnings(*big);
  ASSERT_EQ(w.size(), 2u);  // PC and CS entries
  EXPECT_EQ(w[0].key_path, "synapses[0].plasticity.ltd_pulse");
  EXPECT_EQ(w[1].key_path, "synapses[1].plasticity.ltd_pulse");
}

TEST(DeviceRanges, EveryExampleDrivesItsDevicesInsideTheirFit) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(ION_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".toml") continue;
    auto e = experiment::load_experiment(entry.path().string());
    ASSERT_TRUE(e.is_ok()) << entry.path();
    for (const auto& w : hub::device_range_warnings(*e)) ADD_FAILURE() << w.to_string();
  }
}

TEST(DevicePresets, EveryPresetAnExperimentAcceptsExistsInTheDeviceLayer) {
  // Experiment files are validated against experiment::device_preset_names(); the hub then asks
  // the device layer for the preset. A name only one side knows passes `ion validate` and fails
  // at run time.
  for (auto name : experiment::device_preset_names()) {
    const std::string model(experiment::preset_model(name));
    const device::Model* m = device::find_model(model);
    ASSERT_NE(m, nullptr) << model;
    EXPECT_NE(device::find_preset(*m, name), nullptr) << "preset '" << name << "' of model '" << model << "'";
  }
}
